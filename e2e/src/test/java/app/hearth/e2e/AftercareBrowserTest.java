package app.hearth.e2e;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import app.hearth.gateway.testing.ApiClient;
import app.hearth.gateway.testing.TestNode;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.AriaRole;
import io.vertx.core.json.JsonObject;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Aftercare (issue 12) in Chromium on one node: the therapist assigns the starter "Breath awareness"
 * practice daily from today with instructions and a crisis resource; the patient, on a 390×844
 * phone, opens Aftercare from their home page, plays the practice on their own (the step text moves
 * on, the breathing pacer changes phase, the background music really plays in a running
 * AudioContext, at their own volume), reloads in the middle and resumes where they stopped, goes on
 * to the end with the player's step controls, and marks it done with a rating of 4 and a note; the
 * therapist's course page shows it done. The crisis resource reads well on the phone.
 *
 * <p>The practice is about four minutes long: the test plays its first steps for real and moves on
 * with "Next step" / "Skip to end" as a person would, rather than waiting through every step; a
 * second test plays a ten-second practice untouched from its first step to its end.
 */
@DisplayName("Aftercare in the browser: a practice assigned, played solo on a phone, resumed, marked done")
@org.junit.jupiter.api.extension.ExtendWith(BrowserSupport.ConsoleOnFailure.class)
class AftercareBrowserTest {

    static final String PATIENT = "demo-patient-1";
    static final String PATIENT_NAME = "Jordan Lee";
    static final String EXERCISE = "starter-breath-awareness";
    static final String INSTRUCTIONS = "Once a day, ideally before breakfast. Stop if it makes you dizzy.";
    static final String NOTE = "Calmer than yesterday; the counting helped.";

    static TestNode node;
    static BrowserSupport browsers;

    @BeforeAll
    static void start() {
        node = TestNode.start();
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

    static Page.GetByRoleOptions exactly(String name) {
        return new Page.GetByRoleOptions().setName(name).setExact(true);
    }

    static Locator.GetByRoleOptions exactlyIn(String name) {
        return new Locator.GetByRoleOptions().setName(name).setExact(true);
    }

    static final Page.GetByLabelOptions EXACT = new Page.GetByLabelOptions().setExact(true);

    static JsonObject plan(ApiClient api, String token) {
        ApiClient.Reply reply = api.get("/api/care/patients/" + PATIENT + "/aftercare", token);
        assertEquals(200, reply.status(), reply.body());
        return reply.json();
    }

    static JsonObject practiceOf(JsonObject plan) {
        return plan.getJsonArray("practices").stream().map(JsonObject.class::cast)
                .filter(p -> EXERCISE.equals(p.getJsonObject("exercise").getString("id")) && p.getValue("endedAt") == null)
                .findFirst().orElseThrow(() -> new AssertionError("no active breath practice in " + plan.encode()));
    }

    static void noSidewaysScroll(Page page, String where) {
        Object widths = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]");
        java.util.List<?> w = (java.util.List<?>) widths;
        assertTrue(((Number) w.get(0)).intValue() <= ((Number) w.get(1)).intValue(), where + ": the page scrolls sideways " + widths);
    }

    static double number(Page page, String script) {
        Object value = page.evaluate(script);
        return value == null ? Double.NaN : ((Number) value).doubleValue();
    }

    @Test
    @DisplayName("staff write, preview, edit and archive a resource; the patient reads it on a phone until it is archived")
    void resourcesAuthoredPreviewedAndArchived() {
        String title = "Sleep in the days after a dosing";
        String body = "Keep the evening quiet and the lights low.\n\nIf sleep does not come, rest anyway: lying still with your eyes closed helps too.";
        BrowserContext staffContext = browsers.newContext(1280, 900);
        BrowserContext patientContext = browsers.newContext(390, 844);
        try {
            Page staff = staffContext.newPage();
            BrowserSupport.signIn(staff, node.baseUrl(), "therapist@demo.hearth", "hearth-demo");
            staff.getByRole(AriaRole.LINK, exactly("Resources")).click();
            assertThat(staff.getByRole(AriaRole.HEADING, exactly("Aftercare resources"))).isVisible();
            assertThat(staff.getByRole(AriaRole.LINK, exactly("Rest after your dosing"))).isVisible();

            // a new page, previewed as the patient will see it before saving
            Locator create = staff.locator("section").filter(new Locator.FilterOptions().setHas(
                    staff.getByRole(AriaRole.HEADING, exactly("Write a new resource"))));
            create.getByLabel("Title", new Locator.GetByLabelOptions().setExact(true)).fill(title);
            create.getByLabel("Category", new Locator.GetByLabelOptions().setExact(true)).selectOption("rest");
            create.getByLabel("Summary", new Locator.GetByLabelOptions().setExact(true)).fill("Rest comes in many shapes.");
            create.getByLabel("Text", new Locator.GetByLabelOptions().setExact(true)).fill(body);
            create.getByRole(AriaRole.BUTTON, exactlyIn("Preview")).click();
            Locator preview = create.locator(".resource-preview article");
            assertThat(preview.getByRole(AriaRole.HEADING, exactlyIn(title))).isVisible();
            assertThat(preview.locator(".resource-body p")).hasCount(2);
            create.getByRole(AriaRole.BUTTON, exactlyIn("Save resource")).click();
            assertThat(staff.getByText("Saved “" + title + "”.")).isVisible();
            Locator row = staff.locator(".resource-admin").filter(new Locator.FilterOptions().setHasText(title));
            assertThat(row).isVisible();

            // edited
            row.getByRole(AriaRole.BUTTON, exactlyIn("Edit " + title)).click();
            row.getByLabel("Summary", new Locator.GetByLabelOptions().setExact(true)).fill("Rest comes in many shapes; all of them count.");
            row.getByRole(AriaRole.BUTTON, exactlyIn("Save changes")).click();
            assertThat(row).containsText("all of them count");
            BrowserSupport.screenshot(staff, "aftercare-8-resources-authoring");

            // the patient finds it among the clinic's pages and reads it on the phone
            Page patient = patientContext.newPage();
            BrowserSupport.signIn(patient, node.baseUrl(), "patient1@demo.hearth", "hearth-demo");
            patient.getByRole(AriaRole.LINK, exactly("Aftercare")).click();
            patient.getByRole(AriaRole.LINK, exactly(title)).click();
            assertThat(patient.getByRole(AriaRole.HEADING, exactly(title))).isVisible();
            assertThat(patient.locator(".resource-body")).containsText("lying still with your eyes closed");
            noSidewaysScroll(patient, "new resource");

            // archived: gone from the patient's list, marked on the staff's
            row.getByRole(AriaRole.BUTTON, exactlyIn("Archive " + title)).click();
            assertThat(row).containsText("Archived");
            patient.getByRole(AriaRole.LINK, exactly("Aftercare")).click();
            assertThat(patient.getByRole(AriaRole.HEADING, exactly("Aftercare"))).isVisible();
            assertThat(patient.getByRole(AriaRole.LINK, exactly("Rest after your dosing"))).isVisible();
            assertThat(patient.getByRole(AriaRole.LINK, exactly(title))).hasCount(0);
            // and back again
            row.getByRole(AriaRole.BUTTON, exactlyIn("Unarchive " + title)).click();
            assertThat(staff.getByText("“" + title + "” is back in the clinic’s list.")).isVisible();
            assertThat(row.getByText("Archived", new Locator.GetByTextOptions().setExact(true))).hasCount(0);
            // and a patient cannot open the authoring page
            patient.navigate(node.baseUrl() + "/#/resources");
            assertThat(patient.getByRole(AriaRole.HEADING, exactly("Your profile"))).isVisible();
        } finally {
            patientContext.close();
            staffContext.close();
        }
    }

    @Test
    @DisplayName("assigned by the therapist, played and resumed on a phone, marked done with a rating; the therapist sees it done")
    void practiceAssignedPlayedResumedAndDone() {
        ApiClient api = new ApiClient(node.baseUrl());
        String patientToken = api.accessToken("patient1@demo.hearth", "hearth-demo");

        BrowserContext therapistContext = browsers.newContext(1280, 900);
        BrowserContext patientContext = browsers.newContext(390, 844);
        try {
            Page therapist = therapistContext.newPage();
            Page patient = patientContext.newPage();

            // the therapist opens the patient's course and assigns the breath practice, daily for 14 days from today
            BrowserSupport.signIn(therapist, node.baseUrl(), "therapist@demo.hearth", "hearth-demo");
            therapist.getByRole(AriaRole.LINK, exactly("Course of care of " + PATIENT_NAME)).click();
            Locator aftercare = therapist.locator("section.aftercare-staff");
            assertThat(aftercare.getByRole(AriaRole.HEADING, exactlyIn("Aftercare"))).isVisible();
            Locator assign = aftercare.locator("details.assign");
            assertThat(assign).isVisible();
            if (assign.getAttribute("open") == null) {
                assign.locator("summary").click();
            }
            Locator form = aftercare.locator("form.assign-practice");
            form.getByLabel("Exercise", new Locator.GetByLabelOptions().setExact(true)).selectOption(EXERCISE);
            form.getByLabel("Daily, from a start date").check();
            form.getByLabel("For how many days").fill("14");
            form.getByLabel("Instructions for the patient (optional)").fill(INSTRUCTIONS);
            form.getByRole(AriaRole.BUTTON, exactlyIn("Assign practice")).click();
            Locator item = aftercare.locator(".practice").filter(new Locator.FilterOptions().setHasText("Breath awareness"));
            assertThat(item).isVisible();
            assertThat(item).containsText("Daily for 14 days");
            // and gives them the crisis page to read
            aftercare.getByLabel("If you are in crisis").check();
            aftercare.getByRole(AriaRole.BUTTON, exactlyIn("Save resources")).click();
            assertThat(aftercare.getByLabel("If you are in crisis")).isChecked();
            BrowserSupport.screenshot(therapist, "aftercare-1-therapist-assigned");
            JsonObject assigned = practiceOf(plan(api, patientToken));
            String practiceId = assigned.getString("id");
            String today = plan(api, patientToken).getString("today");

            // the patient, on a phone, goes from their home page to Aftercare: today's practice is due
            BrowserSupport.signIn(patient, node.baseUrl(), "patient1@demo.hearth", "hearth-demo");
            patient.getByRole(AriaRole.LINK, exactly("Open aftercare")).click();
            assertThat(patient.getByRole(AriaRole.HEADING, exactly("Aftercare"))).isVisible();
            Locator todayItem = patient.locator(".today-list li[data-practice='" + practiceId + "']");
            assertThat(todayItem).containsText("Due today");
            assertThat(patient.locator(".practice[data-practice='" + practiceId + "']")).containsText(INSTRUCTIONS);
            assertThat(patient.getByRole(AriaRole.LINK, exactly("If you are in crisis"))).isVisible();
            noSidewaysScroll(patient, "aftercare");
            BrowserSupport.screenshot(patient, "aftercare-2-patient-today-phone");

            // and plays it alone: the first step, its music playing in a running AudioContext
            todayItem.getByRole(AriaRole.LINK).click();
            assertThat(patient.getByRole(AriaRole.HEADING, exactly("Breath awareness"))).isVisible();
            assertThat(patient.getByText(INSTRUCTIONS)).isVisible();
            patient.getByRole(AriaRole.BUTTON, exactly("Play")).click();
            assertThat(patient.locator(".step-text")).containsText("Find a position that feels supported");
            assertThat(patient.locator(".step-count")).hasText("Step 1 of 5");
            BrowserSupport.waitUntil(patient, "the background music playing", () -> Boolean.TRUE.equals(patient.evaluate(
                    "() => !!(window.hearthPractice && hearthPractice.player.context && hearthPractice.player.context.state === 'running'"
                    + " && hearthPractice.player.source && hearthPractice.player.source.audioId === 'starter-pad-warm')")), 45_000); // fetched and decoded: slow on a busy machine
            String trackPosition = "() => { const p = hearthPractice.player.positionAt(hearthPractice.clock.now()); return p ? p.positionMs : null; }";
            double heardAt = number(patient, trackPosition);
            double contextAt = number(patient, "() => hearthPractice.player.context.currentTime");
            BrowserSupport.waitUntil(patient, "the music moving on", () -> number(patient, trackPosition) > heardAt + 1000
                    && number(patient, "() => hearthPractice.player.context.currentTime") > contextAt + 1, 10_000);
            // at the patient's own volume: the slider turns the music down for them alone
            Locator volume = patient.getByLabel("Music volume", EXACT);
            volume.focus();
            for (int i = 0; i < 10; i++) {
                volume.press("ArrowLeft");
            }
            BrowserSupport.waitUntil(patient, "the volume turned down", () -> number(patient, "() => hearthPractice.player.volume") < 0.75, 5_000);
            noSidewaysScroll(patient, "practice");

            // on to the breathing step: the pacer leads in, then out
            patient.getByRole(AriaRole.BUTTON, exactly("Next step")).click();
            assertThat(patient.locator(".step-count")).hasText("Step 2 of 5");
            patient.getByRole(AriaRole.BUTTON, exactly("Next step")).click();
            assertThat(patient.locator(".step-text")).containsText("Follow the circle");
            Locator pacer = patient.locator(".pacer");
            assertThat(pacer).hasText("Breathe in");
            BrowserSupport.screenshot(patient, "aftercare-3-pacer-phone");
            assertThat(pacer).hasText("Breathe out", new com.microsoft.playwright.assertions.LocatorAssertions.HasTextOptions().setTimeout(10_000));
            assertThat(patient.locator(".step-timer")).containsText("of 4:15");

            // the place is saved while playing (every few seconds): a reload offers to resume there
            BrowserSupport.waitUntil(patient, "a resume point in the breathing step", () -> {
                JsonObject resume = practiceOf(plan(api, patientToken)).getJsonObject("resume");
                return resume != null && today.equals(resume.getString("date")) && resume.getLong("positionMs") >= 75_000;
            }, 15_000);
            long saved = practiceOf(plan(api, patientToken)).getJsonObject("resume").getLong("positionMs");
            patient.reload();
            assertThat(patient.getByText("last time")).isVisible();
            Locator resume = patient.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName(Pattern.compile("^Resume from 1:")));
            assertThat(resume).isVisible();
            BrowserSupport.screenshot(patient, "aftercare-4-resume-offer-phone");
            resume.click();
            assertThat(patient.locator(".step-count")).hasText("Step 3 of 5");
            assertThat(patient.locator(".step-text")).containsText("Follow the circle");
            assertThat(patient.locator(".pacer")).not().isEmpty();
            double offset = number(patient, "() => hearthPractice.offsetMs()");
            assertTrue(offset >= saved - 1000, "resumed at " + offset + " ms, saved " + saved);
            BrowserSupport.waitUntil(patient, "the music playing again after the reload", () -> Boolean.TRUE.equals(patient.evaluate(
                    "() => !!(window.hearthPractice && hearthPractice.player.context && hearthPractice.player.context.state === 'running' && hearthPractice.player.source)")), 45_000);

            // to the end with the player's controls
            patient.getByRole(AriaRole.BUTTON, exactly("Next step")).click();
            assertThat(patient.locator(".step-count")).hasText("Step 4 of 5");
            patient.getByRole(AriaRole.BUTTON, exactly("Next step")).click();
            assertThat(patient.locator(".step-text")).containsText("Let the breath find its own rhythm");
            patient.getByRole(AriaRole.BUTTON, exactly("Skip to end")).click();
            assertThat(patient.locator(".step-count")).hasText("All 5 steps done");
            assertThat(patient.getByRole(AriaRole.BUTTON, exactly("Play again"))).isVisible();

            // and marks it done: feeling 4 of 5, with a note
            patient.locator(".rating-choice label").filter(new Locator.FilterOptions().setHasText("Good")).filter(
                    new Locator.FilterOptions().setHasText("4")).click();
            assertThat(patient.getByRole(AriaRole.RADIO, exactly("4 Good"))).isChecked();
            patient.getByLabel("A note about how it went (optional)").fill(NOTE);
            noSidewaysScroll(patient, "practice, finished");
            BrowserSupport.screenshot(patient, "aftercare-5-mark-done-phone");
            patient.getByRole(AriaRole.BUTTON, exactly("Mark done")).click();
            assertThat(patient.getByText("Done for today; you felt 4 of 5 (good). Thank you.")).isVisible();
            JsonObject done = practiceOf(plan(api, patientToken)).getJsonArray("occurrences").stream().map(JsonObject.class::cast)
                    .filter(o -> today.equals(o.getString("date"))).findFirst().orElseThrow();
            assertEquals("done", done.getString("state"), done.encode());
            assertEquals(4, done.getInteger("rating"), done.encode());
            assertEquals(NOTE, done.getString("note"), done.encode());

            // today reads done on their Aftercare page
            patient.getByRole(AriaRole.LINK, exactly("Aftercare")).first().click();
            assertThat(patient.locator(".today-list li[data-practice='" + practiceId + "']")).containsText("Done");
            assertThat(patient.locator(".practice[data-practice='" + practiceId + "'] .day-mark.done")).hasCount(1);

            // the crisis page reads well on the phone: tap-to-call numbers, no sideways scroll
            patient.getByRole(AriaRole.LINK, exactly("If you are in crisis")).click();
            assertThat(patient.getByRole(AriaRole.HEADING, exactly("If you are in crisis"))).isVisible();
            assertThat(patient.locator(".resource-body")).containsText("988");
            assertThat(patient.locator(".resource-body a[href^='tel:']").first()).isVisible();
            noSidewaysScroll(patient, "resource");
            BrowserSupport.screenshot(patient, "aftercare-6-resource-phone");

            // the therapist's open course page shows the practice done by itself (care.changed "aftercare")
            Locator doneCount = aftercare.locator(".practice").filter(new Locator.FilterOptions().setHasText("Breath awareness"))
                    .locator("[data-count=done] dd");
            assertThat(doneCount).hasText("1");
            Locator practice = aftercare.locator(".practice").filter(new Locator.FilterOptions().setHasText("Breath awareness"));
            assertThat(practice.locator("[data-count=missed] dd")).hasText("0");
            assertThat(practice.locator(".day-mark.done[data-date='" + today + "']")).hasCount(1);
            assertThat(practice).containsText("felt 4 of 5");
            assertThat(practice).containsText(NOTE);
            BrowserSupport.screenshot(therapist, "aftercare-7-therapist-adherence");
            assertNotNull(therapist.locator(".aftercare-staff").textContent());
        } finally {
            patientContext.close();
            therapistContext.close();
        }
    }

    @Test
    @DisplayName("a short practice plays on its own from its first step to its end on a phone, and is marked done")
    void shortPracticePlayedToItsEnd() {
        ApiClient api = new ApiClient(node.baseUrl());
        String therapistToken = api.accessToken("therapist@demo.hearth", "hearth-demo");
        String patientToken = api.accessToken("patient2@demo.hearth", "hearth-demo");
        String patient2 = "demo-patient-2";
        // a two-step practice of a few seconds, with a pacer and the starter music, assigned for today
        ApiClient.Reply created = api.postJson("/api/exercises", therapistToken, new JsonObject().put("kind", "mindfulness")
                .put("title", "Two slow breaths").put("summary", "A very short pause").put("visibility", "private")
                .put("steps", new io.vertx.core.json.JsonArray()
                        .add(new JsonObject().put("title", "Arrive").put("text", "Notice the chair under you.").put("durationSeconds", 5)
                                .put("backgroundAudioId", "starter-pad-warm"))
                        .add(new JsonObject().put("title", "Breathe").put("text", "Breathe with the circle.").put("durationSeconds", 5)
                                .put("pacer", new JsonObject().put("inhaleSeconds", 2).put("holdSeconds", 0).put("exhaleSeconds", 2)
                                        .put("restSeconds", 0)))));
        assertEquals(201, created.status(), created.body());
        String today = api.get("/api/care/patients/" + patient2 + "/aftercare", patientToken).json().getString("today");
        ApiClient.Reply assigned = api.postJson("/api/care/patients/" + patient2 + "/aftercare/practices", therapistToken, new JsonObject()
                .put("exerciseId", created.json().getString("id"))
                .put("schedule", new JsonObject().put("kind", "daily").put("startDate", today).put("days", 1)));
        assertEquals(201, assigned.status(), assigned.body());
        String practiceId = assigned.json().getString("id");

        BrowserContext patientContext = browsers.newContext(390, 844);
        try {
            Page patient = patientContext.newPage();
            BrowserSupport.signIn(patient, node.baseUrl(), "patient2@demo.hearth", "hearth-demo");
            patient.getByRole(AriaRole.LINK, exactly("Aftercare")).first().click();
            patient.locator(".today-list li[data-practice='" + practiceId + "']").getByRole(AriaRole.LINK).click();
            assertThat(patient.getByRole(AriaRole.HEADING, exactly("Two slow breaths"))).isVisible();
            patient.getByRole(AriaRole.BUTTON, exactly("Play")).click();
            // nothing touched from here: the steps follow each other and the practice ends by itself
            assertThat(patient.locator(".step-text")).containsText("Notice the chair under you.");
            assertThat(patient.locator(".step-text")).containsText("Breathe with the circle.");
            assertThat(patient.locator(".pacer")).hasText(Pattern.compile("Breathe in|Breathe out"));
            assertThat(patient.locator(".step-count")).hasText("All 2 steps done");
            patient.locator(".rating-choice label").filter(new Locator.FilterOptions().setHasText("5")).first().click();
            patient.getByRole(AriaRole.BUTTON, exactly("Mark done")).click();
            assertThat(patient.getByText(Pattern.compile("^Done for today"))).isVisible();
            noSidewaysScroll(patient, "short practice, finished");
        } finally {
            patientContext.close();
        }
        JsonObject practice = api.get("/api/care/patients/" + patient2 + "/aftercare", therapistToken).json().getJsonArray("practices")
                .stream().map(JsonObject.class::cast).filter(p -> practiceId.equals(p.getString("id"))).findFirst().orElseThrow();
        assertEquals(1, practice.getJsonObject("adherence").getInteger("done"), practice.encode());
        assertEquals(5, practice.getJsonArray("occurrences").getJsonObject(0).getInteger("rating"), practice.encode());
    }
}
