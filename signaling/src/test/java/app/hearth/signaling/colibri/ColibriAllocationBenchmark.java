package app.hearth.signaling.colibri;

import io.vertx.core.Vertx;
import io.vertx.core.http.ClientWebSocket;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Measured, not asserted: Colibri2 allocation time against the fake bridge on loopback (request built
 * with jitsi-xmpp-extensions, JDK HTTP, answer read, offer built), for circles of 4 and 12: cold (the
 * first circle on a fresh fake bridge and a fresh HTTP client) and warm; and the bridge channel (open
 * the colibri WebSocket → ServerHello; ReceiverVideoConstraints → ForwardedSources). A plain main, not
 * part of the test run; the command is in docs/benchmarks.md.
 */
public final class ColibriAllocationBenchmark {

    public static void main(String[] args) throws Exception {
        int circles = args.length > 0 ? Integer.parseInt(args[0]) : 200;
        System.out.printf("Colibri2 against the fake bridge on loopback (JDK %s, %d cores)%n", System.getProperty("java.version"),
                Runtime.getRuntime().availableProcessors());
        // cold: the first circle of each size on a fresh bridge and client (the very first also pays the JVM's class loading and JIT)
        for (int size : new int[] {4, 12}) {
            try (FakeBridge fake = new FakeBridge(); CircleConferences hearth = conferences(fake)) {
                long start = System.nanoTime();
                circle(hearth, "cold" + size, size);
                System.out.printf("| cold: the first circle of %d on a fresh bridge and client (%d allocations + %d answers) | 1 | %.2f ms |%n",
                        size, size, size, (System.nanoTime() - start) / 1e6);
            }
        }
        try (FakeBridge fake = new FakeBridge(); CircleConferences hearth = conferences(fake)) {
            for (int warm = 0; warm < 200; warm++) {
                circle(hearth, "warm" + warm, 4);
                hearth.close("warm" + warm);
            }
            for (int size : new int[] {4, 12}) {
                List<Long> create = new ArrayList<>();
                List<Long> add = new ArrayList<>();
                List<Long> answer = new ArrayList<>();
                List<Long> whole = new ArrayList<>();
                int n = size == 4 ? circles : Math.max(1, circles / 3);
                for (int i = 0; i < n; i++) {
                    String circle = "c" + size + "-" + i;
                    long start = System.nanoTime();
                    hearth.join(circle, "ep1");
                    create.add(System.nanoTime() - start);
                    for (int e = 2; e <= size; e++) {
                        long t = System.nanoTime();
                        hearth.join(circle, "ep" + e);
                        add.add(System.nanoTime() - t);
                    }
                    for (int e = 1; e <= size; e++) {
                        long t = System.nanoTime();
                        hearth.answer(circle, "ep" + e, CircleConferencesTest.answerOf(e));
                        answer.add(System.nanoTime() - t);
                    }
                    whole.add(System.nanoTime() - start);
                    hearth.close(circle);
                }
                System.out.printf("warm, %d circles of %d after 200 warm-up circles of 4:%n", n, size);
                report("create conference + first endpoint (POST)", create);
                report("add an endpoint (PATCH)", add);
                report("browser answer to the bridge + the others' offers", answer);
                report("whole circle of " + size + ": " + size + " allocations + " + size + " answers", whole);
            }
            channel(fake, hearth, circles);
        }
    }

    /** The bridge channel against the fake: open → ServerHello, and a constraints change → ForwardedSources. */
    static void channel(FakeBridge fake, CircleConferences hearth, int rounds) throws Exception {
        Vertx vertx = Vertx.vertx();
        try {
            List<Offer> offers = new ArrayList<>();
            for (int e = 1; e <= 4; e++) {
                offers.add(hearth.join("chan", "ep" + e).offers().stream().filter(Offer::newConnection).findFirst().orElseThrow());
            }
            for (int e = 1; e <= 4; e++) {
                hearth.answer("chan", "ep" + e, CircleConferencesTest.answerOf(e));
            }
            List<Long> open = new ArrayList<>();
            List<Long> forwarded = new ArrayList<>();
            for (int i = 0; i < rounds + 50; i++) {
                java.util.concurrent.BlockingQueue<JsonObject> inbox = new java.util.concurrent.LinkedBlockingQueue<>();
                ClientWebSocket ws = vertx.createWebSocketClient().webSocket();
                ws.textMessageHandler(text -> inbox.add(new JsonObject(text)));
                long start = System.nanoTime();
                ws.connect(new WebSocketConnectOptions().setAbsoluteURI(offers.get(0).channelUrl())).toCompletionStage()
                        .toCompletableFuture().get(10, TimeUnit.SECONDS);
                await(inbox, "ServerHello");
                long opened = System.nanoTime() - start;
                await(inbox, "ForwardedSources");
                int lastN = 1 + i % 3;
                long t = System.nanoTime();
                ws.writeTextMessage(new JsonObject().put("colibriClass", "ReceiverVideoConstraints").put("lastN", lastN)
                        .put("defaultConstraints", new JsonObject().put("maxHeight", 180)).encode());
                JsonObject m = await(inbox, "ForwardedSources");
                long changed = System.nanoTime() - t;
                if (i >= 50) { // the first 50 warm up
                    open.add(opened);
                    forwarded.add(changed);
                }
                ws.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
                // reset: the next round's first message changes the forwarded set again
                ClientWebSocket reset = vertx.createWebSocketClient().webSocket();
                java.util.concurrent.BlockingQueue<JsonObject> resetInbox = new java.util.concurrent.LinkedBlockingQueue<>();
                reset.textMessageHandler(text -> resetInbox.add(new JsonObject(text)));
                reset.connect(new WebSocketConnectOptions().setAbsoluteURI(offers.get(0).channelUrl())).toCompletionStage()
                        .toCompletableFuture().get(10, TimeUnit.SECONDS);
                await(resetInbox, "ForwardedSources");
                reset.writeTextMessage(new JsonObject().put("colibriClass", "ReceiverVideoConstraints").put("lastN", 0).encode());
                await(resetInbox, "ForwardedSources");
                reset.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
                if (m.getJsonArray("forwardedSources").size() != lastN) {
                    throw new IllegalStateException("forwarded " + m);
                }
            }
            System.out.printf("bridge channel against the fake, %d rounds after 50 warm-up:%n", rounds);
            report("open the colibri WebSocket → ServerHello", open);
            report("ReceiverVideoConstraints → ForwardedSources", forwarded);
        } finally {
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
    }

    static JsonObject await(java.util.concurrent.BlockingQueue<JsonObject> inbox, String colibriClass) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            JsonObject m = inbox.poll(100, TimeUnit.MILLISECONDS);
            if (m != null && colibriClass.equals(m.getString("colibriClass"))) {
                return m;
            }
        }
        throw new IllegalStateException("no " + colibriClass);
    }

    static CircleConferences conferences(FakeBridge fake) {
        return new CircleConferences(BridgeConfig.of(List.<URI>of(fake.base())), BridgeHttp.jdk(Duration.ofSeconds(5)),
                BridgeSelectionStrategy.leastLoaded());
    }

    static void circle(CircleConferences hearth, String circle, int size) throws ColibriException {
        for (int e = 1; e <= size; e++) {
            hearth.join(circle, "ep" + e);
        }
        for (int e = 1; e <= size; e++) {
            hearth.answer(circle, "ep" + e, CircleConferencesTest.answerOf(e));
        }
    }

    static void report(String what, List<Long> nanos) {
        Collections.sort(nanos);
        System.out.printf("| %s | n=%d | p50 %.2f ms | p95 %.2f ms | p99 %.2f ms | max %.2f ms |%n", what, nanos.size(),
                nanos.get(nanos.size() / 2) / 1e6, nanos.get((int) (nanos.size() * 0.95)) / 1e6,
                nanos.get((int) (nanos.size() * 0.99)) / 1e6, nanos.get(nanos.size() - 1) / 1e6);
    }
}
