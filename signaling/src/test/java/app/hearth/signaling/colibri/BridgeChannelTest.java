package app.hearth.signaling.colibri;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.vertx.core.Vertx;
import io.vertx.core.http.ClientWebSocket;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("The bridge channel: the colibri WebSocket URL in each offer, and the fake bridge's channel rules")
class BridgeChannelTest {

    private final List<AutoCloseable> closeLater = new ArrayList<>();
    private final Vertx vertx = Vertx.vertx();

    @AfterEach
    void cleanUp() throws Exception {
        for (AutoCloseable c : closeLater) {
            c.close();
        }
        try {
            vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        } catch (java.util.concurrent.TimeoutException slow) {
            // the client's sockets close on their own; a slow shutdown on a loaded machine is not this test's subject
        }
    }

    FakeBridge bridge() throws Exception {
        FakeBridge fake = new FakeBridge();
        closeLater.add(fake);
        return fake;
    }

    CircleConferences hearth(BridgeConfig config) {
        CircleConferences conferences = new CircleConferences(config, BridgeHttp.jdk(Duration.ofSeconds(2)),
                BridgeSelectionStrategy.leastLoaded());
        closeLater.add(conferences);
        return conferences;
    }

    /** A browser's end of the channel: every message the bridge sent, in order. */
    final class Page implements AutoCloseable {
        final WebSocket socket;
        final BlockingQueue<JsonObject> inbox = new LinkedBlockingQueue<>();
        final List<JsonObject> seen = new ArrayList<>();

        Page(String url) throws Exception {
            WebSocketClient client = vertx.createWebSocketClient();
            ClientWebSocket ws = client.webSocket();
            ws.textMessageHandler(text -> inbox.add(new JsonObject(text))); // before connecting: ServerHello comes at once
            ws.connect(new WebSocketConnectOptions().setAbsoluteURI(url)).toCompletionStage().toCompletableFuture()
                    .get(10, TimeUnit.SECONDS);
            socket = ws;
            closeLater.add(this);
        }

        void send(JsonObject message) throws Exception {
            socket.writeTextMessage(message.encode()).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }

        /** The next message the bridge sends that matches, within 5 s. */
        JsonObject next(Predicate<JsonObject> match) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (System.nanoTime() < deadline) {
                JsonObject m = inbox.poll(50, TimeUnit.MILLISECONDS);
                if (m != null) {
                    seen.add(m);
                    if (match.test(m)) {
                        return m;
                    }
                }
            }
            return fail("no matching message; seen " + seen);
        }

        JsonObject next(String colibriClass) throws InterruptedException {
            return next(m -> colibriClass.equals(m.getString("colibriClass")));
        }

        @Override
        public void close() {
            socket.close();
        }
    }

    static void eventually(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                fail("not within 5 s: " + what);
            }
            Thread.sleep(20);
        }
    }

    static JsonObject constraints(Object... pairs) {
        JsonObject m = new JsonObject().put("colibriClass", "ReceiverVideoConstraints");
        for (int i = 0; i < pairs.length; i += 2) {
            m.put((String) pairs[i], pairs[i + 1]);
        }
        return m;
    }

    static JsonObject height(int maxHeight) {
        return new JsonObject().put("maxHeight", maxHeight);
    }

    /** A circle of n on one fake bridge, every participant's browser answered (so the bridge knows their video). */
    record Circle(FakeBridge fake, CircleConferences hearth, String meetingId, List<Offer> offers) {
        String url(int n) {
            return offers.get(n - 1).channelUrl();
        }
    }

    Circle circle(int n) throws Exception {
        FakeBridge fake = bridge();
        CircleConferences hearth = hearth(BridgeConfig.of(List.of(fake.base())));
        List<Offer> offers = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
            offers.add(hearth.join("c1", "ep" + i).offers().stream().filter(o -> o.newConnection()).findFirst().orElseThrow());
        }
        for (int i = 1; i <= n; i++) {
            hearth.answer("c1", "ep" + i, CircleConferencesTest.answerOf(i));
        }
        return new Circle(fake, hearth, fake.conferences.keySet().iterator().next(), offers);
    }

    /** The video source name participant n's answer declares (what the others' offers carry as its msid track). */
    static String video(Circle circle, int n) {
        JsonArray sources = circle.fake().conferences.get(circle.meetingId()).get("ep" + n);
        return sources.stream().map(JsonObject.class::cast).filter(s -> "video".equals(s.getString("type")))
                .map(s -> s.getString("id")).findFirst().orElseThrow();
    }

    @Test
    @DisplayName("conference names are bare JIDs circle-<room>@<domain>; the domain is configurable and validated")
    void jidNames() throws Exception {
        FakeBridge fake = bridge();
        hearth(BridgeConfig.of(List.of(fake.base()))).join("c42", "ep1");
        assertEquals("circle-c42@hearth.internal", fake.requests.get(0).json().getString("name"));
        assertEquals("application/json", fake.requests.get(0).accept(), "Hearth asks for JSON errors");

        hearth(BridgeConfig.of(List.of(fake.base())).withConferenceDomain("conference.clinic-7.example")).join("c43", "ep1");
        assertEquals("circle-c43@conference.clinic-7.example", fake.requests.get(1).json().getString("name"));

        for (String bad : List.of("", "no domain", "a..b", "-x.example", "x@y", "clinic/1")) {
            try {
                BridgeConfig.of(List.of(fake.base())).withConferenceDomain(bad);
                fail("accepted domain '" + bad + "'");
            } catch (app.hearth.platform.config.ConfigException expected) {
                assertTrue(expected.getMessage().contains(BridgeConfig.CONFERENCE_DOMAIN_KEY));
            }
        }
    }

    @Test
    @DisplayName("the fake refuses a non-JID name like jvb: JSON {url,status,message} for Accept: application/json, a Jetty HTML page otherwise")
    void nonJidRefused() throws Exception {
        FakeBridge fake = bridge();
        String body = ColibriMessages.allocate("m-1", "circle-abc123", "ep1", true);
        java.net.http.HttpClient client = java.net.http.HttpClient.newHttpClient();
        var json = client.send(java.net.http.HttpRequest.newBuilder(fake.base().resolve("/colibri/v2/conferences"))
                .header("Content-Type", "application/json").header("Accept", "application/json")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString(body)).build(), java.net.http.HttpResponse.BodyHandlers.ofString());
        assertEquals(400, json.statusCode());
        JsonObject error = new JsonObject(json.body());
        assertEquals("Failed to create conference: Invalid conference name (not a JID)", error.getString("message"));
        assertEquals("400", error.getString("status"));
        assertEquals("/colibri/v2/conferences", error.getString("url"));
        assertEquals("Failed to create conference: Invalid conference name (not a JID)", ColibriException.reason(json.body()));

        var html = client.send(java.net.http.HttpRequest.newBuilder(fake.base().resolve("/colibri/v2/conferences"))
                .header("Content-Type", "application/json")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString(body)).build(), java.net.http.HttpResponse.BodyHandlers.ofString());
        assertEquals(400, html.statusCode());
        assertTrue(html.body().contains("<title>Error 400 Failed to create conference: Invalid conference name (not a JID)</title>"), html.body());
        assertTrue(fake.conferences.isEmpty());

        var ok = client.send(java.net.http.HttpRequest.newBuilder(fake.base().resolve("/colibri/v2/conferences"))
                .header("Content-Type", "application/json")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString(ColibriMessages.allocate("m-2", "circle-abc123@hearth", "ep1", true)))
                .build(), java.net.http.HttpResponse.BodyHandlers.ofString());
        assertEquals(200, ok.statusCode());
    }

    @Test
    @DisplayName("each offer carries its endpoint's colibri WebSocket URL from the transport's web-sockets; none when the bridge has none")
    void channelUrlInOffer() throws Exception {
        FakeBridge fake = bridge();
        CircleConferences hearth = hearth(BridgeConfig.of(List.of(fake.base())));
        Offer first = hearth.join("c1", "ep1").offers().get(0);
        Offer second = hearth.join("c1", "ep2").offers().stream().filter(o -> o.participantId().equals("ep2")).findFirst().orElseThrow();
        assertNotNull(first.channelUrl());
        assertTrue(first.channelUrl().startsWith(fake.webSocketBase() + "/colibri-ws/"), first.channelUrl());
        assertTrue(first.channelUrl().contains("/ep1?pwd="), first.channelUrl());
        assertTrue(second.channelUrl().contains("/ep2?pwd="), second.channelUrl());
        // renegotiations keep it
        Offer renegotiation = hearth.answer("c1", "ep2", CircleConferencesTest.answerOf(2)).offers().get(0);
        assertEquals("ep1", renegotiation.participantId());
        assertEquals(first.channelUrl(), renegotiation.channelUrl());

        fake.webSockets = false;
        assertNull(hearth.join("c2", "ep1").offers().get(0).channelUrl());
    }

    @Test
    @DisplayName("HEARTH_JVB_WS_PUBLIC_BASE replaces the advertised scheme, host and port; path, ids and password stay")
    void publicBase() throws Exception {
        BridgeConfig config = BridgeConfig.of(List.of(URI.create("http://10.0.0.21:8080")))
                .withWsPublicBase(URI.create("wss://clinic.example/jvb"));
        assertEquals("wss://clinic.example/jvb/colibri-ws/jvb1/abc/ep1?pwd=x1",
                config.publicChannelUrl("ws://10.0.0.21:9090/colibri-ws/jvb1/abc/ep1?pwd=x1"));
        assertEquals("wss://clinic.example:8443/colibri-ws/jvb1/abc/ep1?pwd=x1",
                config.withWsPublicBase(URI.create("wss://clinic.example:8443/")).publicChannelUrl("ws://10.0.0.21:9090/colibri-ws/jvb1/abc/ep1?pwd=x1"));
        assertNull(config.publicChannelUrl(null));
        for (String bad : List.of("https://clinic.example", "wss://clinic.example/?a=1", "clinic.example")) {
            try {
                config.withWsPublicBase(URI.create(bad));
                fail("accepted " + bad);
            } catch (app.hearth.platform.config.ConfigException expected) {
                assertTrue(expected.getMessage().contains(BridgeConfig.WS_PUBLIC_BASE_KEY));
            }
        }

        FakeBridge fake = bridge();
        CircleConferences hearth = hearth(BridgeConfig.of(List.of(fake.base())).withWsPublicBase(URI.create("wss://clinic.example")));
        String url = hearth.join("c1", "ep1").offers().get(0).channelUrl();
        assertTrue(url.startsWith("wss://clinic.example/colibri-ws/"), url);
    }

    @Test
    @DisplayName("the channel opens with ServerHello and ForwardedSources; a wrong password or conference is 403; every message is recorded")
    void openAndRecord() throws Exception {
        Circle circle = circle(2);
        Page page = new Page(circle.url(1));
        assertEquals("ServerHello", page.next(m -> true).getString("colibriClass"));
        assertEquals(new JsonArray(), page.next("ForwardedSources").getJsonArray("forwardedSources"));
        assertTrue(circle.fake().channelOpen(circle.meetingId(), "ep1"));

        page.send(new JsonObject().put("colibriClass", "ClientHello"));
        page.next("ServerHello");
        page.send(constraints("lastN", 0));
        eventually(() -> circle.fake().channelMessages(circle.meetingId(), "ep1").size() == 2, "two messages recorded");
        assertEquals(List.of("ClientHello", "ReceiverVideoConstraints"), circle.fake().channelMessages(circle.meetingId(), "ep1").stream()
                .map(m -> m.getString("colibriClass")).toList());
        assertEquals(List.of(), circle.fake().channelMessages(circle.meetingId(), "ep2"));

        String url = circle.url(2);
        for (String wrong : List.of(url.replaceAll("pwd=.*", "pwd=nope"), url.replace("/ep2?", "/ep9?"), url.replace("/colibri-ws/", "/colibri-ws/x"))) {
            try {
                new Page(wrong);
                fail("opened " + wrong);
            } catch (ExecutionException expected) {
                assertTrue(expected.getCause().getMessage().contains("403") || expected.getCause().getMessage().contains("404"),
                        expected.getCause().getMessage());
            }
        }
    }

    @Test
    @DisplayName("no video is forwarded until the receiver's constraints allow it; then lastN, on-stage/selected first, per-source maxHeight; lastN 0 or maxHeight 0 is audio only")
    void forwardedVideo() throws Exception {
        Circle circle = circle(4);
        FakeBridge fake = circle.fake();
        String m = circle.meetingId();
        String v2 = video(circle, 2);
        String v3 = video(circle, 3);
        String v4 = video(circle, 4);
        Page page = new Page(circle.url(1));
        page.next("ForwardedSources");
        assertEquals(List.of(), fake.forwardedVideo(m, "ep1"), "jvb's initial-max-height-px is 0: nothing before constraints");

        // grid of all: lastN 3, every visible source 360
        page.send(constraints("lastN", 3, "defaultConstraints", height(360)));
        assertEquals(new JsonArray(List.of(v2, v3, v4)), page.next("ForwardedSources").getJsonArray("forwardedSources"));
        assertEquals(List.of(v2, v3, v4), fake.forwardedVideo(m, "ep1"));

        // speaker view: ep4 on stage at 720, thumbnails 180, last-N 2
        page.send(constraints("lastN", 2, "onStageSources", new JsonArray().add(v4), "defaultConstraints", height(180),
                "constraints", new JsonObject().put(v4, height(720))));
        assertEquals(new JsonArray(List.of(v4, v2)), page.next("ForwardedSources").getJsonArray("forwardedSources"));

        // one source switched off (maxHeight 0) is skipped, the next one takes its place
        page.send(constraints("lastN", 2, "onStageSources", new JsonArray(), "constraints", new JsonObject().put(v2, height(0))));
        assertEquals(new JsonArray(List.of(v3, v4)), page.next("ForwardedSources").getJsonArray("forwardedSources"));

        // audio only: lastN 0
        page.send(constraints("lastN", 0));
        assertEquals(new JsonArray(), page.next("ForwardedSources").getJsonArray("forwardedSources"));
        assertEquals(List.of(), fake.forwardedVideo(m, "ep1"));

        // audio only the other way: every maxHeight 0
        page.send(constraints("lastN", -1, "defaultConstraints", height(0), "constraints", new JsonObject()));
        eventually(() -> fake.channelMessages(m, "ep1").size() == 5, "five constraints recorded");
        assertEquals(List.of(), fake.forwardedVideo(m, "ep1"));

        // others' forwarding is their own business
        assertEquals(List.of(), fake.forwardedVideo(m, "ep2"));
    }

    @Test
    @DisplayName("a first ReceiverVideoConstraints without defaultConstraints means jvb's default-max-height-px (180): video flows")
    void defaultOfTheFirstMessage() throws Exception {
        Circle circle = circle(3);
        Page page = new Page(circle.url(1));
        page.next("ForwardedSources");
        page.send(constraints("lastN", 2));
        assertEquals(2, page.next("ForwardedSources").getJsonArray("forwardedSources").size());
        page.send(constraints("defaultConstraints", height(0)));
        assertEquals(new JsonArray(), page.next("ForwardedSources").getJsonArray("forwardedSources"));
        page.send(constraints("lastN", 1));
        eventually(() -> circle.fake().channelMessages(circle.meetingId(), "ep1").size() == 3, "three recorded");
        assertEquals(List.of(), circle.fake().forwardedVideo(circle.meetingId(), "ep1"), "a later message without one keeps 0");
    }

    @Test
    @DisplayName("the fake's /debug answers like jvb's: conferences by the bridge's id with name, meeting_id and endpoints (what the real-bridge tests count)")
    void debug() throws Exception {
        Circle circle = circle(3);
        BridgeDebug debug = new BridgeDebug(circle.fake().base());
        assertEquals(3, debug.endpointsOf("circle-c1@hearth.internal"));
        JsonObject conference = debug.conferenceNamed("circle-c1@hearth.internal").orElseThrow();
        assertEquals(circle.meetingId(), conference.getString("meeting_id"));
        assertTrue(circle.url(1).contains("/" + conference.getString("id") + "/ep1?"), "the channel URL carries the bridge's id");
        circle.hearth().leave("c1", "ep3");
        assertEquals(2, debug.endpointsOf("circle-c1@hearth.internal"));
        assertEquals(0, debug.endpointsOf("circle-nope@hearth.internal"));
    }

    @Test
    @DisplayName("the initial-max-height-px safety net forwards video before any constraints; a source that leaves leaves the forwarded set")
    void safetyNetAndLeave() throws Exception {
        FakeBridge fake = bridge();
        fake.initialMaxHeightPx = 360;
        CircleConferences hearth = hearth(BridgeConfig.of(List.of(fake.base())));
        hearth.join("c1", "ep1");
        hearth.join("c1", "ep2");
        hearth.answer("c1", "ep1", CircleConferencesTest.answerOf(1));
        hearth.answer("c1", "ep2", CircleConferencesTest.answerOf(2));
        String m = fake.conferences.keySet().iterator().next();
        assertEquals(1, fake.forwardedVideo(m, "ep1").size());
        hearth.leave("c1", "ep2");
        assertEquals(List.of(), fake.forwardedVideo(m, "ep1"));
    }

    @Test
    @DisplayName("dominantSpeaker pushes DominantSpeakerEndpointChangeEvent to every endpoint's channel, and last-N follows the speaker")
    void dominantSpeaker() throws Exception {
        Circle circle = circle(3);
        String m = circle.meetingId();
        Page one = new Page(circle.url(1));
        Page two = new Page(circle.url(2));
        one.next("ForwardedSources");
        two.next("ForwardedSources");
        one.send(constraints("lastN", 1, "defaultConstraints", height(180)));
        assertEquals(new JsonArray().add(video(circle, 2)), one.next("ForwardedSources").getJsonArray("forwardedSources"));

        circle.fake().dominantSpeaker(m, "ep3");
        for (Page page : List.of(one, two)) {
            JsonObject event = page.next("DominantSpeakerEndpointChangeEvent");
            assertEquals("ep3", event.getString("dominantSpeakerEndpoint"));
            assertEquals(new JsonArray(), event.getJsonArray("previousSpeakers"));
            assertEquals(false, event.getBoolean("silence"));
        }
        assertEquals(new JsonArray().add(video(circle, 3)), one.next("ForwardedSources").getJsonArray("forwardedSources"));
        circle.fake().dominantSpeaker(m, "ep2");
        assertEquals(new JsonArray().add("ep3"), two.next("DominantSpeakerEndpointChangeEvent").getJsonArray("previousSpeakers"));
    }

    @Test
    @DisplayName("a newer socket replaces the older one; a dropped channel can be reopened and keeps the recorded messages")
    void reopen() throws Exception {
        Circle circle = circle(2);
        String m = circle.meetingId();
        Page first = new Page(circle.url(1));
        first.next("ForwardedSources");
        first.send(constraints("lastN", 1));
        circle.fake().dropChannel(m, "ep1");
        eventually(() -> !circle.fake().channelOpen(m, "ep1"), "the channel is closed");
        Page again = new Page(circle.url(1));
        again.next("ServerHello");
        again.send(constraints("lastN", 2));
        eventually(() -> circle.fake().channelMessages(m, "ep1").size() == 2, "both recorded");
        Page third = new Page(circle.url(1));
        third.next("ServerHello");
        eventually(() -> again.socket.isClosed(), "the older socket is replaced");
    }
}
