package app.hearth.e2e;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import app.hearth.gateway.testing.ApiClient;
import app.hearth.gateway.testing.OpenRoom;
import app.hearth.gateway.testing.TestNode;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.AriaRole;
import com.microsoft.playwright.options.BoundingBox;
import com.microsoft.playwright.options.SelectOption;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Issue 14: the room as patients and therapists expect it beside Doxy.me or Zoom. The patient (a
 * phone, 390×844, a browser that cannot share its screen) meets the safety gate's field errors,
 * waits in a waiting room that says "knows you are here" only once the therapist's page has been
 * told, and is let in by the therapist (a laptop, 1280×800). In the call, on both: the other person
 * is the large picture, one's own small; the icon control bar is on screen without scrolling; the
 * site navigation is gone; muting and turning the camera off show on the other side's tile; an
 * exercise the therapist starts comes into view for the patient.
 *
 * With {@code -Dhearth.docScreenshots=true} the run also writes docs/screenshots/room-desktop.png
 * and room-phone.png (the README shows them).
 */
@DisplayName("The video room's layout, waiting room and safety gate, at 1280×800 and 390×844")
@org.junit.jupiter.api.extension.ExtendWith(BrowserSupport.ConsoleOnFailure.class)
class RoomLayoutBrowserTest {

    static TestNode node;
    static BrowserSupport browsers;

    @BeforeAll
    static void start() {
        node = TestNode.start(Map.of("HEARTH_LOGINS_PER_ADDRESS", "500"));
        browsers = new BrowserSupport();
    }

    @AfterAll
    static void stop() {
        if (browsers != null) {
            browsers.close();
        }
        if (node != null) {
            node.close();
        }
    }

    static Page.GetByRoleOptions named(String name) {
        return new Page.GetByRoleOptions().setName(name).setExact(true);
    }

    /** Whether an element's box lies wholly inside the viewport as the page is (no scrolling). */
    static void inView(Page page, Locator element, String what) {
        BoundingBox box = element.boundingBox();
        assertTrue(box != null, what + " has a box");
        int width = page.viewportSize().width;
        int height = page.viewportSize().height;
        assertTrue(box.x >= 0 && box.y >= 0 && box.x + box.width <= width + 0.5 && box.y + box.height <= height + 0.5,
                what + " is inside the " + width + "×" + height + " viewport without scrolling: " + box.x + "," + box.y + " "
                        + box.width + "×" + box.height);
    }

    /** The layout of a page in a call: remote large and first, self small, the bar on screen, no site navigation. */
    static void callLayout(Page page, String who) {
        Locator remote = page.locator(".videos > .tile[data-peer]");
        Locator self = page.locator(".videos > .tile.self");
        assertThat(remote).hasCount(1);
        assertThat(self).isVisible(BrowserSupport.within(15));
        BoundingBox r = remote.boundingBox();
        BoundingBox s = self.boundingBox();
        assertTrue(r.width * r.height > 4 * s.width * s.height, who + ": the other person's picture is much larger than one's own: "
                + r.width + "×" + r.height + " vs " + s.width + "×" + s.height);
        assertTrue(r.y <= s.y, who + ": the other person comes first");
        int width = page.viewportSize().width;
        if (width < 500) {
            assertTrue(r.width >= width - 1, who + ": on a phone the other person fills the width: " + r.width);
        } else {
            assertTrue(r.width >= width * 0.6, who + ": on a laptop the other person takes most of the width: " + r.width);
        }
        // the site navigation steps aside during the call
        assertThat(page.locator(".site-header")).isHidden();
        // every control is an icon button with a label and a tooltip, on screen without scrolling
        assertEquals(0.0, ((Number) page.evaluate("() => window.scrollY")).doubleValue(), who + ": not scrolled");
        Locator buttons = page.locator(".room-bar button");
        assertTrue(buttons.count() >= 6, who + ": a full control bar");
        for (int i = 0; i < buttons.count(); i++) {
            Locator b = buttons.nth(i);
            if (!b.isVisible()) {
                continue; // the circle's layout toggle, hidden outside circles
            }
            String label = b.getAttribute("aria-label");
            assertTrue(label != null && !label.isBlank(), who + ": button " + i + " has a label");
            assertEquals(label, b.getAttribute("title"), who + ": the tooltip says the label");
            inView(page, b, who + "'s '" + label + "' button");
        }
        for (String name : List.of("Mute", "Camera off", "Chat", "Exercise", "Full screen", "Leave")) {
            assertThat(page.getByRole(AriaRole.BUTTON, named(name))).isVisible();
        }
    }

    static void docScreenshot(Page page, String name) {
        BrowserSupport.screenshot(page, name);
        if (!Boolean.getBoolean("hearth.docScreenshots")) {
            return;
        }
        try {
            Path dir = Files.createDirectories(Paths.get("..", "docs", "screenshots"));
            page.screenshot(new Page.ScreenshotOptions().setPath(dir.resolve(name + ".png")));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    @DisplayName("gate errors per field, a truthful waiting room, then the call: large remote, small self, controls in view, badges, the exercise in view")
    void roomAsExpected() {
        ApiClient api = new ApiClient(node.baseUrl());
        String admin = api.accessToken("admin@demo.hearth", "hearth-demo");
        String roomId = OpenRoom.bookNow(api, admin, "demo-therapist-1", "demo-patient-1")[1];

        try (BrowserContext therapistContext = browsers.newContext(1280, 800);
             BrowserContext patientContext = browsers.newContext(390, 844)) {
            // a phone's browser: no screen sharing
            patientContext.addInitScript("delete MediaDevices.prototype.getDisplayMedia;");
            Page therapist = therapistContext.newPage();
            Page patient = patientContext.newPage();

            // given the patient at the safety gate, the therapist not signed in yet
            BrowserSupport.signIn(patient, node.baseUrl(), "patient1@demo.hearth", "hearth-demo");
            patient.getByRole(AriaRole.BUTTON, named("Join")).click();
            assertThat(patient.getByRole(AriaRole.HEADING, named("Getting ready"))).isVisible(BrowserSupport.within(15));
            assertThat(patient).hasURL(Pattern.compile("#/room/" + roomId + "$"));

            // when they submit it with everything missing
            patient.getByLabel("Name", new Page.GetByLabelOptions().setExact(true)).fill("");
            patient.getByLabel("Phone", new Page.GetByLabelOptions().setExact(true)).fill("");
            patient.getByRole(AriaRole.BUTTON, named("I’m ready: join the waiting room")).click();

            // then each missing field is marked with its own message, and focus is on the first
            for (String[] field : new String[][] {
                    {"gate-address", "Tell us where you are right now"},
                    {"gate-contact-name", "Give the name of someone we can call"},
                    {"gate-contact-phone", "phone number"},
                    {"gate-private", "private place and not driving"}}) {
                Locator input = patient.locator("#" + field[0]);
                assertThat(input).hasAttribute("aria-invalid", "true");
                assertThat(input).hasAttribute("aria-describedby", Pattern.compile("\\b" + field[0] + "-error\\b"));
                assertThat(patient.locator("#" + field[0] + "-error")).containsText(field[1]);
            }
            assertEquals("gate-address", patient.evaluate("() => document.activeElement.id"), "focus on the first missing field");
            assertThat(patient.getByRole(AriaRole.HEADING, named("Getting ready"))).isVisible();

            // when only the address is given, the focus goes to the next missing one and the address is no longer marked
            patient.getByLabel("Where are you right now? (address)").fill("12 Harbour Lane, Portland");
            patient.getByRole(AriaRole.BUTTON, named("I’m ready: join the waiting room")).click();
            assertEquals("gate-contact-name", patient.evaluate("() => document.activeElement.id"));
            assertThat(patient.locator("#gate-address")).not().hasAttribute("aria-invalid", "true");
            assertThat(patient.locator("#gate-address-error")).hasCount(0);

            // when everything is given
            patient.getByLabel("Name", new Page.GetByLabelOptions().setExact(true)).fill("Casey Lee");
            // (a field loses its mark as soon as it is filled in)
            assertThat(patient.locator("#gate-contact-name")).not().hasAttribute("aria-invalid", "true");
            assertThat(patient.locator("#gate-contact-phone")).hasAttribute("aria-invalid", "true");
            patient.getByLabel("Phone", new Page.GetByLabelOptions().setExact(true)).fill("+1 555 0199");
            patient.getByLabel("I am in a private place and I am not driving").check();
            patient.getByRole(AriaRole.BUTTON, named("I’m ready: join the waiting room")).click();

            // then the waiting room, with focus on its heading: their own picture, whom and when, Leave,
            // and — nobody of the care team having seen it yet — a message that does not pretend
            Locator heading = patient.getByRole(AriaRole.HEADING, named("You’re in the waiting room"));
            assertThat(heading).isVisible(BrowserSupport.within(15));
            assertThat(heading).isFocused();
            BrowserSupport.waitUntil(patient, "the waiting room's self-view to play", () -> Boolean.TRUE.equals(patient.evaluate(
                    "() => { const v = document.querySelector('video.waiting-self'); return !!v && v.videoWidth > 0 && !v.paused && v.muted; }")), 10_000);
            assertThat(patient.getByText("Your session with Dr. Maya Okafor")).isVisible();
            assertThat(patient.locator(".waiting-with time")).isVisible();
            assertThat(patient.getByRole(AriaRole.BUTTON, named("Leave"))).isVisible();
            Locator status = patient.locator(".waiting-status");
            assertThat(status).hasText("We’ll let Dr. Maya Okafor know you’re here.");
            BrowserSupport.screenshot(patient, "layout-1-waiting-phone");

            // when the therapist signs in (their page follows their waiting room)
            BrowserSupport.signIn(therapist, node.baseUrl(), "therapist@demo.hearth", "hearth-demo");
            Locator entry = therapist.locator(".lobby-entry", new Page.LocatorOptions().setHasText("Jordan Lee"));
            assertThat(entry).isVisible(BrowserSupport.within(15));

            // then the patient's waiting room says they know, now that it is true
            assertThat(status).hasText("Dr. Maya Okafor knows you are here and will let you in shortly.",
                    new com.microsoft.playwright.assertions.LocatorAssertions.HasTextOptions().setTimeout(10_000));
            assertThat(status).hasAttribute("role", "status");
            BrowserSupport.screenshot(patient, "layout-2-waiting-seen-phone");

            // when the therapist admits them and opens the room
            entry.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Admit Jordan Lee")).click();
            entry.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Open the room")).click();
            assertThat(therapist.getByRole(AriaRole.HEADING, named("In this session"))).isVisible(BrowserSupport.within(15));
            assertThat(patient.getByRole(AriaRole.HEADING, named("In this session"))).isVisible(BrowserSupport.within(15));
            BrowserSupport.waitUntil(therapist, "both pictures on both pages", () -> Boolean.TRUE.equals(therapist.evaluate(
                    "() => [...document.querySelectorAll('.videos > .tile[data-peer] video')].some((v) => v.videoWidth > 0)"))
                    && Boolean.TRUE.equals(patient.evaluate(
                    "() => [...document.querySelectorAll('.videos > .tile[data-peer] video')].some((v) => v.videoWidth > 0)")), 60_000);

            // then on both: the other person large and first, one's own picture small, the controls on screen
            callLayout(therapist, "the therapist at 1280×800");
            callLayout(patient, "the patient at 390×844");
            // no share button where the browser cannot share; the laptop can
            assertThat(patient.getByRole(AriaRole.BUTTON, named("Share screen"))).hasCount(0);
            assertThat(therapist.getByRole(AriaRole.BUTTON, named("Share screen"))).isVisible();
            // on the phone the chat is a panel one opens, not content below the fold
            Locator chatToggle = patient.getByRole(AriaRole.BUTTON, named("Chat"));
            assertThat(chatToggle).hasAttribute("aria-expanded", "false");
            assertThat(patient.locator("#chat-panel")).isHidden();
            chatToggle.click();
            assertThat(chatToggle).hasAttribute("aria-expanded", "true");
            inView(patient, patient.getByLabel("Message"), "the phone's chat box");
            chatToggle.click();
            assertThat(patient.locator("#chat-panel")).isHidden();

            // who speaks lights their tile (the fake microphone beeps: the analyser hears it)
            assertThat(therapist.locator(".tile[data-peer].speaking")).hasCount(1,
                    new com.microsoft.playwright.assertions.LocatorAssertions.HasCountOptions().setTimeout(15_000));
            // the connection's quality shows on the tile, in words for screen readers too
            assertThat(therapist.locator(".tile[data-peer] .tile-quality")).isVisible(BrowserSupport.within(20));
            assertThat(therapist.locator(".tile[data-peer] .tile-quality .quality-words")).hasText(Pattern.compile("connection (good|fair|poor)"));

            // the self-view moves: with its button (keyboard) and by dragging
            Locator pip = therapist.locator(".tile.self.pip");
            assertThat(pip).hasAttribute("data-corner", "br");
            pip.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Move your picture to another corner")).click();
            assertThat(pip).hasAttribute("data-corner", "bl");
            BoundingBox stage = therapist.locator(".room-stage").boundingBox();
            BoundingBox p = pip.boundingBox();
            therapist.mouse().move(p.x + p.width / 2, p.y + p.height / 2);
            therapist.mouse().down();
            therapist.mouse().move(stage.x + stage.width - 40, stage.y + 40, new com.microsoft.playwright.Mouse.MoveOptions().setSteps(8));
            therapist.mouse().up();
            assertThat(pip).hasAttribute("data-corner", "tr");
            docScreenshot(therapist, "room-desktop");
            docScreenshot(patient, "room-phone");

            // when the patient mutes, the therapist sees it on the patient's tile (from the patient's own word)
            Locator patientTile = therapist.locator(".tile[data-peer='demo-patient-1']");
            assertThat(patientTile.locator(".tile-muted")).isHidden();
            patient.getByRole(AriaRole.BUTTON, named("Mute")).click();
            assertThat(patient.getByRole(AriaRole.BUTTON, named("Unmute"))).isVisible();
            assertThat(patientTile.locator(".tile-muted")).isVisible(BrowserSupport.within(10));
            assertThat(patientTile.locator("figcaption")).containsText("microphone off");
            // and the therapist mutes too: the phone shows it
            therapist.getByRole(AriaRole.BUTTON, named("Mute")).click();
            assertThat(patient.locator(".tile[data-peer='demo-therapist-1'] .tile-muted")).isVisible(BrowserSupport.within(10));

            // when the therapist turns the camera off, the phone shows their initials, not a black box
            Locator therapistTile = patient.locator(".tile[data-peer='demo-therapist-1']");
            assertThat(therapistTile.locator(".tile-avatar")).isHidden();
            therapist.getByRole(AriaRole.BUTTON, named("Camera off")).click();
            assertThat(therapistTile.locator(".tile-avatar")).isVisible(BrowserSupport.within(10));
            assertThat(therapistTile.locator(".tile-avatar")).hasText("MO");
            assertThat(therapistTile.locator("video")).isHidden();
            // and on again
            therapist.getByRole(AriaRole.BUTTON, named("Camera on")).click();
            assertThat(therapistTile.locator(".tile-avatar")).isHidden(new com.microsoft.playwright.assertions.LocatorAssertions.IsHiddenOptions()
                    .setTimeout(10_000));

            // when the therapist starts an exercise, it comes into view on the patient's phone, said to screen readers
            Locator exerciseToggle = patient.getByRole(AriaRole.BUTTON, named("Exercise"));
            assertThat(exerciseToggle).hasAttribute("aria-expanded", "false");
            therapist.locator("#exercise-picker").selectOption(new SelectOption().setLabel("Breath awareness (mindfulness)"));
            therapist.locator(".exercise-controls").getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Start").setExact(true)).click();
            Locator panel = patient.locator("#exercise-panel");
            assertThat(panel).isVisible(BrowserSupport.within(10));
            assertThat(exerciseToggle).hasAttribute("aria-expanded", "true");
            assertThat(panel.locator("h2")).hasText("Breath awareness");
            inView(patient, panel.locator("h2"), "the exercise's title on the phone");
            BrowserSupport.waitUntil(patient, "the announcement", () -> String.valueOf(patient.evaluate(
                    "() => document.getElementById('status').textContent")).contains("started an exercise"), 5_000);
            BrowserSupport.screenshot(patient, "layout-3-exercise-phone");
            BrowserSupport.screenshot(therapist, "layout-3-exercise-desktop");

            // full screen is the room itself
            therapist.getByRole(AriaRole.BUTTON, named("Full screen")).click();
            BrowserSupport.waitUntil(therapist, "full screen", () -> Boolean.TRUE.equals(therapist.evaluate(
                    "() => !!document.fullscreenElement && document.fullscreenElement.classList.contains('room-layout')")), 5_000);
            assertThat(therapist.getByRole(AriaRole.BUTTON, named("Exit full screen"))).isVisible();
            therapist.getByRole(AriaRole.BUTTON, named("Exit full screen")).click();
            BrowserSupport.waitUntil(therapist, "out of full screen", () -> Boolean.TRUE.equals(therapist.evaluate(
                    "() => !document.fullscreenElement")), 5_000);

            // when the patient leaves, the site's navigation is back
            patient.getByRole(AriaRole.BUTTON, named("Leave")).click();
            assertThat(patient.getByRole(AriaRole.HEADING, named("Session closed"))).isVisible(BrowserSupport.within(10));
            assertFalse(Boolean.TRUE.equals(patient.evaluate("() => document.body.classList.contains('in-call')")), "no longer in a call");
            assertThat(patient.locator(".site-header")).isVisible();
        }
    }
}
