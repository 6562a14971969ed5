package app.hearth.e2e;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;

import app.hearth.gateway.testing.ApiClient;
import app.hearth.gateway.testing.OpenRoom;
import app.hearth.gateway.testing.TestNode;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.AriaRole;
import com.microsoft.playwright.options.SelectOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Measured, not asserted: playback skew between four headless clients (a facilitator and three
 * patients) playing the same exercise track, and each page's clock-offset estimate. Not part of the
 * normal suite (its name does not end in Test); run it with
 * {@code ./mvnw -B verify -pl e2e -am -Dtest=ExerciseSkewBenchmark -Dsurefire.failIfNoSpecifiedTests=false}.
 * All pages run on this machine, so the true offset between their clocks and the server's is zero:
 * each page's estimate is its error.
 */
@DisplayName("Benchmark: exercise playback skew between four browsers")
class ExerciseSkewBenchmark {

    static final int SAMPLES = 40;

    @Test
    void skew() {
        TestNode node = TestNode.start(Map.of("HEARTH_LOGINS_PER_ADDRESS", "500"));
        CircleBrowserTest.node = node;
        try (BrowserSupport browsers = new BrowserSupport()) {
            ApiClient api = new ApiClient(node.baseUrl());
            OpenRoom.Circle circle = OpenRoom.bookCircle(api, api.accessToken("admin@demo.hearth", "hearth-demo"), 3);
            List<BrowserContext> contexts = new ArrayList<>();
            List<Page> pages = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                BrowserContext context = browsers.newContext(1000, 800);
                contexts.add(context);
                pages.add(context.newPage());
            }
            Page host = pages.get(0);
            CircleBrowserTest.signIn(host, circle.facilitators().get(0).email(), OpenRoom.PASSWORD);
            host.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Join")).click();
            assertThat(host.getByRole(AriaRole.HEADING, new Page.GetByRoleOptions().setName("In this session"))).isVisible();
            for (int i = 0; i < 3; i++) {
                OpenRoom.Member patient = circle.patients().get(i);
                CircleBrowserTest.checkIn(pages.get(i + 1), patient.email());
                String name = "Circle Patient " + (i + 1) + " " + patient.email().replaceAll(".*\\.(\\d+)@.*", "$1");
                CircleBrowserTest.admit(host, name, pages.get(i + 1));
            }
            host.locator("#exercise-picker").selectOption(new SelectOption().setLabel("Integration reflections (playlist)"));
            host.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Start")).click();
            CircleBrowserTest.waitUntil(host, "all four pages playing", () -> CircleBrowserTest.allPlaying(pages), 30_000);

            List<Double> spreads = new ArrayList<>();
            for (int i = 0; i < SAMPLES; i++) {
                spreads.add(CircleBrowserTest.spread(CircleBrowserTest.positions(pages)));
                host.waitForTimeout(250); // samples a quarter second apart, 10 s in all
            }
            List<Double> offsets = new ArrayList<>();
            List<Double> rtts = new ArrayList<>();
            for (Page page : pages) {
                offsets.add(Math.abs(((Number) page.evaluate("() => window.hearthRoom.socket.clock.offsetMs")).doubleValue()));
                rtts.add(((Number) page.evaluate("() => window.hearthRoom.socket.clock.bestRtt()")).doubleValue());
            }
            double[] sorted = spreads.stream().mapToDouble(Double::doubleValue).sorted().toArray();
            System.out.printf("| playback skew, 4 clients, %d samples | p50 %.1f ms | p95 %.1f ms | max %.1f ms |%n", SAMPLES,
                    sorted[sorted.length / 2], sorted[(int) Math.ceil(sorted.length * 0.95) - 1], sorted[sorted.length - 1]);
            System.out.printf("| clock-offset error per page (|estimate|, true offset 0) | %s ms | best round trips %s ms |%n",
                    Arrays.toString(offsets.stream().mapToDouble(d -> Math.round(d * 100) / 100.0).toArray()),
                    Arrays.toString(rtts.stream().mapToDouble(d -> Math.round(d * 100) / 100.0).toArray()));
            contexts.forEach(BrowserContext::close);
        } finally {
            node.close();
        }
    }
}
