package app.hearth.signaling.colibri;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Measured, not asserted: Colibri2 allocation time against the fake bridge on loopback (request built
 * with jitsi-xmpp-extensions, JDK HTTP, answer read, offer built). A plain main, not part of the test
 * run; the command is in docs/benchmarks.md.
 */
public final class ColibriAllocationBenchmark {

    public static void main(String[] args) throws Exception {
        int circles = args.length > 0 ? Integer.parseInt(args[0]) : 200;
        try (FakeBridge fake = new FakeBridge();
             CircleConferences hearth = new CircleConferences(BridgeConfig.of(List.<URI>of(fake.base())),
                     BridgeHttp.jdk(Duration.ofSeconds(5)), BridgeSelectionStrategy.leastLoaded())) {
            for (int warm = 0; warm < 200; warm++) {
                hearth.join("warm" + warm, "w1");
                hearth.join("warm" + warm, "w2");
                hearth.answer("warm" + warm, "w1", CircleConferencesTest.answerOf(1));
                hearth.close("warm" + warm);
            }
            List<Long> create = new ArrayList<>();
            List<Long> add = new ArrayList<>();
            List<Long> answer = new ArrayList<>();
            List<Long> circleOf4 = new ArrayList<>();
            for (int i = 0; i < circles; i++) {
                String circle = "c" + i;
                long start = System.nanoTime();
                hearth.join(circle, "ep1");
                create.add(System.nanoTime() - start);
                for (int e = 2; e <= 4; e++) {
                    long t = System.nanoTime();
                    hearth.join(circle, "ep" + e);
                    add.add(System.nanoTime() - t);
                }
                for (int e = 1; e <= 4; e++) {
                    long t = System.nanoTime();
                    hearth.answer(circle, "ep" + e, CircleConferencesTest.answerOf(e));
                    answer.add(System.nanoTime() - t);
                }
                circleOf4.add(System.nanoTime() - start);
                hearth.close(circle);
            }
            System.out.printf("Colibri2 against the fake bridge on loopback, %d circles of 4 (JDK %s, %d cores)%n", circles,
                    System.getProperty("java.version"), Runtime.getRuntime().availableProcessors());
            report("create conference + first endpoint (POST)", create);
            report("add an endpoint (PATCH)", add);
            report("browser answer to the bridge + the others' offers", answer);
            report("whole circle of 4: 4 allocations + 4 answers", circleOf4);
        }
    }

    static void report(String what, List<Long> nanos) {
        Collections.sort(nanos);
        System.out.printf("| %s | n=%d | p50 %.2f ms | p95 %.2f ms | p99 %.2f ms | max %.2f ms |%n", what, nanos.size(),
                nanos.get(nanos.size() / 2) / 1e6, nanos.get((int) (nanos.size() * 0.95)) / 1e6,
                nanos.get((int) (nanos.size() * 0.99)) / 1e6, nanos.get(nanos.size() - 1) / 1e6);
    }
}
