package app.hearth.e2e;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.BrowserType;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Playwright;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.Map;

/**
 * Debian's Chromium driven by Playwright for Java, offline: no browser download, fake camera and
 * microphone so later WebRTC tests really send media.
 */
final class BrowserSupport implements AutoCloseable {

    static final Path CHROMIUM = Paths.get("/usr/bin/chromium");

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
        return browser.newContext(new Browser.NewContextOptions().setViewportSize(width, height)
                .setTimezoneId(timezoneId).setLocale("en-US"));
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

    @Override
    public void close() {
        browser.close();
        playwright.close();
    }
}
