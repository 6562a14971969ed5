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
import com.microsoft.playwright.options.FilePayload;
import com.microsoft.playwright.options.SelectOption;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Authoring the guided-exercise library in the browser (#/library, issue 12), on one node: a
 * facilitator uploads a real WAV file as a playlist's track (its length read in the page), previews
 * it with the room's own player (its audio clock runs), publishes it to the clinic and runs it in a
 * live room, where the patient's page plays that track. A script with two steps and a breathing
 * pacer, a background sound from the library and a cue sound uploaded on the spot is written on a
 * 320 px wide phone, reordered, archived (and brought back, and archived again), and is then missing
 * from the room's picker; a starter item is read-only and copied to adapt it; bad input (not audio,
 * over 25 MB, a duration that is none, a step without text) is refused at its field.
 */
@DisplayName("Authoring guided exercises in the browser")
@org.junit.jupiter.api.extension.ExtendWith(BrowserSupport.ConsoleOnFailure.class)
class ExerciseAuthoringBrowserTest {

    static TestNode node;
    static BrowserSupport browsers;

    @BeforeAll
    static void start() {
        node = TestNode.start(Map.of("HEARTH_LOGINS_PER_ADDRESS", "500"));
        browsers = new BrowserSupport();
        com.microsoft.playwright.assertions.PlaywrightAssertions.setDefaultAssertionTimeout(15_000);
    }

    @AfterAll
    static void stop() {
        com.microsoft.playwright.assertions.PlaywrightAssertions.setDefaultAssertionTimeout(5_000);
        if (browsers != null) {
            browsers.close();
        }
        if (node != null) {
            node.close();
        }
    }

    /** A mono 16-bit PCM WAV of a soft sine tone. */
    static byte[] toneWav(double seconds, double hertz) {
        int rate = 16_000;
        int samples = (int) (seconds * rate);
        ByteBuffer data = ByteBuffer.allocate(samples * 2).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < samples; i++) {
            double fade = Math.min(1, Math.min(i, samples - i) / (rate * 0.05));
            data.putShort((short) (Math.sin(2 * Math.PI * hertz * i / rate) * 8000 * fade));
        }
        ByteBuffer header = ByteBuffer.allocate(44).order(ByteOrder.LITTLE_ENDIAN);
        header.put("RIFF".getBytes(StandardCharsets.US_ASCII)).putInt(36 + samples * 2).put("WAVE".getBytes(StandardCharsets.US_ASCII));
        header.put("fmt ".getBytes(StandardCharsets.US_ASCII)).putInt(16).putShort((short) 1).putShort((short) 1)
                .putInt(rate).putInt(rate * 2).putShort((short) 2).putShort((short) 16);
        header.put("data".getBytes(StandardCharsets.US_ASCII)).putInt(samples * 2);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(header.array());
        out.writeBytes(data.array());
        return out.toByteArray();
    }

    /** A file on disk of that many bytes (a path: the browser reads it itself, nothing crosses Playwright's pipe). */
    static java.nio.file.Path largeFile(String name, long bytes) {
        try {
            java.nio.file.Path dir = java.nio.file.Files.createDirectories(java.nio.file.Paths.get("target", "authoring-files"));
            java.nio.file.Path file = dir.resolve(name);
            try (java.io.RandomAccessFile raf = new java.io.RandomAccessFile(file.toFile(), "rw")) {
                raf.setLength(bytes);
            }
            return file;
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    static Page.GetByRoleOptions named(String name) {
        return new Page.GetByRoleOptions().setName(name).setExact(true);
    }

    static Locator.GetByRoleOptions namedIn(String name) {
        return new Locator.GetByRoleOptions().setName(name).setExact(true);
    }

    static void waitUntil(Page page, String what, java.util.function.BooleanSupplier condition, long timeoutMs) {
        BrowserSupport.waitUntil(page, what, condition, timeoutMs);
    }

    /** Whether a value the page computes grows between two readings a little apart (an audio clock running). */
    static boolean advancing(Page page, String expression) {
        Object first = page.evaluate(expression);
        if (!(first instanceof Number a)) {
            return false;
        }
        page.waitForTimeout(400);
        Object second = page.evaluate(expression);
        return second instanceof Number b && b.doubleValue() > a.doubleValue() + 150;
    }

    static void noSideways(Page page, String where) {
        Object wide = page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth");
        assertTrue(((Number) wide).intValue() <= 0, where + " fits the screen without scrolling sideways (over by " + wide + " px)");
    }

    static void checkIn(Page page, String email) {
        BrowserSupport.signIn(page, node.baseUrl(), email, OpenRoom.PASSWORD);
        page.getByRole(AriaRole.BUTTON, named("Join")).click();
        page.getByLabel("Where are you right now? (address)").fill("At home, 3 Elm Street");
        page.getByLabel("Name", new Page.GetByLabelOptions().setExact(true)).fill("Alex Contact");
        page.getByLabel("Phone", new Page.GetByLabelOptions().setExact(true)).fill("+1 555 0199");
        page.getByLabel("I am in a private place and I am not driving").check();
        page.getByRole(AriaRole.BUTTON, named("I’m ready: join the waiting room")).click();
        assertThat(page.getByRole(AriaRole.HEADING, named("You’re in the waiting room"))).isVisible();
    }

    @Test
    @DisplayName("a playlist from an uploaded WAV: previewed (its audio plays), published to the clinic, run in a room where the patient hears it")
    void playlistFromUploadPlaysInRoom() {
        ApiClient api = new ApiClient(node.baseUrl());
        String admin = api.accessToken("admin@demo.hearth", "hearth-demo");
        OpenRoom.Circle circle = OpenRoom.bookCircle(api, admin, 1);
        OpenRoom.Member lead = circle.facilitators().get(0);
        OpenRoom.Member member = circle.patients().get(0);
        String patientName = "Circle Patient 1 " + member.email().replaceAll(".*\\.(\\d+)@.*", "$1");

        try (BrowserContext therapistContext = browsers.newContext(1200, 900);
             BrowserContext patientContext = browsers.newContext(1200, 900)) {
            Page therapist = therapistContext.newPage();
            BrowserSupport.signIn(therapist, node.baseUrl(), lead.email(), OpenRoom.PASSWORD);
            therapist.getByRole(AriaRole.LINK, named("Exercise library")).click();
            assertThat(therapist.getByRole(AriaRole.HEADING, named("Exercise library"))).isVisible();
            assertThat(therapist.getByRole(AriaRole.LINK, named("Settling"))).isVisible();
            therapist.getByRole(AriaRole.LINK, named("New playlist")).click();
            assertThat(therapist.getByRole(AriaRole.HEADING, named("New playlist"))).isVisible();

            // a file that is not audio is refused at the field, before anything is stored
            Locator files = therapist.getByLabel("Add tracks");
            files.setInputFiles(new FilePayload("notes.wav", "audio/wav", "these are my session notes, not audio".getBytes(StandardCharsets.UTF_8)));
            assertThat(therapist.locator("#track-files-error")).containsText("“notes.wav” is not an audio file Hearth can play");
            assertEquals("true", files.getAttribute("aria-invalid"));
            // and so is one over the 25 MB limit, with its size said
            files.setInputFiles(largeFile("long-session.wav", 26 * 1024 * 1024));
            assertThat(therapist.locator("#track-files-error")).containsText("“long-session.wav” is 26.0 MB; files of up to 25 MB can be uploaded");
            assertThat(therapist.locator(".track-fields")).hasCount(0);

            // a real WAV file, sent over a slow uplink: the page shows how far the upload is, then the
            // track with its length read from the file
            com.microsoft.playwright.CDPSession devtools = therapistContext.newCDPSession(therapist);
            devtools.send("Network.enable");
            devtools.send("Network.emulateNetworkConditions", com.google.gson.JsonParser.parseString(
                    "{\"offline\": false, \"latency\": 20, \"downloadThroughput\": -1, \"uploadThroughput\": 262144}").getAsJsonObject());
            files.setInputFiles(new FilePayload("tide_of_calm.wav", "audio/wav", toneWav(20, 220)));
            Locator progress = therapist.getByRole(AriaRole.PROGRESSBAR, named("Uploading tide_of_calm.wav"));
            assertThat(progress).isVisible();
            assertThat(therapist.getByText("Uploading “tide_of_calm.wav” (625 KB)")).isVisible();
            devtools.send("Network.emulateNetworkConditions", com.google.gson.JsonParser.parseString(
                    "{\"offline\": false, \"latency\": 0, \"downloadThroughput\": -1, \"uploadThroughput\": -1}").getAsJsonObject());
            Locator track = therapist.locator(".track-fields").first();
            assertThat(track.getByLabel("Track 1", new Locator.GetByLabelOptions().setExact(true))).hasValue("tide of calm");
            assertThat(track.locator(".track-length")).containsText("Length 0:20");
            assertThat(therapist.locator("#track-files-error")).hasCount(0);
            track.getByLabel("Track 1", new Locator.GetByLabelOptions().setExact(true)).fill("Tide of calm");

            // the preview plays the unsaved draft with the room's player: its audio clock runs
            therapist.getByRole(AriaRole.BUTTON, named("Preview")).click();
            assertThat(therapist.locator(".preview-panel h2")).hasText("Preview: Untitled");
            assertThat(therapist.locator(".preview-panel .step-text")).hasText("Tide of calm");
            waitUntil(therapist, "the preview's audio playing", () -> "running".equals(therapist.evaluate(
                    "() => window.hearthPreview.player && window.hearthPreview.player.context && window.hearthPreview.player.context.state"))
                    && advancing(therapist, "() => window.hearthPreview.audioPositionMs()"), 15_000);
            BrowserSupport.screenshot(therapist, "authoring-1-preview");
            therapist.getByRole(AriaRole.BUTTON, named("Stop preview")).click();
            assertThat(therapist.getByRole(AriaRole.BUTTON, named("Preview"))).isVisible();

            // saved and shared with the clinic
            therapist.getByLabel("Title", new Page.GetByLabelOptions().setExact(true)).fill("Tide of calm");
            therapist.getByLabel("Summary").fill("Twenty seconds of a low tone to settle into the session.");
            therapist.getByRole(AriaRole.BUTTON, named("Publish to clinic")).click();
            assertThat(therapist.getByText("“Tide of calm” is saved and shared with the clinic")).isVisible();
            assertThat(therapist.getByRole(AriaRole.HEADING, named("Tide of calm"))).isVisible();
            assertTrue(therapist.getByLabel("Shared with the clinic").isChecked());
            JsonArray mine = api.get("/api/exercises?kind=playlist", admin).json().getJsonArray("items");
            JsonObject saved = mine.stream().map(JsonObject.class::cast).filter(i -> "Tide of calm".equals(i.getString("title"))).findFirst().orElseThrow();
            assertEquals("clinic", saved.getString("visibility"));
            assertEquals(1, saved.getJsonArray("tracks").size());
            assertEquals(20.0, saved.getJsonArray("tracks").getJsonObject(0).getDouble("durationSeconds"), 0.1);
            BrowserSupport.screenshot(therapist, "authoring-2-saved");

            // the facilitator runs it in a live room; the patient's page shows the track and plays it
            therapist.navigate(node.baseUrl() + "/#/therapist");
            therapist.getByRole(AriaRole.BUTTON, named("Join")).click();
            assertThat(therapist.getByRole(AriaRole.HEADING, named("In this session"))).isVisible();
            Page patient = patientContext.newPage();
            checkIn(patient, member.email());
            therapist.getByRole(AriaRole.BUTTON, named("Admit " + patientName)).click();
            assertThat(patient.getByRole(AriaRole.HEADING, named("In this session"))).isVisible();
            therapist.locator("#exercise-picker").selectOption(new SelectOption().setLabel("Tide of calm (playlist)"));
            therapist.getByRole(AriaRole.BUTTON, named("Start")).click();
            assertThat(patient.locator(".exercise h2")).hasText("Tide of calm");
            assertThat(patient.locator(".exercise .step-text")).hasText("Tide of calm");
            waitUntil(patient, "the patient's page playing the track", () -> "running".equals(patient.evaluate(
                    "() => window.hearthRoom.player.context && window.hearthRoom.player.context.state"))
                    && advancing(patient, "() => { const p = window.hearthRoom.exercisePositionAt(window.hearthRoom.serverNow()); return p ? p.positionMs : null; }"),
                    20_000);
            assertEquals(saved.getJsonArray("tracks").getJsonObject(0).getString("audioId"),
                    patient.evaluate("() => window.hearthRoom.player.source.audioId"));
            BrowserSupport.screenshot(patient, "authoring-3-patient-hears-it");
        }
    }

    @Test
    @DisplayName("on a 320 px phone: a starter item is copied, a two-step script with a pacer is written, reordered, archived and gone from the room's picker")
    void scriptOnAPhone() {
        ApiClient api = new ApiClient(node.baseUrl());
        String admin = api.accessToken("admin@demo.hearth", "hearth-demo");
        OpenRoom.Circle circle = OpenRoom.bookCircle(api, admin, 1);
        OpenRoom.Member lead = circle.facilitators().get(0);

        try (BrowserContext phone = browsers.newContext(320, 720)) {
            Page page = phone.newPage();
            BrowserSupport.signIn(page, node.baseUrl(), lead.email(), OpenRoom.PASSWORD);
            page.getByRole(AriaRole.LINK, named("Exercise library")).click();
            assertThat(page.getByRole(AriaRole.LINK, named("Breath awareness"))).isVisible();
            noSideways(page, "the library list");
            BrowserSupport.screenshot(page, "authoring-0-library-phone");

            // the kind filter: playlists only
            page.getByLabel("Kind").selectOption("playlist");
            assertThat(page.getByRole(AriaRole.LINK, named("Breath awareness"))).hasCount(0);
            assertThat(page.getByRole(AriaRole.LINK, named("Settling"))).isVisible();
            page.getByLabel("Kind").selectOption("");

            // a starter item is read-only; a copy is the therapist's own to change
            page.getByRole(AriaRole.LINK, named("Breath awareness")).click();
            assertThat(page.getByText("This starter item is read-only.")).isVisible();
            assertTrue(page.getByLabel("Title", new Page.GetByLabelOptions().setExact(true)).isDisabled());
            page.getByRole(AriaRole.BUTTON, named("Make a copy")).click();
            assertThat(page.getByRole(AriaRole.HEADING, named("Breath awareness (copy)"))).isVisible();
            assertTrue(page.getByLabel("Title", new Page.GetByLabelOptions().setExact(true)).isEditable());
            assertTrue(page.getByLabel("Private: only you").isChecked());

            // a new script: two steps, the second with a breathing pacer
            page.navigate(node.baseUrl() + "/#/library/new/script");
            assertThat(page.getByRole(AriaRole.HEADING, named("New script"))).isVisible();
            page.getByLabel("Title", new Page.GetByLabelOptions().setExact(true)).fill("Evening wind-down");
            page.getByLabel("Kind").selectOption("mindfulness");
            Locator steps = page.locator(".step-fields");
            steps.nth(0).getByLabel("Title").fill("Arrive");
            steps.nth(0).getByLabel("Text").fill("Let your shoulders drop and notice where you are sitting.");
            steps.nth(0).getByLabel("Duration").fill("0:45");
            page.getByRole(AriaRole.BUTTON, named("Add a step")).click();
            assertThat(steps).hasCount(2);
            steps.nth(1).getByLabel("Title").fill("Slow breath");
            steps.nth(1).getByLabel("Duration").fill("abc");
            steps.nth(1).getByLabel("Breathing pacer").check();
            steps.nth(1).getByLabel("Breathe in (s)").fill("4");
            steps.nth(1).getByLabel("Breathe out (s)").fill("6");
            noSideways(page, "the script editor");

            // a duration that is not one is refused at its field, and nothing is saved
            page.getByRole(AriaRole.BUTTON, named("Save")).click();
            assertThat(page.locator(".field-error")).containsText("minutes and seconds (1:30)");
            assertEquals("true", steps.nth(1).getByLabel("Duration").getAttribute("aria-invalid"));
            steps.nth(1).getByLabel("Duration").fill("2:00");
            // a step without text: the server's problem names the field, and it is marked there
            page.getByRole(AriaRole.BUTTON, named("Save")).click();
            assertThat(steps.nth(1).locator(".field-error")).isVisible();
            assertEquals("true", steps.nth(1).getByLabel("Text").getAttribute("aria-invalid"));
            assertEquals(null, steps.nth(1).getByLabel("Duration").getAttribute("aria-invalid"));
            steps.nth(1).getByLabel("Text").fill("Breathe in for four, out for six.");
            // the first step plays a background sound from the library's files
            steps.nth(0).getByLabel("Background sound").selectOption(new SelectOption().setLabel("Background of “Breath awareness”"));
            // and the second a cue sound uploaded on the spot, chosen for it at once
            steps.nth(1).locator("input[type=file]").first().setInputFiles(new FilePayload("soft chime.wav", "audio/wav", toneWav(2, 660)));
            assertThat(steps.nth(1).getByLabel("Cue sound").locator("option:checked")).hasText("soft chime");
            page.getByRole(AriaRole.BUTTON, named("Save")).click();
            assertThat(page.getByText("“Evening wind-down” is saved. It is private")).isVisible();
            JsonObject script = api.get("/api/exercises?kind=mindfulness", admin).json().getJsonArray("items").stream().map(JsonObject.class::cast)
                    .filter(i -> "Evening wind-down".equals(i.getString("title"))).findFirst().orElseThrow();
            assertEquals("private", script.getString("visibility"));
            assertEquals(List.of(45, 120), script.getJsonArray("steps").stream().map(o -> ((JsonObject) o).getInteger("durationSeconds")).toList());
            assertEquals("starter-pad-warm", script.getJsonArray("steps").getJsonObject(0).getString("backgroundAudioId"));
            assertTrue(script.getJsonArray("steps").getJsonObject(1).getString("cueAudioId", "").startsWith("a"), script.encode());
            assertEquals(new JsonObject().put("inhaleSeconds", 4).put("holdSeconds", 0).put("exhaleSeconds", 6).put("restSeconds", 0),
                    script.getJsonArray("steps").getJsonObject(1).getJsonObject("pacer"));
            assertThat(page.getByRole(AriaRole.HEADING, named("Evening wind-down"))).isVisible();

            // reordered: the breathing step first, saved, and still so after a reload
            page.getByRole(AriaRole.BUTTON, named("Move step 2 up")).click();
            assertThat(steps.nth(0).getByLabel("Title")).hasValue("Slow breath");
            page.getByRole(AriaRole.BUTTON, named("Save")).click();
            assertThat(page.getByText("“Evening wind-down” is saved.")).isVisible();
            page.reload();
            assertThat(steps.nth(0).getByLabel("Title")).hasValue("Slow breath");
            assertThat(steps.nth(0).getByLabel("Duration")).hasValue("2:00");
            assertTrue(steps.nth(0).getByLabel("Breathing pacer").isChecked());
            assertThat(steps.nth(0).getByLabel("Breathe out (s)")).hasValue("6");
            assertThat(steps.nth(1).getByLabel("Title")).hasValue("Arrive");

            // the preview shows the pacer of the first step
            page.getByRole(AriaRole.BUTTON, named("Preview")).click();
            assertThat(page.locator(".preview-panel .step-text")).hasText("Breathe in for four, out for six.");
            assertThat(page.locator(".preview-panel .pacer")).hasText(java.util.regex.Pattern.compile("Breathe in|Breathe out"));
            noSideways(page, "the preview");
            // and rings the step's cue sound as it begins
            waitUntil(page, "the first step's cue sound played", () -> ((Number) page.evaluate(
                    "() => window.hearthPreview.player.cuesPlayed")).intValue() >= 1, 15_000);
            // the next step's background sound plays in the preview
            page.getByRole(AriaRole.BUTTON, named("Next")).click();
            assertThat(page.locator(".preview-panel .step-text")).hasText("Let your shoulders drop and notice where you are sitting.");
            waitUntil(page, "the second step's background sound playing", () -> advancing(page, "() => window.hearthPreview.audioPositionMs()"), 15_000);
            BrowserSupport.screenshot(page, "authoring-4-script-phone");
            page.getByRole(AriaRole.BUTTON, named("Stop preview")).click();

            // archived: out of the list, back with "show archived"
            page.getByRole(AriaRole.BUTTON, named("Archive")).first().click();
            assertThat(page.getByText("Archived: it is not offered in rooms.")).isVisible();
            page.getByRole(AriaRole.LINK, named("← Exercise library")).click();
            assertThat(page.getByRole(AriaRole.LINK, named("Breath awareness"))).isVisible();
            assertThat(page.getByRole(AriaRole.LINK, named("Evening wind-down"))).hasCount(0);
            page.getByLabel("Show archived").check();
            assertThat(page.getByRole(AriaRole.LINK, named("Evening wind-down"))).isVisible();
            // brought back from the list, and archived again there
            Locator entry = page.locator(".library-item", new Page.LocatorOptions().setHasText("Evening wind-down"));
            assertThat(entry.getByText("Archived", new Locator.GetByTextOptions().setExact(true))).isVisible();
            page.getByRole(AriaRole.BUTTON, named("Unarchive Evening wind-down")).click();
            assertThat(entry.getByText("Archived", new Locator.GetByTextOptions().setExact(true))).hasCount(0);
            page.getByRole(AriaRole.BUTTON, named("Archive Evening wind-down")).click();
            assertThat(entry.getByText("Archived", new Locator.GetByTextOptions().setExact(true))).isVisible();
            page.getByLabel("Show archived").uncheck();

            // and the room's picker does not offer it (its copy of the starter item is there)
            page.navigate(node.baseUrl() + "/#/therapist");
            page.getByRole(AriaRole.BUTTON, named("Join")).click();
            assertThat(page.getByRole(AriaRole.HEADING, named("In this session"))).isVisible();
            Locator picker = page.locator("#exercise-picker");
            assertThat(picker.locator("option", new Locator.LocatorOptions().setHasText("Breath awareness (copy)"))).hasCount(1);
            List<String> offered = picker.locator("option").allTextContents();
            assertFalse(offered.stream().anyMatch(o -> o.startsWith("Evening wind-down")), "archived items are not offered: " + offered);
        }

        // an admin sees the clinic's items, private ones too, and may edit them
        try (BrowserContext adminContext = browsers.newContext(1200, 900)) {
            Page page = adminContext.newPage();
            BrowserSupport.signIn(page, node.baseUrl(), "admin@demo.hearth", "hearth-demo");
            page.getByRole(AriaRole.LINK, named("Exercise library")).click();
            page.getByLabel("Show archived").check();
            assertThat(page.getByRole(AriaRole.LINK, named("Edit Evening wind-down"))).isVisible();
            assertThat(page.getByRole(AriaRole.LINK, named("Open Breath awareness"))).isVisible();
        }
    }
}
