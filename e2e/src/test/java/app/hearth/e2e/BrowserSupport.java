package app.hearth.e2e;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.BrowserType;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Playwright;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;

/**
 * Debian's Chromium driven by Playwright for Java, offline: no browser download, fake camera and
 * microphone so later WebRTC tests really send media.
 */
final class BrowserSupport implements AutoCloseable {

    static final Path CHROMIUM = Paths.get("/usr/bin/chromium");

    private static final int CONSOLE_LINES_KEPT = 300;
    /** The last console lines of each page of the running test, for a failure message. */
    private static final Map<Page, Deque<String>> CONSOLE = new java.util.LinkedHashMap<>();

    private final Playwright playwright;
    private final Browser browser;

    BrowserSupport() {
        if (!Files.isExecutable(CHROMIUM)) {
            throw new IllegalStateException("Browser tests need Debian's Chromium at " + CHROMIUM
                    + " (apt-get install -y chromium; .ci/run does this)");
        }
        playwright = Playwright.create(new Playwright.CreateOptions().setEnv(Map.of("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")));
        browser = playwright.chromium().launch(new BrowserType.LaunchOptions()
                .setExecutablePath(CHROMIUM)
                .setHeadless(true)
                .setArgs(List.of("--no-sandbox", "--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream",
                        "--disable-background-networking", "--disable-component-update", "--disable-sync",
                        "--no-first-run", "--disable-gpu", "--autoplay-policy=no-user-gesture-required")));
    }

    /** A fresh profile (cookies, storage) — one per person in a scenario. */
    BrowserContext newContext(int width, int height) {
        return newContext(width, height, "America/New_York");
    }

    /** As {@link #newContext(int, int)}, for a viewer in another zone. */
    BrowserContext newContext(int width, int height, String timezoneId) {
        BrowserContext context = browser.newContext(new Browser.NewContextOptions().setViewportSize(width, height)
                .setTimezoneId(timezoneId).setLocale("en-US"));
        context.onConsoleMessage(message -> {
            synchronized (CONSOLE) {
                Deque<String> lines = CONSOLE.computeIfAbsent(message.page(), p -> new ArrayDeque<>());
                if (lines.size() == CONSOLE_LINES_KEPT) lines.removeFirst();
                lines.addLast(System.currentTimeMillis() % 100_000 + " " + message.type() + ": " + message.text());
            }
        });
        return context;
    }

    /** Signs in through the login page. */
    static void signIn(Page page, String baseUrl, String email, String password) {
        page.navigate(baseUrl + "/#/login");
        page.getByLabel("Email").fill(email);
        page.getByLabel("Password").fill(password);
        page.getByRole(com.microsoft.playwright.options.AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Sign in")).click();
    }

    static com.microsoft.playwright.assertions.LocatorAssertions.IsVisibleOptions within(double seconds) {
        return new com.microsoft.playwright.assertions.LocatorAssertions.IsVisibleOptions().setTimeout(seconds * 1000);
    }

    /**
     * Polls a condition that reads the page's own state (media counters, players) every 200 ms; on
     * timeout saves a screenshot and fails naming what was awaited.
     */
    static void waitUntil(Page page, String what, java.util.function.BooleanSupplier condition, long timeoutMs) {
        long deadline = System.currentTimeMillis() + timeoutMs;
        while (!condition.getAsBoolean()) {
            if (System.currentTimeMillis() > deadline) {
                screenshot(page, "timeout-" + what.replaceAll("[^a-z]+", "-"));
                throw new AssertionError("Waited " + timeoutMs + " ms for " + what);
            }
            page.waitForTimeout(200);
        }
    }

    /** Every page's last console lines, labelled by page, for a failure message. */
    static String consoleOfAll() {
        synchronized (CONSOLE) {
            StringBuilder out = new StringBuilder();
            int n = 0;
            for (Map.Entry<Page, Deque<String>> e : CONSOLE.entrySet()) {
                out.append("\n--- console of page ").append(++n).append(" (").append(e.getKey().viewportSize() == null ? "?"
                        : e.getKey().viewportSize().width + "px wide").append("):\n  ").append(String.join("\n  ", e.getValue()));
            }
            return out.toString();
        }
    }

    /**
     * Adds the browsers' console lines to a failing test's message (what the pages logged is often
     * the only clue to a timing failure seen on CI), and forgets them between tests.
     */
    static final class ConsoleOnFailure implements org.junit.jupiter.api.extension.BeforeEachCallback,
            org.junit.jupiter.api.extension.TestExecutionExceptionHandler {
        @Override
        public void beforeEach(org.junit.jupiter.api.extension.ExtensionContext context) {
            synchronized (CONSOLE) {
                CONSOLE.clear();
            }
        }

        @Override
        public void handleTestExecutionException(org.junit.jupiter.api.extension.ExtensionContext context, Throwable failure) throws Throwable {
            String console = consoleOfAll();
            if (console.isEmpty() || !(failure instanceof AssertionError || failure instanceof RuntimeException)) {
                throw failure;
            }
            AssertionError withConsole = new AssertionError(failure.getMessage() + "\n" + console, failure);
            throw withConsole;
        }
    }

    /** Saves a screenshot under target/screenshots for a person to look at after a run. */
    static void screenshot(Page page, String name) {
        try {
            Path dir = Files.createDirectories(Paths.get("target", "screenshots"));
            page.screenshot(new Page.ScreenshotOptions().setPath(dir.resolve(name + ".png")).setFullPage(true));
        } catch (java.io.IOException | RuntimeException e) {
            System.err.println("could not save screenshot " + name + ": " + e.getMessage());
        }
    }

    /** The WCAG 2.2 AA rule sets axe checks (issue 14). */
    static final List<String> WCAG_AA = List.of("wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa");

    /**
     * axe-core's WCAG 2.2 AA violations on the page as it is now, one line per rule and element:
     * {@code [impact] rule-id  target  — help (failure summary)}; an {@code [error]} line when axe
     * could not run. Empty when axe finds none.
     *
     * <p>The same axe-core (the one the Deque binding ships) and the same rule sets as
     * {@code AxeBuilder.withTags(WCAG_AA).analyze()}, run with {@code axe.run} in the page itself:
     * the binding injects its 560 KB axe.min.js again on every call, opens a fresh blank page to
     * finish each run, and ships every pass and inapplicable rule back to Java. Here axe is
     * injected once per document (again after a reload or navigation, when {@code window.axe} is
     * gone) and only the violations come back. A page with frames goes through the binding, which
     * injects axe into each frame.
     */
    static List<String> axeViolations(Page page) {
        if (page.frames().size() > 1) {
            return axeViolationsThroughBinding(page);
        }
        List<String> lines = new java.util.ArrayList<>();
        try {
            if (!Boolean.TRUE.equals(page.evaluate("() => typeof window.axe?.run === 'function'"))) {
                // run the source as statements, as the binding does
                page.evaluate("() => {" + AxeSource.TEXT + "}");
            }
            @SuppressWarnings("unchecked")
            List<Map<String, Object>> rules = (List<Map<String, Object>>) page.evaluate(AXE_RUN, WCAG_AA);
            for (Map<String, Object> rule : rules) {
                @SuppressWarnings("unchecked")
                List<Map<String, Object>> nodes = (List<Map<String, Object>>) rule.get("nodes");
                for (Map<String, Object> node : nodes) {
                    lines.add(axeLine((String) node.get("impact"), (String) rule.get("impact"), (String) rule.get("id"),
                            node.get("target"), (String) rule.get("help"), (String) node.get("failureSummary")));
                }
            }
        } catch (com.microsoft.playwright.PlaywrightException e) {
            lines.add("[error] axe did not run: " + e.getMessage());
        }
        return lines;
    }

    /** axe.run with the WCAG tags, answering each violated rule with what a finding line names. */
    private static final String AXE_RUN = """
            (tags) => axe.run(document, { runOnly: { type: 'tag', values: tags } }).then((res) => res.violations.map((rule) => ({
              id: rule.id, impact: rule.impact, help: rule.help,
              nodes: rule.nodes.map((n) => ({ impact: n.impact, target: n.target, failureSummary: n.failureSummary })) })))
            """;

    /** axe.min.js as the Deque binding ships it, read once. */
    private static final class AxeSource {
        static final String TEXT = com.deque.html.axecore.playwright.AxeBuilder.getAxeScript();
    }

    /** The Deque binding's own run (for pages with frames). */
    static List<String> axeViolationsThroughBinding(Page page) {
        com.deque.html.axecore.results.AxeResults results = new com.deque.html.axecore.playwright.AxeBuilder(page)
                .withTags(WCAG_AA).analyze();
        List<String> lines = new java.util.ArrayList<>();
        if (results.getErrorMessage() != null) {
            lines.add("[error] axe did not run: " + results.getErrorMessage());
        }
        for (com.deque.html.axecore.results.Rule rule : results.getViolations()) {
            for (com.deque.html.axecore.results.CheckedNode node : rule.getNodes()) {
                lines.add(axeLine(node.getImpact(), rule.getImpact(), rule.getId(), node.getTarget(), rule.getHelp(), node.getFailureSummary()));
            }
        }
        return lines;
    }

    private static String axeLine(String nodeImpact, String ruleImpact, String id, Object target, String help, String failureSummary) {
        return "[" + (nodeImpact != null ? nodeImpact : ruleImpact) + "] " + id + "  " + target + "  — " + help
                + (failureSummary != null ? " (" + failureSummary.replaceAll("\\s+", " ").trim() + ")" : "");
    }

    /**
     * What breaks reflow (WCAG 1.4.10) at the page's current width: the page scrolling sideways
     * (with the elements that stick out), and focusable controls cut off horizontally by the
     * viewport or by a box that clips or scrolls them. Empty when the page reflows.
     */
    @SuppressWarnings("unchecked")
    static List<String> reflowProblems(Page page) {
        return (List<String>) page.evaluate(REFLOW_SCRIPT);
    }

    private static final String REFLOW_SCRIPT = """
            () => {
              const problems = [];
              const root = document.documentElement;
              const width = root.clientWidth;
              const describe = (el) => {
                let d = el.tagName.toLowerCase() + (el.id ? '#' + el.id : '')
                  + (typeof el.className === 'string' && el.className.trim() ? '.' + el.className.trim().split(/\\s+/).join('.') : '');
                const name = (el.getAttribute('aria-label') || el.textContent || el.getAttribute('name') || '').trim().replace(/\\s+/g, ' ');
                if (name) d += ' "' + name.substring(0, 40) + '"';
                const parent = el.parentElement && el.parentElement.closest('[id], section, form, li, td');
                if (parent && parent !== el) d += ' in ' + parent.tagName.toLowerCase() + (parent.id ? '#' + parent.id : '')
                  + (typeof parent.className === 'string' && parent.className.trim() ? '.' + parent.className.trim().split(/\\s+/)[0] : '');
                return d;
              };
              const shown = (el) => {
                const r = el.getBoundingClientRect();
                const style = getComputedStyle(el);
                return r.width > 1 && r.height > 1 && style.visibility !== 'hidden' && el.getClientRects().length > 0;
              };
              if (root.scrollWidth > width) {
                const wide = [...document.body.querySelectorAll('*')].filter((el) => shown(el) && el.getBoundingClientRect().right > width + 1
                    && ![...el.children].some((c) => c.getBoundingClientRect().right > width + 1));
                problems.push('the page scrolls sideways: ' + root.scrollWidth + ' px wide in ' + width + ' px; sticking out: '
                  + wide.slice(0, 6).map((el) => describe(el) + ' (right ' + Math.round(el.getBoundingClientRect().right) + ')').join('; '));
              }
              const focusable = 'a[href], button, input:not([type=hidden]), select, textarea, summary, [tabindex]:not([tabindex="-1"]), audio[controls], video[controls]';
              for (const el of document.querySelectorAll(focusable)) {
                if (el.closest('.skip-link, .visually-hidden, [hidden], [inert]') || el.disabled && el.tagName === 'INPUT' && el.type === 'radio') continue;
                if (!shown(el)) continue;
                const r = el.getBoundingClientRect();
                let left = 0, right = width, clipper = null;
                for (let a = el.parentElement; a && a !== document.body; a = a.parentElement) {
                  const ox = getComputedStyle(a).overflowX;
                  if (ox !== 'visible') {
                    const ar = a.getBoundingClientRect();
                    if (ar.left > left) { left = ar.left; clipper = a; }
                    if (ar.right < right) { right = ar.right; clipper = a; }
                  }
                }
                if (r.left < left - 1 || r.right > right + 1) {
                  problems.push('cut off: ' + describe(el) + ' spans ' + Math.round(r.left) + '..' + Math.round(r.right)
                    + ' px, visible ' + Math.round(left) + '..' + Math.round(right) + (clipper ? ' (clipped by ' + describe(clipper).split(' "')[0] + ')' : ''));
                }
              }
              return problems;
            }
            """;

    @Override
    public void close() {
        browser.close();
        playwright.close();
    }
}
