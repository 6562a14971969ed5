package app.hearth.e2e;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTrue;

import app.hearth.gateway.testing.ApiClient;
import app.hearth.gateway.testing.OpenRoom;
import app.hearth.gateway.testing.TestNode;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.assertions.LocatorAssertions;
import com.microsoft.playwright.options.AriaRole;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The live-rooms story in real Chromium pages on a real two-node cluster: the demo therapist's
 * browser on node A, the demo patient's on node B. The patient joins, checks devices, confirms the
 * safety gate and waits; the therapist, on another page, is alerted, admits them and opens the
 * room; both see each other in the roster and their video and audio flow peer to peer. The
 * patient's laptop closes: the therapist sees "reconnecting", then "left".
 */
@DisplayName("Live rooms in the browser, across two nodes")
class RoomBrowserTest {

    static TestNode nodeA;
    static TestNode nodeB;
    static BrowserSupport browsers;

    @BeforeAll
    static void start() {
        TestNode[] pair = TestNode.startPair("room-browser", Map.of("HEARTH_LOGINS_PER_ADDRESS", "500"));
        nodeA = pair[0];
        nodeB = pair[1];
        browsers = new BrowserSupport();
    }

    @AfterAll
    static void stop() {
        if (browsers != null) {
            browsers.close();
        }
        if (nodeB != null) {
            nodeB.close();
        }
        if (nodeA != null) {
            nodeA.close();
        }
    }

    static void signIn(Page page, String baseUrl, String email) {
        page.navigate(baseUrl + "/#/login");
        page.getByLabel("Email").fill(email);
        page.getByLabel("Password").fill("hearth-demo");
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Sign in")).click();
    }

    static LocatorAssertions.IsVisibleOptions within(double seconds) {
        return new LocatorAssertions.IsVisibleOptions().setTimeout(seconds * 1000);
    }

    /** Inbound audio and video bytes from every peer, as the page's own getStats reports them. */
    static boolean receiving(Page page, int atLeast) {
        Object ok = page.evaluate("async (min) => { const s = await window.hearthRoom.mediaStats(); const peers = Object.values(s);"
                + " return peers.length > 0 && peers.every(p => p.audioBytes > min && p.videoBytes > min); }", atLeast);
        return Boolean.TRUE.equals(ok);
    }

    static void waitUntil(Page page, String what, java.util.function.BooleanSupplier condition, long timeoutMs) {
        long deadline = System.currentTimeMillis() + timeoutMs;
        while (!condition.getAsBoolean()) {
            if (System.currentTimeMillis() > deadline) {
                BrowserSupport.screenshot(page, "timeout-" + what.replaceAll("[^a-z]+", "-"));
                throw new AssertionError("Waited " + timeoutMs + " ms for " + what);
            }
            page.waitForTimeout(250); // polling the page's own counters
        }
    }

    @Test
    @DisplayName("the patient checks in on node B; the therapist on node A is alerted, admits them; both connect; a closed lid shows reconnecting, then left")
    void waitingRoomToCall() {
        ApiClient api = new ApiClient(nodeA.baseUrl());
        String admin = api.accessToken("admin@demo.hearth", "hearth-demo");
        OpenRoom.bookNow(api, admin, "demo-therapist-1", "demo-patient-1");

        try (BrowserContext therapistContext = browsers.newContext(1280, 900);
             BrowserContext patientContext = browsers.newContext(1280, 900)) {
            Page therapist = therapistContext.newPage();
            Page patient = patientContext.newPage();

            // the therapist works on their own page (node A), watching the waiting room
            signIn(therapist, nodeA.baseUrl(), "therapist@demo.hearth");
            assertThat(therapist.getByText("Nobody is waiting right now.")).isVisible(within(15));

            // the patient (node B) presses Join, sees their camera and a moving microphone meter
            signIn(patient, nodeB.baseUrl(), "patient1@demo.hearth");
            Locator join = patient.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Join"));
            assertThat(join).isEnabled();
            join.click();
            assertThat(patient.getByRole(AriaRole.HEADING, new Page.GetByRoleOptions().setName("Getting ready"))).isVisible(within(15));
            assertThat(patient.getByText("Camera works · microphone works")).isVisible(within(15));
            waitUntil(patient, "the microphone meter to move", () -> Integer.parseInt(
                    patient.getByRole(AriaRole.METER).getAttribute("aria-valuenow")) > 0, 10_000);
            BrowserSupport.screenshot(patient, "room-1-prejoin");

            // the therapist sees them checking in, not yet ready
            assertThat(therapist.locator(".lobby-entry", new Page.LocatorOptions().setHasText("Jordan Lee"))
                    .getByText("Safety check pending")).isVisible(within(10));

            // the patient confirms where they are (the contact on file is prefilled) and waits
            patient.getByLabel("Where are you right now? (address)").fill("12 Harbour Lane, Portland");
            assertThat(patient.getByLabel("Name", new Page.GetByLabelOptions().setExact(true))).not().isEmpty();
            patient.getByLabel("I am in a private place and I am not driving").check();
            patient.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("I’m ready: join the waiting room")).click();
            assertThat(patient.getByRole(AriaRole.HEADING, new Page.GetByRoleOptions().setName("You’re in the waiting room"))).isVisible();

            // the therapist is alerted at once: ready, with the location, and a badge in the tab's title
            Locator entry = therapist.locator(".lobby-entry", new Page.LocatorOptions().setHasText("Jordan Lee"));
            assertThat(entry.getByText("Ready")).isVisible(within(5));
            assertThat(entry.getByText("12 Harbour Lane, Portland", new Locator.GetByTextOptions().setExact(false))).isVisible();
            waitUntil(therapist, "the tab-title badge", () -> therapist.title().startsWith("(1) "), 5_000);
            BrowserSupport.screenshot(therapist, "room-2-therapist-alerted");

            // the therapist admits them, then opens the room
            entry.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Admit Jordan Lee")).click();
            assertThat(patient.getByRole(AriaRole.HEADING, new Page.GetByRoleOptions().setName("In this session"))).isVisible(within(10));
            entry.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Open the room")).click();
            assertThat(therapist.getByRole(AriaRole.HEADING, new Page.GetByRoleOptions().setName("In this session"))).isVisible(within(15));

            // both see both in the room
            for (Page page : new Page[] {therapist, patient}) {
                Locator roster = page.locator("ul.roster");
                assertThat(roster.locator("li", new Locator.LocatorOptions().setHasText("Jordan Lee")).getByText("In the room")).isVisible(within(10));
                assertThat(roster.locator("li", new Locator.LocatorOptions().setHasText("Dr. Maya Okafor")).getByText("In the room")).isVisible(within(10));
            }

            // their media flows peer to peer: each page's inbound audio and video byte counters grow
            waitUntil(therapist, "the therapist to receive audio and video", () -> receiving(therapist, 20_000), 60_000);
            waitUntil(patient, "the patient to receive audio and video", () -> receiving(patient, 20_000), 60_000);
            BrowserSupport.screenshot(therapist, "room-3-in-session");

            // muting shows in the other page's roster
            patient.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Mute").setExact(true)).click();
            assertThat(therapist.locator("ul.roster li", new Page.LocatorOptions().setHasText("Jordan Lee")).getByText("muted",
                    new Locator.GetByTextOptions().setExact(false))).isVisible(within(10));

            // the patient's laptop closes: the therapist sees reconnecting, with whom to call, then left
            long closedAt = System.currentTimeMillis();
            patientContext.close();
            assertThat(therapist.locator("ul.roster li", new Page.LocatorOptions().setHasText("Jordan Lee"))
                    .getByText("Reconnecting…")).isVisible(within(15));
            assertThat(therapist.getByText("Jordan Lee’s connection dropped.")).isVisible();
            BrowserSupport.screenshot(therapist, "room-4-reconnecting");
            assertThat(therapist.locator("ul.roster li", new Page.LocatorOptions().setHasText("Jordan Lee"))
                    .getByText("Left")).isVisible(within(15));
            assertTrue(System.currentTimeMillis() - closedAt < 20_000, "gone well within the grace and detection time");
        }
    }
}
