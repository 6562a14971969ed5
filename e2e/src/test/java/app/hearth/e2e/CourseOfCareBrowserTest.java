package app.hearth.e2e;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import app.hearth.gateway.testing.ApiClient;
import app.hearth.gateway.testing.OpenRoom;
import app.hearth.gateway.testing.TestNode;
import app.hearth.platform.access.Role;
import app.hearth.platform.store.Store;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.AriaRole;
import com.microsoft.playwright.options.SelectOption;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Updates;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The course of care (issue 11) in real Chromium pages on a two-node cluster. The patient, on a
 * phone on node A, fills the intake, drafts intentions, accepts the consents and answers PHQ-9 and
 * GAD-7 one question at a time; answering PHQ-9 question 9 above 0 shows the crisis resources at
 * once, and the therapist's page on node B shows the safety alert within seconds until they
 * acknowledge it (which clears it on their other page too). The admin marks the dosing attended;
 * the patient answers the prompt after it and shares the reflection; in the integration room the
 * therapist's clinician panel shows the intentions, the shared reflection and the scores, and the
 * two refine the intentions together. A second patient, another therapist, the admin and another
 * clinic see none of the content.
 *
 * <p>The API sets up what the UI is not the subject of: the appointments (a preparation tomorrow, so
 * the intake is still open; a dosing moved into the past in the store, since nothing books the
 * past; an integration now, inside the window after that dosing).
 */
@DisplayName("The course of care in the browser, across two nodes")
@org.junit.jupiter.api.extension.ExtendWith(BrowserSupport.ConsoleOnFailure.class)
class CourseOfCareBrowserTest {

    static final String PATIENT = "demo-patient-1";
    static final String PATIENT_NAME = "Jordan Lee";
    static final String INTENTION_1 = "Meet my grief with curiosity";
    static final String INTENTION_2 = "Sleep through the night again";
    static final String INTENTION_3 = "Call my sister on Sundays";
    static final String INTAKE_GOAL = "Feel less numb and get back to painting";
    static final String REFLECTION = "During the dose I saw my father's workshop and felt warm, not sad.";
    static final String PRIVATE_NOTE = "A private note that stays with me.";

    static TestNode nodeA;
    static TestNode nodeB;
    static BrowserSupport browsers;

    @BeforeAll
    static void start() {
        TestNode[] pair = TestNode.startPair("course-browser", Map.of("HEARTH_LOGINS_PER_ADDRESS", "500"));
        nodeA = pair[0];
        nodeB = pair[1];
        browsers = new BrowserSupport();
        // a busy machine (other builds, two nodes, four browsers): every wait may take longer than the default 5 s
        com.microsoft.playwright.assertions.PlaywrightAssertions.setDefaultAssertionTimeout(15_000);
    }

    @AfterAll
    static void stop() {
        com.microsoft.playwright.assertions.PlaywrightAssertions.setDefaultAssertionTimeout(5_000);
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
        BrowserSupport.signIn(page, baseUrl, email, "hearth-demo");
    }

    static Page.GetByRoleOptions named(String name) {
        return new Page.GetByRoleOptions().setName(name);
    }

    static Page.GetByRoleOptions exactly(String name) {
        return new Page.GetByRoleOptions().setName(name).setExact(true);
    }

    static final Page.GetByLabelOptions EXACT = new Page.GetByLabelOptions().setExact(true);
    static final Locator.GetByLabelOptions EXACT_IN = new Locator.GetByLabelOptions().setExact(true);

    /** The next start on the 5-minute grid at or after {@code at}. */
    static Instant onMark(Instant at) {
        long mark = 300;
        return Instant.ofEpochSecond((at.getEpochSecond() + mark - 1) / mark * mark);
    }

    static String book(ApiClient api, String admin, JsonObject body) {
        ApiClient.Reply booked = api.postJson("/api/appointments", admin, body);
        assertEquals(201, booked.status(), booked.body());
        return booked.json().getString("id");
    }

    /** The course's appointments: a preparation tomorrow, a dosing yesterday, an integration now. Returns {dosingId, integrationId, preparationId}. */
    static String[] bookCourse(ApiClient api, String admin) {
        OpenRoom.openAllDay(api, admin, "demo-therapist-1");
        JsonArray therapist = new JsonArray().add("demo-therapist-1");
        String preparationId = book(api, admin, new JsonObject().put("type", "preparation").put("therapistIds", therapist).put("patientId", PATIENT)
                .put("start", onMark(Instant.now().plus(Duration.ofDays(1))).toString()));
        String dosingId = book(api, admin, new JsonObject().put("type", "dosing").put("therapistIds", therapist).put("patientId", PATIENT)
                .put("mode", "in-clinic").put("location", "Treatment room 2")
                .put("start", onMark(Instant.now().plus(Duration.ofDays(3))).toString()));
        // Nothing books the past: the dosing is moved there in the store, as if it was booked last week.
        Instant dosingStart = onMark(Instant.now().minus(Duration.ofHours(26)));
        try (Store store = Store.connect(nodeA.storeUri(), nodeA.databaseName())) {
            store.collection("appointments").updateOne(Filters.eq("_id", dosingId), Updates.combine(
                    Updates.set("start", Date.from(dosingStart)), Updates.set("end", Date.from(dosingStart.plus(Duration.ofHours(3))))));
        }
        String integrationId = book(api, admin, new JsonObject().put("type", "integration").put("therapistIds", therapist)
                .put("patientId", PATIENT).put("dosingAppointmentId", dosingId).put("start", onMark(Instant.now().plusSeconds(30)).toString()));
        return new String[] {dosingId, integrationId, preparationId};
    }

    /** A therapist of a second clinic, written straight into the store (the API has no "create clinic"). */
    static String otherClinicTherapist(ApiClient api) {
        try (Store store = Store.connect(nodeA.storeUri(), nodeA.databaseName())) {
            new app.hearth.booking.clinic.ClinicRepository(store).insertIfAbsent(
                    new app.hearth.booking.clinic.Clinic("clinic-course-b", "Other Clinic", "Europe/Berlin"));
            new app.hearth.booking.people.PersonRepository(store).insert(new app.hearth.booking.people.Person("b-course-therapist",
                    "clinic-course-b", Role.THERAPIST, "Dr. Elsewhere", "therapist@b-course.example", null, "Europe/Berlin", null,
                    null, app.hearth.booking.people.PersonStatus.ACTIVE, Instant.now()), "test");
            new app.hearth.booking.account.CredentialRepository(store).setPasswordHash("b-course-therapist",
                    app.hearth.platform.security.PasswordHasher.recommended().hash("clinic b password"), Instant.now());
        }
        return api.accessToken("therapist@b-course.example", "clinic b password");
    }

    /** Answers an instrument on the patient's page one question at a time, choosing answer {@code values[i]} for item i. */
    static void answer(Page page, JsonObject instrument, int[] values) {
        JsonArray options = instrument.getJsonArray("options");
        int items = instrument.getJsonArray("items").size();
        boolean difficulty = instrument.getValue("difficulty") != null;
        int total = items + (difficulty ? 1 : 0);
        for (int i = 0; i < total; i++) {
            assertThat(page.getByRole(AriaRole.HEADING, exactly("Question " + (i + 1) + " of " + total))).isVisible();
            Locator question = page.getByRole(AriaRole.GROUP);
            if (i == 0) {
                // phone-sized: nothing wider than the screen
                assertEquals(Boolean.TRUE, page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth"),
                        "no sideways scrolling on a phone");
            }
            if (i < items) {
                assertThat(question).containsText(instrument.getJsonArray("items").getJsonObject(i).getString("text"));
                int value = values[i];
                String label = options.stream().map(o -> (JsonObject) o).filter(o -> o.getInteger("value") == value)
                        .findFirst().orElseThrow().getString("label");
                question.getByRole(AriaRole.RADIO, new Locator.GetByRoleOptions().setName(label).setExact(true)).check();
            } else {
                // the difficulty question is optional: a person may leave it
                assertThat(question).containsText("(optional)");
            }
            if (i == 2) {
                BrowserSupport.screenshot(page, "course-2a-question-phone");
            }
            page.getByRole(AriaRole.BUTTON, exactly(i == total - 1 ? "Review your answers" : "Next")).click();
        }
        assertThat(page.getByRole(AriaRole.HEADING, exactly("Check your answers"))).isVisible();
        BrowserSupport.screenshot(page, "course-2b-review-phone");
        page.getByRole(AriaRole.BUTTON, exactly("Send your answers")).click();
    }

    /**
     * Answers an instrument from the keyboard only: on each question the arrow key moves from the
     * first answer to the second ("several days") and Enter goes on; Enter leaves the optional one.
     */
    static void answerByKeyboard(Page page, JsonObject instrument) {
        int items = instrument.getJsonArray("items").size();
        int total = items + (instrument.getValue("difficulty") != null ? 1 : 0);
        for (int i = 0; i < total; i++) {
            Locator heading = page.getByRole(AriaRole.HEADING, exactly("Question " + (i + 1) + " of " + total));
            // the first question follows the page's title where the page starts; each next one takes the focus
            if (i == 0) {
                assertThat(heading).isVisible();
            } else {
                assertThat(heading).isFocused();
            }
            Locator radios = page.getByRole(AriaRole.GROUP).getByRole(AriaRole.RADIO);
            radios.first().focus();
            if (i < items) {
                page.keyboard().press("ArrowDown");
                assertThat(radios.nth(1)).isChecked();
            }
            page.keyboard().press("Enter");
        }
        assertThat(page.getByRole(AriaRole.HEADING, exactly("Check your answers"))).isFocused();
        page.getByRole(AriaRole.BUTTON, exactly("Send your answers")).click();
    }

    @Test
    @DisplayName("intake, intentions, consents and measures on a phone; item 9 → crisis resources at once and the alert on the other node; dosing attended; a shared reflection; the clinician panel in the integration room; nobody else sees the content")
    void courseOfCare() {
        ApiClient apiA = new ApiClient(nodeA.baseUrl());
        ApiClient apiB = new ApiClient(nodeB.baseUrl());
        String admin = apiA.accessToken("admin@demo.hearth", "hearth-demo");
        String[] course = bookCourse(apiA, admin);
        String dosingId = course[0];
        String patientToken = apiA.accessToken("patient1@demo.hearth", "hearth-demo");
        try (BrowserContext patientContext = browsers.newContext(390, 844);
             BrowserContext therapistContext = browsers.newContext(1280, 900);
             BrowserContext therapistElsewhere = browsers.newContext(1024, 768);
             BrowserContext adminContext = browsers.newContext(1200, 900)) {
            Page patient = patientContext.newPage();
            Page therapist = therapistContext.newPage();
            Page therapistOther = therapistElsewhere.newPage();
            Page adminPage = adminContext.newPage();
            // the strict CSP (default-src 'self') refuses nothing the pages do
            List<String> refused = new java.util.concurrent.CopyOnWriteArrayList<>();
            for (Page page : List.of(patient, therapist, therapistOther, adminPage)) {
                page.onConsoleMessage(m -> {
                    if (m.text().contains("Content Security Policy")) {
                        refused.add(m.text());
                    }
                });
            }
            try {
                story(apiA, apiB, admin, dosingId, patientToken, patient, therapist, therapistOther, adminPage);
                unshareTheReflection(apiB, patient);
                intakeLocksWhenThePreparationBegins(course[2], patient);
            } catch (RuntimeException | AssertionError e) {
                // what each page showed when the story stopped, for a person to look at (target/screenshots)
                BrowserSupport.screenshot(patient, "course-failed-patient");
                BrowserSupport.screenshot(therapist, "course-failed-therapist");
                BrowserSupport.screenshot(therapistOther, "course-failed-therapist-elsewhere");
                BrowserSupport.screenshot(adminPage, "course-failed-admin");
                throw e;
            }
            assertTrue(refused.isEmpty(), "refused by the CSP: " + refused);
        }
        nobodyElseSeesTheContent(apiA, apiB, admin);
    }

    static void story(ApiClient apiA, ApiClient apiB, String admin, String dosingId, String patientToken,
                      Page patient, Page therapist, Page therapistOther, Page adminPage) {
        // given the therapist signed in on node B on their patients page, and on another device (node A) on their hours
        signIn(therapist, nodeB.baseUrl(), "therapist@demo.hearth");
        assertThat(therapist.getByRole(AriaRole.HEADING, exactly("Your patients"))).isVisible(BrowserSupport.within(15));
        signIn(therapistOther, nodeA.baseUrl(), "therapist@demo.hearth");
        assertThat(therapistOther.getByRole(AriaRole.HEADING, exactly("Your patients"))).isVisible(BrowserSupport.within(15));
        therapistOther.getByRole(AriaRole.LINK, exactly("Your hours")).click();
        assertThat(therapistOther.getByRole(AriaRole.HEADING, exactly("Availability"))).isVisible();

        // when the patient (node A, a phone) opens their course from their profile
        signIn(patient, nodeA.baseUrl(), "patient1@demo.hearth");
        patient.getByRole(AriaRole.LINK, exactly("Open your course")).click();
        assertThat(patient.getByRole(AriaRole.HEADING, exactly("Your course"))).isVisible(BrowserSupport.within(15));
        Locator timeline = patient.locator("ol.timeline");
        assertThat(timeline.locator(".timeline-item.dosing")).containsText("Ended");
        assertThat(timeline.locator(".timeline-item.integration")).isVisible();
        BrowserSupport.screenshot(patient, "course-1-patient-course-phone");

        // the intake: plain labels, saved
        patient.getByRole(AriaRole.LINK, exactly("Fill in your intake")).click();
        assertThat(patient.getByRole(AriaRole.HEADING, exactly("Your intake"))).isVisible();
        patient.getByLabel("Your goals", EXACT).fill(INTAKE_GOAL);
        patient.getByLabel("Your concerns", EXACT).fill("Being sick during the dose");
        patient.getByLabel("Your mental-health history", EXACT).fill("Depression since 2019, one hospital stay.");
        patient.getByLabel("Treatment so far", EXACT).fill("Two SSRIs, CBT for a year.");
        patient.getByLabel("Medications you take now", EXACT).fill("Sertraline 50 mg");
        patient.getByRole(AriaRole.BUTTON, exactly("Save your intake")).click();
        assertThat(patient.getByText("Your intake is saved.")).isVisible();
        patient.getByRole(AriaRole.LINK, exactly("Back to your course")).first().click();

        // the intentions, drafted by the patient
        patient.getByRole(AriaRole.BUTTON, exactly("Write intentions")).click();
        patient.getByLabel("Intention 1", EXACT).fill(INTENTION_1);
        patient.getByRole(AriaRole.BUTTON, exactly("Add an intention")).click();
        patient.getByLabel("Intention 2", EXACT).fill(INTENTION_2);
        patient.getByRole(AriaRole.BUTTON, exactly("Save intentions")).click();
        assertThat(patient.getByText("Intentions saved.")).isVisible();
        assertThat(patient.locator("ol.intentions")).containsText(INTENTION_2);

        // the consents: each text with an "I agree"
        patient.getByRole(AriaRole.LINK, named("Read and agree")).first().click();
        assertThat(patient.getByRole(AriaRole.HEADING, exactly("Consents"))).isVisible();
        Locator agree = patient.getByRole(AriaRole.BUTTON, named("I agree"));
        int consents = agree.count();
        assertTrue(consents >= 2, "the treatment and telehealth consents are due: " + consents);
        for (int i = 0; i < consents; i++) {
            agree.first().click();
            assertThat(patient.getByText("You agreed on", new Page.GetByTextOptions().setExact(false))).hasCount(i + 1);
        }
        patient.getByRole(AriaRole.LINK, exactly("Your course")).click();
        assertThat(patient.getByRole(AriaRole.HEADING, exactly("Your course"))).isVisible();
        assertThat(patient.getByRole(AriaRole.LINK, named("Read and agree"))).hasCount(0);

        // when the patient answers PHQ-9 one question at a time, question 9 "several days"
        JsonObject phq9 = null;
        JsonObject gad7 = null;
        ApiClient.Reply instruments = apiA.get("/api/care/instruments", patientToken);
        assertEquals(200, instruments.status(), instruments.body());
        for (Object o : instruments.json().getJsonArray("items")) {
            JsonObject i = (JsonObject) o;
            if ("phq9".equals(i.getString("id"))) {
                phq9 = i;
            } else if ("gad7".equals(i.getString("id"))) {
                gad7 = i;
            }
        }
        patient.getByRole(AriaRole.LINK, named("Answer PHQ-9")).first().click();
        answer(patient, phq9, new int[] {1, 2, 1, 2, 1, 1, 0, 0, 1});
        long sent = System.nanoTime();

        // then the crisis resources are on the patient's page at once, first, focused, with a number to call
        Locator crisis = patient.locator("section.crisis[role=alert]");
        assertThat(crisis).isVisible(BrowserSupport.within(5));
        assertThat(crisis.locator("a[href='tel:988']")).isVisible();
        assertEquals(Boolean.TRUE, patient.evaluate("() => document.querySelector('#main .view').firstElementChild.classList.contains('crisis')"),
                "the crisis panel comes before anything else");
        assertEquals(Boolean.TRUE, patient.evaluate("() => document.activeElement.classList.contains('crisis')"), "focus moved to the crisis panel");
        BrowserSupport.screenshot(patient, "course-2-crisis-phone");

        // and the therapist's page on node B shows the alert within seconds, as does their other page on node A
        Locator alert = therapist.locator(".care-alert[role=alert]").filter(new Locator.FilterOptions().setHasText(PATIENT_NAME));
        assertThat(alert).isVisible(BrowserSupport.within(10));
        long alertedMs = (System.nanoTime() - sent) / 1_000_000;
        System.out.println("CourseOfCareBrowserTest: item 9 sent on node A -> alert on node B's page in about " + alertedMs + " ms");
        assertThat(alert.getByRole(AriaRole.LINK, new Locator.GetByRoleOptions().setName("Open course"))).isVisible();
        Locator alertElsewhere = therapistOther.locator(".care-alert").filter(new Locator.FilterOptions().setHasText(PATIENT_NAME));
        assertThat(alertElsewhere).isVisible(BrowserSupport.within(10));
        BrowserSupport.screenshot(therapist, "course-3-therapist-alert");

        // the alert's link opens the patient's course for the therapist: intake answers, intentions, scores with severity
        alert.getByRole(AriaRole.LINK, new Locator.GetByRoleOptions().setName("Open course")).click();
        assertThat(therapist.getByRole(AriaRole.HEADING, exactly("Course of care: " + PATIENT_NAME))).isVisible();
        assertThat(therapist.locator("dl.answers")).containsText(INTAKE_GOAL);
        assertThat(therapist.locator("ol.intentions")).containsText(INTENTION_1);
        Locator phqTable = therapist.locator(".trend-block[data-instrument=phq9] table.scores");
        assertThat(phqTable.locator("caption")).containsText("PHQ-9");
        assertThat(phqTable.locator("thead")).containsText("Severity");
        assertThat(phqTable.getByText("Alert raised")).isVisible();
        assertThat(therapist.locator(".trend-block[data-instrument=phq9] svg.trend .point")).hasCount(1);
        assertThat(alert).isVisible(); // the banner stays on every page until acknowledged
        BrowserSupport.screenshot(therapist, "course-3b-therapist-course");

        // when the patient goes on with GAD-7 (no crisis there)
        patient.getByRole(AriaRole.LINK, exactly("Your course")).click();
        patient.getByRole(AriaRole.LINK, named("Answer GAD-7")).first().click();
        answerByKeyboard(patient, gad7);
        assertThat(patient.getByRole(AriaRole.HEADING, exactly("Thank you, your answers are saved"))).isVisible();
        assertThat(patient.locator("section.crisis")).hasCount(0);

        // and the therapist acknowledges: the alert clears on both their pages, on both nodes
        alert.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Acknowledge")).click();
        assertThat(alert).hasCount(0);
        assertThat(alertElsewhere).hasCount(0, new com.microsoft.playwright.assertions.LocatorAssertions.HasCountOptions().setTimeout(10_000));
        String therapistToken = apiB.accessToken("therapist@demo.hearth", "hearth-demo");
        ApiClient.Reply open = apiB.get("/api/care/alerts", therapistToken);
        assertEquals(200, open.status(), open.body());
        assertTrue(open.json().getJsonArray("items").stream().map(o -> (JsonObject) o)
                .noneMatch(a -> PATIENT.equals(a.getString("patientId")) && a.getValue("acknowledgedAt") == null), open.body());

        // when the admin (node A) marks the dosing attended on the patient's course page
        signIn(adminPage, nodeA.baseUrl(), "admin@demo.hearth");
        adminPage.getByRole(AriaRole.LINK, exactly("People")).click();
        adminPage.getByRole(AriaRole.LINK, exactly("Course of care of " + PATIENT_NAME)).click();
        assertThat(adminPage.getByRole(AriaRole.HEADING, exactly("Course of care: " + PATIENT_NAME))).isVisible();
        Locator dosing = adminPage.locator(".timeline-item.dosing[data-appointment='" + dosingId + "']");
        dosing.getByLabel("Route", EXACT_IN).selectOption(new SelectOption().setLabel("Nasal spray"));
        dosing.getByLabel("Supervised by", EXACT_IN).fill("Nurse Kim Alvarez");
        dosing.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Save dosing record")).click();
        assertThat(adminPage.locator(".timeline-item.dosing .dosing-status")).containsText("Attended · Nasal spray");
        // the admin sees what is due and that records exist, not what was written
        String adminText = adminPage.locator("#main").innerText();
        for (String secret : List.of(INTENTION_1, INTAKE_GOAL, "Sertraline")) {
            assertFalse(adminText.contains(secret), "the admin's page shows no clinical content: " + secret);
        }
        BrowserSupport.screenshot(adminPage, "course-4-admin-course");

        // when the patient answers the prompt after the dosing privately, then shares it; and keeps a private note
        patient.getByRole(AriaRole.LINK, exactly("Your profile")).click();
        patient.getByRole(AriaRole.LINK, exactly("Your course")).click();
        assertThat(patient.getByText("A prompt after your session")).isVisible();
        patient.getByLabel("Your reflection on the prompt", EXACT).fill(REFLECTION);
        patient.getByRole(AriaRole.BUTTON, exactly("Save reflection")).click();
        Locator entry = patient.locator(".journal-entry").filter(new Locator.FilterOptions().setHasText(REFLECTION));
        assertThat(entry.getByText("Private", new Locator.GetByTextOptions().setExact(true))).isVisible();
        entry.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName(Pattern.compile("^Share the reflection"))).click();
        assertThat(entry.getByText("Shared with your therapist", new Locator.GetByTextOptions().setExact(true))).isVisible();
        patient.getByLabel("Write a reflection", EXACT).fill(PRIVATE_NOTE);
        patient.getByRole(AriaRole.BUTTON, exactly("Save reflection")).click();
        assertThat(patient.locator(".journal-entry").filter(new Locator.FilterOptions().setHasText(PRIVATE_NOTE))).isVisible();
        // the scores over time: a chart with the dosing marked, and a table
        assertThat(patient.locator("svg.trend .dosing-mark").first()).isAttached();
        assertThat(patient.locator("table.scores caption").first()).containsText("scores over time");
        BrowserSupport.screenshot(patient, "course-5-journal-phone");

        // when the therapist (node B) opens the integration room from their patients page
        therapist.getByRole(AriaRole.LINK, exactly("Your patients")).click();
        Locator join = therapist.getByRole(AriaRole.BUTTON, exactly("Join")).first();
        assertThat(join).isEnabled(new com.microsoft.playwright.assertions.LocatorAssertions.IsEnabledOptions().setTimeout(15_000));
        join.click();
        assertThat(therapist.getByRole(AriaRole.HEADING, exactly("In this session"))).isVisible(BrowserSupport.within(15));

        // then the clinician panel beside the video shows the intentions, the shared reflection (not the private note) and the scores
        Locator panel = therapist.locator("section.clinical-panel");
        assertThat(panel.getByRole(AriaRole.HEADING, new Locator.GetByRoleOptions().setName("Clinician panel"))).isVisible(BrowserSupport.within(10));
        assertThat(panel.locator("ol.intentions")).containsText(INTENTION_1);
        assertThat(panel.getByText(REFLECTION)).isVisible();
        assertThat(panel.getByText(PRIVATE_NOTE)).hasCount(0);
        assertThat(panel.locator("table.scores")).containsText("PHQ-9");
        assertThat(panel.locator("table.scores")).containsText("GAD-7");
        assertThat(panel).containsText("Attended · Nasal spray");
        BrowserSupport.screenshot(therapist, "course-6-clinician-panel");

        // when the patient joins and is admitted, they see their own intentions (and no clinician panel)
        patient.getByRole(AriaRole.LINK, exactly("Your profile")).click();
        patient.getByRole(AriaRole.BUTTON, exactly("Join")).first().click();
        patient.getByLabel("Where are you right now? (address)", EXACT).fill("12 Harbour Lane, Portland");
        patient.getByLabel("I am in a private place and I am not driving").check();
        patient.getByRole(AriaRole.BUTTON, exactly("I’m ready: join the waiting room")).click();
        assertThat(patient.getByRole(AriaRole.HEADING, exactly("You’re in the waiting room"))).isVisible(BrowserSupport.within(15));
        therapist.getByRole(AriaRole.BUTTON, exactly("Admit " + PATIENT_NAME)).click();
        assertThat(patient.getByRole(AriaRole.HEADING, exactly("In this session"))).isVisible(BrowserSupport.within(15));
        Locator own = patient.locator(".clinical-panel");
        assertThat(own.locator("ol.intentions")).containsText(INTENTION_2, new com.microsoft.playwright.assertions.LocatorAssertions.ContainsTextOptions().setTimeout(10_000));
        assertThat(patient.getByRole(AriaRole.HEADING, exactly("Clinician panel"))).hasCount(0);
        assertThat(patient.getByText(REFLECTION)).hasCount(0);

        // and they refine the intentions together: the therapist adds one, the patient's page shows it within seconds
        panel.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Edit intentions")).click();
        panel.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Add an intention")).click();
        panel.getByLabel("Intention 3", EXACT_IN).fill(INTENTION_3);
        panel.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Save intentions")).click();
        assertThat(panel.locator("ol.intentions")).containsText(INTENTION_3);
        assertThat(own.locator("ol.intentions")).containsText(INTENTION_3, new com.microsoft.playwright.assertions.LocatorAssertions.ContainsTextOptions().setTimeout(10_000));
        BrowserSupport.screenshot(patient, "course-7-room-intentions-phone");
    }

    /** The patient stops sharing the reflection: their therapist no longer gets it. */
    static void unshareTheReflection(ApiClient apiB, Page patient) {
        // the site's navigation steps aside during a call (issue 14): the patient leaves the room first
        patient.getByRole(AriaRole.BUTTON, exactly("Leave")).click();
        patient.getByRole(AriaRole.LINK, exactly("Your course")).click();
        Locator entry = patient.locator(".journal-entry").filter(new Locator.FilterOptions().setHasText(REFLECTION));
        entry.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName(Pattern.compile("^Stop sharing"))).click();
        assertThat(entry.getByText("Private", new Locator.GetByTextOptions().setExact(true))).isVisible();
        String therapistToken = apiB.accessToken("therapist@demo.hearth", "hearth-demo");
        ApiClient.Reply shared = apiB.get("/api/care/patients/" + PATIENT + "/journal", therapistToken);
        assertEquals(200, shared.status(), shared.body());
        assertFalse(shared.body().contains(REFLECTION), "unshared: " + shared.body());
    }

    /** Once the first preparation has begun (moved there in the store), the intake reads as locked. */
    static void intakeLocksWhenThePreparationBegins(String preparationId, Page patient) {
        Instant began = onMark(Instant.now().minus(Duration.ofMinutes(20)));
        try (Store store = Store.connect(nodeA.storeUri(), nodeA.databaseName())) {
            store.collection("appointments").updateOne(Filters.eq("_id", preparationId), Updates.combine(
                    Updates.set("start", Date.from(began)), Updates.set("end", Date.from(began.plus(Duration.ofHours(1))))));
        }
        patient.getByRole(AriaRole.LINK, exactly("Your course")).click();
        patient.getByRole(AriaRole.LINK, exactly("Review your intake answers")).click();
        assertThat(patient.getByText("Your intake can no longer be changed here.")).isVisible();
        assertThat(patient.locator("dl.answers")).containsText(INTAKE_GOAL);
        assertThat(patient.getByRole(AriaRole.BUTTON, exactly("Save your intake"))).hasCount(0);
        BrowserSupport.screenshot(patient, "course-8-intake-locked-phone");
    }

    /** A second patient, another therapist, the admin and another clinic see none of the content. */
    static void nobodyElseSeesTheContent(ApiClient apiA, ApiClient apiB, String admin) {
        String secondPatient = apiA.accessToken("patient2@demo.hearth", "hearth-demo");
        String otherTherapist = apiB.accessToken("therapist2@demo.hearth", "hearth-demo");
        String otherClinic = otherClinicTherapist(apiA);
        String base = "/api/care/patients/" + PATIENT;
        List<String> content = List.of("/intake", "/intentions", "/journal", "/measures", "/course", "/consents");
        List<String> seen = new ArrayList<>();
        for (String path : content) {
            for (Map.Entry<String, String> who : Map.of("second patient", secondPatient, "other therapist", otherTherapist,
                    "other clinic", otherClinic).entrySet()) {
                ApiClient.Reply reply = apiB.get(base + path, who.getValue());
                assertEquals(404, reply.status(), who.getKey() + " " + path + ": " + reply.body());
                assertEquals("patient-not-found", reply.problemType(), who.getKey() + " " + path);
                seen.add(reply.body());
            }
        }
        for (String path : List.of("/intake", "/intentions", "/journal")) {
            ApiClient.Reply reply = apiA.get(base + path, admin);
            assertEquals(403, reply.status(), "admin " + path + ": " + reply.body());
            assertEquals("clinical-content-not-allowed", reply.problemType(), "admin " + path);
            seen.add(reply.body());
        }
        for (String path : List.of("/course", "/measures")) {
            ApiClient.Reply reply = apiA.get(base + path, admin);
            assertEquals(200, reply.status(), "admin " + path + " (what is due): " + reply.body());
            seen.add(reply.body());
        }
        ApiClient.Reply adminMeasures = apiA.get(base + "/measures", admin);
        JsonArray responses = adminMeasures.json().getJsonArray("responses");
        assertTrue(responses == null || responses.isEmpty(), "no answers or scores for the admin: " + adminMeasures.body());
        for (String token : List.of(otherTherapist, otherClinic)) {
            ApiClient.Reply alerts = apiB.get("/api/care/alerts", token);
            assertEquals(200, alerts.status(), alerts.body());
            assertTrue(alerts.json().getJsonArray("items").isEmpty(), "nobody else's alerts: " + alerts.body());
            seen.add(alerts.body());
        }
        for (String body : seen) {
            for (String secret : List.of(INTENTION_1, INTENTION_3, INTAKE_GOAL, REFLECTION, "Sertraline")) {
                assertFalse(body.contains(secret), "no content leaks: " + secret + " in " + body);
            }
        }
    }
}
