package app.hearth.signaling.colibri;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("A cold or refusing bridge: timeouts leave no orphan conference, refusals carry the bridge's reason")
class ColdBridgeTest {

    private final List<AutoCloseable> closeLater = new ArrayList<>();

    @AfterEach
    void cleanUp() throws Exception {
        for (AutoCloseable c : closeLater) {
            c.close();
        }
    }

    FakeBridge bridge() throws Exception {
        FakeBridge fake = new FakeBridge();
        closeLater.add(fake);
        return fake;
    }

    CircleConferences hearth(BridgeHttp http, FakeBridge fake) {
        CircleConferences conferences = new CircleConferences(BridgeConfig.of(List.of(fake.base())), http,
                BridgeSelectionStrategy.leastLoaded());
        closeLater.add(conferences);
        return conferences;
    }

    @Test
    @DisplayName("the fake models a cold bridge: the slow POST's conference exists although the client gave up, and is an orphan if nobody comes back")
    void fakeRecordsOrphans() throws Exception {
        FakeBridge fake = bridge();
        fake.slowFirstAllocation(Duration.ofMillis(1500));
        BridgeHttp impatient = BridgeHttp.jdk(Duration.ofMillis(300));
        assertThrows(HttpTimeoutException.class, () -> impatient.post(fake.base().resolve("/colibri/v2/conferences"),
                ColibriMessages.allocate("m-cold", "circle-x@hearth.internal", "ep1", true)));
        assertEquals(Set.of("ep1"), fake.endpointsOf("m-cold"), "created all the same");
        assertTrue(fake.orphans(Duration.ofMillis(5_000)).isEmpty(), "not yet older than 5 s");
        assertEquals(Set.of("m-cold"), fake.orphans(Duration.ZERO));
        // only the first POST is slow (a warm bridge)
        long start = System.nanoTime();
        assertEquals(200, BridgeHttp.jdk(Duration.ofSeconds(5)).post(fake.base().resolve("/colibri/v2/conferences"),
                ColibriMessages.allocate("m-warm", "circle-y@hearth.internal", "ep1", true)).status());
        assertTrue(System.nanoTime() - start < Duration.ofMillis(1500).toNanos(), "not delayed again");
    }

    @Test
    @DisplayName("a timed-out first allocation on a live bridge: BRIDGE_TIMEOUT, the meeting-id is expired at once, the bridge stays in use, the next join works and nothing is orphaned")
    void timeoutExpiresTheConference() throws Exception {
        FakeBridge fake = bridge();
        // generous margins: the health check that follows the timeout must answer within the same timeout
        // on a loaded machine
        CircleConferences hearth = hearth(BridgeHttp.jdk(Duration.ofMillis(1500)), fake);
        fake.slowFirstAllocation(Duration.ofMillis(4000));
        ColibriException e = assertThrows(ColibriException.class, () -> hearth.join("c1", "ep1"));
        assertEquals(ColibriException.Kind.BRIDGE_TIMEOUT, e.kind());
        assertTrue(e.timedOut());
        String first = fake.requests.get(0).json().getString("meeting-id");
        assertTrue(fake.requests.stream().anyMatch(r -> r.method().equals("PATCH") && r.path().endsWith("/" + first)
                && Boolean.TRUE.equals(r.json().getValue("expire"))), "expired by meeting-id");
        assertTrue(fake.conferences.isEmpty(), "no orphan: " + fake.conferences.keySet());
        assertEquals(0, hearth.pendingExpiries());
        assertTrue(hearth.bridges().all().get(0).healthy(), "slow, not dead");
        assertTrue(hearth.participants("c1").isEmpty());

        Offer offer = hearth.join("c1", "ep1").offers().get(0);
        assertTrue(offer.newConnection());
        String second = fake.meetingIdOf("circle-c1@hearth.internal").orElseThrow();
        assertFalse(second.equals(first), "a new meeting-id: a late creation of the old one cannot collide");
        hearth.join("c1", "ep2");
        assertEquals(Set.of(), fake.orphans(Duration.ZERO));
    }

    @Test
    @DisplayName("when the expiry cannot be sent either, it is kept and sent with the next health check")
    void pendingExpiry() throws Exception {
        FakeBridge fake = bridge();
        BridgeHttp jdk = BridgeHttp.jdk(Duration.ofMillis(1500));
        AtomicBoolean expiryFails = new AtomicBoolean(true);
        BridgeHttp flaky = (method, uri, json) -> {
            if (json != null && json.contains("\"expire\":true") && expiryFails.get()) {
                throw new IOException("connection reset");
            }
            return jdk.exchange(method, uri, json);
        };
        CircleConferences hearth = hearth(flaky, fake);
        fake.slowFirstAllocation(Duration.ofMillis(3500));
        assertEquals(ColibriException.Kind.BRIDGE_TIMEOUT, assertThrows(ColibriException.class, () -> hearth.join("c1", "ep1")).kind());
        assertEquals(1, fake.conferences.size(), "left behind for now");
        assertEquals(1, hearth.pendingExpiries());
        expiryFails.set(false);
        hearth.checkHealth();
        assertEquals(0, hearth.pendingExpiries());
        assertTrue(fake.conferences.isEmpty());
    }

    @Test
    @DisplayName("a timeout on a bridge that fails its health check too: taken out of use (NO_BRIDGE), and its conference expired once it is back")
    void deadAndSlow() throws Exception {
        FakeBridge fake = bridge();
        CircleConferences hearth = hearth(BridgeHttp.jdk(Duration.ofMillis(500)), fake);
        fake.slowFirstAllocation(Duration.ofMillis(1500));
        fake.unhealthy = true;
        assertEquals(ColibriException.Kind.NO_BRIDGE, assertThrows(ColibriException.class, () -> hearth.join("c1", "ep1")).kind());
        assertFalse(hearth.bridges().all().get(0).healthy());
        assertEquals(1, hearth.pendingExpiries());
        fake.unhealthy = false;
        hearth.checkHealth();
        assertEquals(0, hearth.pendingExpiries());
        assertTrue(fake.conferences.isEmpty());
    }

    @Test
    @DisplayName("a name that is not a JID is refused with the bridge's reason (BRIDGE_REFUSED, 400), read from its JSON error and logged at WARN")
    void nonJidName() throws Exception {
        FakeBridge fake = bridge();
        BridgeHttp jdk = BridgeHttp.jdk(Duration.ofSeconds(2));
        BridgeHttp oldHearth = (method, uri, json) -> jdk.exchange(method, uri, json == null ? null : json.replace("@hearth.internal", ""));
        CircleConferences hearth = hearth(oldHearth, fake);
        ch.qos.logback.classic.Logger log = (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(CircleConferences.class);
        ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> logged = new ch.qos.logback.core.read.ListAppender<>();
        logged.start();
        log.addAppender(logged);
        ColibriException e;
        try {
            e = assertThrows(ColibriException.class, () -> hearth.join("c1", "ep1"));
        } finally {
            log.detachAppender(logged);
        }
        assertTrue(logged.list.stream().anyMatch(event -> event.getLevel() == ch.qos.logback.classic.Level.WARN
                && event.getFormattedMessage().contains("answered 400 POST /colibri/v2/conferences for circle c1")
                && event.getFormattedMessage().endsWith("Failed to create conference: Invalid conference name (not a JID)")),
                "the bridge's reason is logged at WARN: " + logged.list);
        assertEquals(ColibriException.Kind.BRIDGE_REFUSED, e.kind());
        assertEquals(400, e.status());
        assertTrue(e.getMessage().endsWith("Failed to create conference: Invalid conference name (not a JID)"), e.getMessage());
        assertTrue(hearth.bridges().all().get(0).healthy());
        assertTrue(fake.conferences.isEmpty());
    }

    @Test
    @DisplayName("the conference domain comes from HEARTH_JVB_CONFERENCE_DOMAIN and the public WebSocket base from HEARTH_JVB_WS_PUBLIC_BASE")
    void settings() {
        java.util.Map<String, String> env = new java.util.HashMap<>(java.util.Map.of(BridgeConfig.URLS_KEY, "http://10.0.0.21:8080"));
        BridgeConfig plain = BridgeConfig.from(app.hearth.platform.config.Settings.of(env));
        assertEquals("hearth.internal", plain.conferenceDomain());
        assertEquals(null, plain.wsPublicBase());
        env.put(BridgeConfig.CONFERENCE_DOMAIN_KEY, "conference.clinic.example");
        env.put(BridgeConfig.WS_PUBLIC_BASE_KEY, "wss://clinic.example/");
        BridgeConfig set = BridgeConfig.from(app.hearth.platform.config.Settings.of(env));
        assertEquals("circle-r1@conference.clinic.example", set.conferenceName("r1"));
        assertEquals(URI.create("wss://clinic.example/"), set.wsPublicBase());
        env.put(BridgeConfig.CONFERENCE_DOMAIN_KEY, "not a domain");
        assertThrows(app.hearth.platform.config.ConfigException.class,
                () -> BridgeConfig.from(app.hearth.platform.config.Settings.of(env)));
    }
}
