package app.hearth.room.presence;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import app.hearth.platform.store.Blocking;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * "Does this person have a live connection anywhere" on a real two-member Hazelcast cluster: a socket
 * opened on one member is seen from the other, a closed one is not (even when it closes before its
 * open was written), a departed member's sockets are dropped, and a lost entry is put back.
 */
@DisplayName("Live connections in a two-member Hazelcast cluster")
class HazelcastLiveConnectionsTest {

    static Vertx vertx;
    static HazelcastInstance first;
    static HazelcastInstance second;
    static HazelcastLiveConnections a;
    static HazelcastLiveConnections b;

    @BeforeAll
    static void cluster() throws IOException {
        int portA = HazelcastPresenceStoreTest.freePort();
        int portB = HazelcastPresenceStoreTest.freePort();
        String name = "connections-test-" + portA;
        first = Hazelcast.newHazelcastInstance(HazelcastPresenceStoreTest.config(name, portA, portB));
        second = Hazelcast.newHazelcastInstance(HazelcastPresenceStoreTest.config(name, portB, portA));
        HazelcastPresenceStoreTest.awaitClusterSafe(first, second);
        vertx = Vertx.vertx();
        a = new HazelcastLiveConnections(first, Blocking.pool(vertx, "connections-a", 4), "node-a", () -> Set.of("node-a", "node-b"));
        b = new HazelcastLiveConnections(second, Blocking.pool(vertx, "connections-b", 4), "node-b", () -> Set.of("node-a", "node-b"));
    }

    @AfterAll
    static void stop() {
        second.shutdown();
        first.shutdown();
        vertx.close();
    }

    static boolean anywhere(HazelcastLiveConnections from, String clinic, String person) {
        try {
            return from.anywhere(clinic, person).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static void eventually(String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within 10 s: " + what);
            }
            Thread.onSpinWait();
        }
    }

    @Test
    @DisplayName("opened on A → seen from B (same clinic only); closed → gone; closed at once → no entry left")
    void openAndClose() {
        a.opened("c1", "clinic", "therapist-1");
        eventually("seen from B", () -> anywhere(b, "clinic", "therapist-1"));
        assertFalse(anywhere(b, "other-clinic", "therapist-1"), "another clinic's person of that id");
        a.opened("c2", "clinic", "therapist-1");
        a.closed("c1");
        eventually("the first socket gone", () -> first.getMap(HazelcastLiveConnections.MAP).get("c1") == null);
        assertTrue(anywhere(b, "clinic", "therapist-1"), "the second socket is still open");
        a.closed("c2");
        eventually("no socket left", () -> !anywhere(b, "clinic", "therapist-1"));

        for (int i = 0; i < 20; i++) {
            b.opened("fast-" + i, "clinic", "therapist-2");
            b.closed("fast-" + i);
        }
        b.opened("marker", "clinic", "marker");
        eventually("the marker written", () -> anywhere(a, "clinic", "marker"));
        eventually("no socket that closed at once is left", () -> !anywhere(a, "clinic", "therapist-2"));
    }

    @Test
    @DisplayName("a departed member's sockets are dropped by the survivor; a lost entry is put back by its node's refresh")
    void departedAndLost() {
        b.opened("b1", "clinic", "therapist-3");
        eventually("seen from A", () -> anywhere(a, "clinic", "therapist-3"));
        a.nodeLeft("node-b");
        eventually("dropped", () -> !anywhere(a, "clinic", "therapist-3"));
        b.refresh(); // node B is alive after all (a split healed): its own entry comes back
        eventually("put back", () -> anywhere(a, "clinic", "therapist-3"));
        a.nodeLeft("node-a"); // never its own
        b.closed("b1");
        eventually("closed", () -> !anywhere(a, "clinic", "therapist-3"));
    }

    static void await(io.vertx.core.Future<Void> done) {
        try {
            done.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    @DisplayName("no time to live: a refresh drops a stale entry of its own node, and every sixth one drops a non-member's entries")
    void refreshPutsRight() {
        com.hazelcast.map.IMap<String, com.hazelcast.core.HazelcastJsonValue> map = first.getMap(HazelcastLiveConnections.MAP);
        for (int i = 0; i < 200; i++) {
            a.opened("many-" + i, "clinic", "therapist-8");
        }
        a.opened("a-kept", "clinic", "therapist-5");
        eventually("written", () -> anywhere(b, "clinic", "therapist-5"));
        eventually("all written", () -> first.getMap(HazelcastLiveConnections.MAP).containsKey("many-199"));
        long repairs = a.repairs.get();
        await(a.refresh());
        assertEquals(repairs, a.repairs.get(), "nothing to put right: one count, no keys read");
        long ttl = map.getEntryView("a-kept").getTtl();
        assertTrue(ttl <= 0 || ttl == Long.MAX_VALUE, "the entry has no time to live: " + ttl);
        map.set("a-stale", new com.hazelcast.core.HazelcastJsonValue(
                "{\"clinicId\":\"clinic\",\"personId\":\"therapist-6\",\"nodeId\":\"node-a\"}"));
        map.set("z-stale", new com.hazelcast.core.HazelcastJsonValue(
                "{\"clinicId\":\"clinic\",\"personId\":\"therapist-7\",\"nodeId\":\"node-z\"}"));
        await(a.refresh());
        assertFalse(anywhere(b, "clinic", "therapist-6"), "node A's entry of a socket it does not hold");
        assertTrue(anywhere(b, "clinic", "therapist-5"), "its open socket kept");
        for (int i = 0; i < 6; i++) {
            await(a.refresh());
        }
        assertFalse(anywhere(b, "clinic", "therapist-7"), "a node that is not a member");
        assertTrue(anywhere(b, "clinic", "therapist-5"), "a member's kept");
        a.closed("a-kept");
        for (int i = 0; i < 200; i++) {
            a.closed("many-" + i);
        }
        eventually("closed", () -> !anywhere(b, "clinic", "therapist-5") && !anywhere(b, "clinic", "therapist-8"));
    }
}
