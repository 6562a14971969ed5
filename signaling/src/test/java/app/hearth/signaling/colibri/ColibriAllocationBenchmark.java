package app.hearth.signaling.colibri;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Measured, not asserted: Colibri2 allocation time against the fake bridge on loopback (request
 * building with jitsi-xmpp-extensions, HTTP, answer parsing). Not part of the normal suite; run with
 * {@code ./mvnw -B verify -pl signaling -am -Dtest=ColibriAllocationBenchmark -Dsurefire.failIfNoSpecifiedTests=false}.
 */
@DisplayName("Benchmark: Colibri2 allocation against the fake bridge")
class ColibriAllocationBenchmark {

    @Test
    void allocation() throws Exception {
        try (FakeBridge fake = new FakeBridge()) {
            Bridges bridges = new Bridges(List.of(fake.base()), BridgeHttp.jdk());
            for (int warm = 0; warm < 50; warm++) {
                new CircleConference(bridges, BridgeHttp.jdk(), "warm").allocate("w");
            }
            List<Long> create = new ArrayList<>();
            List<Long> add = new ArrayList<>();
            for (int i = 0; i < 100; i++) {
                CircleConference circle = new CircleConference(bridges, BridgeHttp.jdk(), "c" + i);
                long t0 = System.nanoTime();
                circle.allocate("ep0");
                create.add(System.nanoTime() - t0);
                for (int e = 1; e < 4; e++) {
                    long t1 = System.nanoTime();
                    circle.allocate("ep" + e);
                    add.add(System.nanoTime() - t1);
                }
                circle.close();
            }
            report("create conference + first endpoint", create);
            report("add an endpoint", add);
        }
    }

    static void report(String what, List<Long> nanos) {
        Collections.sort(nanos);
        System.out.printf("| %s | n=%d | p50 %.2f ms | p99 %.2f ms | max %.2f ms |%n", what, nanos.size(),
                nanos.get(nanos.size() / 2) / 1e6, nanos.get((int) (nanos.size() * 0.99)) / 1e6, nanos.get(nanos.size() - 1) / 1e6);
    }
}
