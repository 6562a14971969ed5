package app.hearth.room.presence;

import app.hearth.platform.store.Blocking;
import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;

/** The same contract on a real two-member Hazelcast cluster on loopback: one member writes, the other reads. */
@DisplayName("Presence in a two-member Hazelcast cluster")
class HazelcastPresenceStoreTest extends PresenceStoreContract {

    /** Hazelcast counts time-to-live in whole seconds: two of them leave room for the refreshes. */
    static final Duration TTL = Duration.ofSeconds(2);
    static Vertx vertx;
    static HazelcastInstance first;
    static HazelcastInstance second;
    static HazelcastPresenceStore writer;
    static HazelcastPresenceStore reader;

    @BeforeAll
    static void cluster() throws IOException {
        int portA = freePort();
        int portB = freePort();
        String name = "presence-test-" + portA;
        first = Hazelcast.newHazelcastInstance(config(name, portA, portB));
        second = Hazelcast.newHazelcastInstance(config(name, portB, portA));
        awaitClusterSafe(first, second);
        vertx = Vertx.vertx();
        writer = new HazelcastPresenceStore(first, Blocking.pool(vertx, "presence-a", 4), TTL);
        reader = new HazelcastPresenceStore(second, Blocking.pool(vertx, "presence-b", 4), TTL);
    }

    /**
     * Waits until the partitions have settled after the second member joined: no migration running,
     * backups in sync. A test's first map operations otherwise run during the migration: in CI a
     * predicate removeAll right after the join left its entry in place for over 10 s, most likely
     * for that reason (it did not recur in local runs).
     */
    static void awaitClusterSafe(HazelcastInstance... members) {
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(60);
        for (HazelcastInstance member : members) {
            while (!member.getPartitionService().isClusterSafe()) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("the two-member cluster did not settle within 60 s");
                }
                java.util.concurrent.locks.LockSupport.parkNanos(java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(20));
            }
        }
    }

    static Config config(String name, int port, int other) {
        Config config = new Config().setClusterName(name);
        config.setProperty("hazelcast.phone.home.enabled", "false");
        config.setProperty("hazelcast.wait.seconds.before.join", "0");
        config.getNetworkConfig().setPort(port).setPortAutoIncrement(false);
        config.getNetworkConfig().getInterfaces().setEnabled(true).addInterface("127.0.0.1");
        config.setProperty("hazelcast.local.localAddress", "127.0.0.1");
        JoinConfig join = config.getNetworkConfig().getJoin();
        join.getMulticastConfig().setEnabled(false);
        join.getAutoDetectionConfig().setEnabled(false);
        join.getTcpIpConfig().setEnabled(true).setMembers(List.of("127.0.0.1:" + port, "127.0.0.1:" + other));
        return config;
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 0, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    @AfterAll
    static void stop() {
        second.shutdown();
        first.shutdown();
        vertx.close();
    }

    @Override
    PresenceStore writer() {
        return writer;
    }

    @Override
    PresenceStore reader() {
        return reader;
    }

    @Override
    Duration ttl() {
        return TTL;
    }
}
