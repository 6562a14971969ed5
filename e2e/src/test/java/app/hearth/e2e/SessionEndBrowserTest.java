package app.hearth.e2e;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;

import app.hearth.gateway.testing.ApiClient;
import app.hearth.gateway.testing.OpenRoom;
import app.hearth.gateway.testing.TestNode;
import app.hearth.platform.store.Store;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Dialog;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.AriaRole;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Updates;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Ending a session (issue 12) in real Chromium pages: the demo therapist and patient are in an
 * integration session; the therapist presses "End for everyone". The patient (on a phone) lands on
 * a calm page with next steps, not an error; the therapist lands on the session's note, writes it,
 * saves a draft, signs it (then it cannot be edited) and adds an addendum shown with its author.
 * Afterwards the session reads "Ended", with no Join, on both home pages.
 *
 * <p>The API sets up the appointments (a dosing moved into the past in the store, since nothing
 * books the past; the integration now; a preparation in two days as the next appointment).
 */
@DisplayName("Ending a session in the browser: end page, note, signed, addendum, Ended everywhere")
@org.junit.jupiter.api.extension.ExtendWith(BrowserSupport.ConsoleOnFailure.class)
class SessionEndBrowserTest {

    static final String THERAPIST = "demo-therapist-1";
    static final String THERAPIST_NAME = "Dr. Maya Okafor";
    static final String PATIENT = "demo-patient-1";
    static final String PATIENT_NAME = "Jordan Lee";
    static final String CAME_UP = "Grief for her father surfaced, then a sense of warmth.";
    static final String THEMES = "Permission to rest; less self-criticism.";
    static final String RISK = "No risk indicators; sleeping well.";
    static final String PLAN = "Daily breath practice for two weeks; journal after walks.";
    static final String ADDENDUM = "Patient called the next day: sleeping well, no concerns.";

    static TestNode node;
    static BrowserSupport browsers;

    @BeforeAll
    static void start() {
        node = TestNode.start(Map.of("HEARTH_LOGINS_PER_ADDRESS", "500"));
        browsers = new BrowserSupport();
        // a busy machine (other builds, a node, two browsers): every wait may take longer than the default 5 s
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

    static final Page.GetByLabelOptions EXACT = new Page.GetByLabelOptions().setExact(true);

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

    /** A dosing yesterday, an integration under way, a preparation in two days. Returns the integration's id. */
    static String bookIntegrationNow(ApiClient api, String admin) {
        OpenRoom.openAllDay(api, admin, THERAPIST);
        JsonArray therapist = new JsonArray().add(THERAPIST);
        String dosingId = book(api, admin, new JsonObject().put("type", "dosing").put("therapistIds", therapist).put("patientId", PATIENT)
                .put("mode", "in-clinic").put("location", "Treatment room 2")
                .put("start", onMark(Instant.now().plus(Duration.ofDays(3))).toString()));
        Instant dosingStart = onMark(Instant.now().minus(Duration.ofHours(26)));
        try (Store store = Store.connect(node.storeUri(), node.databaseName())) {
            store.collection("appointments").updateOne(Filters.eq("_id", dosingId), Updates.combine(
                    Updates.set("start", Date.from(dosingStart)), Updates.set("end", Date.from(dosingStart.plus(Duration.ofHours(3))))));
        }
        book(api, admin, new JsonObject().put("type", "preparation").put("therapistIds", therapist).put("patientId", PATIENT)
                .put("start", onMark(Instant.now().plus(Duration.ofDays(2))).toString()));
        String integrationId = book(api, admin, new JsonObject().put("type", "integration").put("therapistIds", therapist)
                .put("patientId", PATIENT).put("dosingAppointmentId", dosingId).put("start", onMark(Instant.now().plusSeconds(30)).toString()));
        // Begun a minute ago (bookings start on the next 5-minute mark): a session under way, whose note is due.
        Instant start = Instant.now().minusSeconds(60);
        try (Store store = Store.connect(node.storeUri(), node.databaseName())) {
            store.collection("appointments").updateOne(Filters.eq("_id", integrationId), Updates.combine(
                    Updates.set("start", Date.from(start)), Updates.set("end", Date.from(start.plus(Duration.ofHours(1))))));
        }
        return integrationId;
    }

    /** The appointment's card on a home page's list. */
    static Locator card(Page page, String appointmentId) {
        return page.locator("ul.upcoming li[data-appointment='" + appointmentId + "']");
    }

    @Test
    @DisplayName("End for everyone → the patient's end page with next steps, the therapist's note written, signed, locked, an addendum; Ended with no Join on both home pages")
    void endToNoteToEnded() {
        ApiClient api = new ApiClient(node.baseUrl());
        String admin = api.accessToken("admin@demo.hearth", "hearth-demo");
        String integrationId = bookIntegrationNow(api, admin);
        // the patient's aftercare plan has a daily breath practice from today (the clinic's date)
        String therapistApiToken = api.accessToken("therapist@demo.hearth", "hearth-demo");
        ApiClient.Reply plan = api.get("/api/care/patients/" + PATIENT + "/aftercare", therapistApiToken);
        assertEquals(200, plan.status(), plan.body());
        ApiClient.Reply assigned = api.postJson("/api/care/patients/" + PATIENT + "/aftercare/practices", therapistApiToken,
                new JsonObject().put("exerciseId", "starter-breath-awareness").put("schedule", new JsonObject().put("kind", "daily")
                        .put("startDate", plan.json().getString("today")).put("days", 14)));
        assertEquals(201, assigned.status(), assigned.body());
        String practiceTitle = assigned.json().getJsonObject("exercise").getString("title");

        try (BrowserContext therapistContext = browsers.newContext(1280, 900);
             BrowserContext patientContext = browsers.newContext(390, 844)) {
            Page therapist = therapistContext.newPage();
            Page patient = patientContext.newPage();
            // "End for everyone" and "Sign note" ask first; the therapist says yes
            therapist.onDialog(Dialog::accept);

            // given the therapist in the integration room
            BrowserSupport.signIn(therapist, node.baseUrl(), "therapist@demo.hearth", "hearth-demo");
            Locator therapistJoin = card(therapist, integrationId).getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Join"));
            assertThat(therapistJoin).isEnabled();
            therapistJoin.click();
            assertThat(therapist.getByRole(AriaRole.HEADING, exactly("In this session"))).isVisible(BrowserSupport.within(15));

            // and the patient, on a phone, checked in and admitted
            BrowserSupport.signIn(patient, node.baseUrl(), "patient1@demo.hearth", "hearth-demo");
            Locator patientJoin = card(patient, integrationId).getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Join"));
            assertThat(patientJoin).isEnabled();
            patientJoin.click();
            patient.getByLabel("Where are you right now? (address)", EXACT).fill("12 Harbour Lane, Portland");
            patient.getByLabel("I am in a private place and I am not driving").check();
            patient.getByRole(AriaRole.BUTTON, exactly("I’m ready: join the waiting room")).click();
            assertThat(patient.getByRole(AriaRole.HEADING, exactly("You’re in the waiting room"))).isVisible(BrowserSupport.within(15));
            therapist.getByRole(AriaRole.BUTTON, exactly("Admit " + PATIENT_NAME)).click();
            assertThat(patient.getByRole(AriaRole.HEADING, exactly("In this session"))).isVisible(BrowserSupport.within(15));

            // when the therapist ends the session for everyone
            therapist.getByRole(AriaRole.BUTTON, exactly("End for everyone")).click();

            // then the patient lands on a calm page with what comes next, not an error
            assertThat(patient).hasURL(Pattern.compile("#/after/" + integrationId + "$"), new com.microsoft.playwright.assertions.PageAssertions.HasURLOptions().setTimeout(15_000));
            assertThat(patient.getByRole(AriaRole.HEADING, exactly("Thank you for today"))).isVisible();
            assertThat(patient.getByText("Your integration session has ended.", new Page.GetByTextOptions().setExact(false))).isVisible();
            assertThat(patient.getByRole(AriaRole.ALERT)).hasCount(0);
            assertThat(patient.getByRole(AriaRole.HEADING, exactly("A reflection for your journal"))).isVisible();
            assertThat(patient.locator(".prompt")).containsText("What insights from your integration session");
            assertThat(patient.getByRole(AriaRole.LINK, exactly("Write in your journal"))).isVisible();
            Locator next = patient.locator("section[aria-labelledby='after-next-title']");
            assertThat(next).containsText("Preparation session");
            assertThat(patient.getByRole(AriaRole.HEADING, exactly("If you feel unsafe"))).isVisible();
            // today's practice from the aftercare plan, and the clinic's resources
            Locator practice = patient.locator(".today-practice li");
            assertThat(practice).containsText(practiceTitle);
            assertThat(practice).containsText("To do today");
            assertThat(patient.locator("ul.resources").getByRole(AriaRole.LINK, new Locator.GetByRoleOptions().setName("Rest after your dosing"))).isVisible();
            BrowserSupport.screenshot(patient, "end-1-after-phone");
            // "Write in your journal" opens the journal with the prompt, at its text box
            patient.getByRole(AriaRole.LINK, exactly("Write in your journal")).click();
            assertThat(patient.getByLabel("Your reflection on the prompt", EXACT)).isFocused();
            assertThat(patient.locator(".prompt")).containsText("What insights from your integration session");

            // and the therapist lands on the session's note, from its template
            assertThat(therapist).hasURL(Pattern.compile("#/notes/" + integrationId + "$"), new com.microsoft.playwright.assertions.PageAssertions.HasURLOptions().setTimeout(15_000));
            assertThat(therapist.getByRole(AriaRole.HEADING, exactly("Session note: Integration with " + PATIENT_NAME))).isVisible();
            assertThat(therapist.locator(".lead .badge")).hasText("Not written yet");

            // when they write it and save a draft
            therapist.getByLabel("What came up", EXACT).fill(CAME_UP);
            therapist.getByLabel("Themes and insights", EXACT).fill(THEMES);
            therapist.getByLabel("Risk and safety", EXACT).fill(RISK);
            therapist.getByRole(AriaRole.BUTTON, exactly("Save draft")).click();
            assertThat(therapist.getByText("Draft saved (version 1).")).isVisible();
            assertThat(therapist.locator(".lead .badge")).hasText("Draft");

            // and add the plan, then sign (asked to confirm; the change is saved with the signature)
            therapist.getByLabel("Integration plan and practices", EXACT).fill(PLAN);
            therapist.getByRole(AriaRole.BUTTON, exactly("Sign note")).click();

            // then the note is locked: signed by them, no field to edit, the text shown
            assertThat(therapist.locator(".lead .badge")).hasText("Signed");
            assertThat(therapist.locator(".signed-line")).containsText("Signed by " + THERAPIST_NAME);
            assertThat(therapist.locator("textarea[data-section]")).hasCount(0);
            assertThat(therapist.getByRole(AriaRole.BUTTON, exactly("Save draft"))).hasCount(0);
            Locator locked = therapist.locator(".note-locked");
            assertThat(locked).containsText(CAME_UP);
            assertThat(locked).containsText(PLAN);
            // (and the API refuses an edit, as the page says)
            ApiClient.Reply edit = api.put("/api/appointments/" + integrationId + "/note", therapistApiToken,
                    new JsonObject().put("sections", new JsonObject().put("plan", "changed")).put("version", 2));
            assertEquals(409, edit.status(), edit.body());

            // when they add an addendum, it is listed with its author
            therapist.getByLabel("Addendum", EXACT).fill(ADDENDUM);
            therapist.getByRole(AriaRole.BUTTON, exactly("Add addendum")).click();
            Locator addendum = therapist.locator("li.addendum").filter(new Locator.FilterOptions().setHasText(ADDENDUM));
            assertThat(addendum).isVisible();
            assertThat(addendum.locator(".addendum-author")).hasText(THERAPIST_NAME);
            BrowserSupport.screenshot(therapist, "end-2-note-signed");

            // and the patient's course page lists the note as signed, linking to it
            therapist.getByRole(AriaRole.LINK, exactly("Course of care of " + PATIENT_NAME)).first().click();
            Locator noteRow = therapist.locator(".notes-list li[data-appointment='" + integrationId + "']");
            assertThat(noteRow).containsText("Signed");
            assertThat(noteRow.getByRole(AriaRole.LINK)).hasAttribute("href", "#/notes/" + integrationId);

            // then the session reads Ended, with no Join, on both home pages
            therapist.getByRole(AriaRole.LINK, exactly("Your patients")).click();
            Locator therapistCard = card(therapist, integrationId);
            assertThat(therapistCard.locator(".badge.ended")).hasText("Ended");
            assertThat(therapistCard.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Join"))).hasCount(0);
            assertThat(therapistCard.getByRole(AriaRole.LINK, new Locator.GetByRoleOptions().setName("Session note"))).isVisible();

            patient.getByRole(AriaRole.LINK, exactly("Your profile")).click();
            Locator patientCard = card(patient, integrationId);
            assertThat(patientCard.locator(".badge.ended")).hasText("Ended");
            assertThat(patientCard.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Join"))).hasCount(0);
            BrowserSupport.screenshot(patient, "end-3-ended-phone");
        }
    }

    @Test
    @DisplayName("a circle's note: group sections and a part per attendee; another patient's therapist reads the group and only their own patient's part, and may add an addendum")
    void circleNoteParts() {
        ApiClient api = new ApiClient(node.baseUrl());
        String admin = api.accessToken("admin@demo.hearth", "hearth-demo");
        OpenRoom.openAllDay(api, admin, THERAPIST);
        // Dr. Okafor facilitates; Priya Shah is her patient, Tomás García is Dr. Rivera's
        String circleId = book(api, admin, new JsonObject().put("type", "circle").put("therapistIds", new JsonArray().add(THERAPIST))
                .put("capacity", 4).put("start", onMark(Instant.now().plus(Duration.ofDays(1))).toString()));
        for (String patientId : new String[] {"demo-patient-2", "demo-patient-3"}) {
            ApiClient.Reply seated = api.postJson("/api/appointments/" + circleId + "/seats", admin, new JsonObject().put("patientId", patientId));
            assertEquals(200, seated.status(), seated.body());
        }

        try (BrowserContext facilitatorContext = browsers.newContext(1280, 900);
             BrowserContext otherContext = browsers.newContext(1280, 900)) {
            Page facilitator = facilitatorContext.newPage();
            facilitator.onDialog(Dialog::accept);
            BrowserSupport.signIn(facilitator, node.baseUrl(), "therapist@demo.hearth", "hearth-demo");
            assertThat(facilitator.getByRole(AriaRole.HEADING, exactly("Your patients"))).isVisible();
            facilitator.navigate(node.baseUrl() + "/#/notes/" + circleId);
            assertThat(facilitator.getByRole(AriaRole.HEADING, exactly("Session note: Integration circle"))).isVisible();

            // when the facilitator writes the group sections and each attendee's part, and signs
            facilitator.getByLabel("Themes of the circle", EXACT).fill("Belonging; grief shared.");
            facilitator.getByLabel("Group process", EXACT).fill("Safe, warm; one quiet member.");
            Locator priya = facilitator.locator("fieldset.note-attendee").filter(new Locator.FilterOptions().setHasText("Priya Shah"));
            Locator tomas = facilitator.locator("fieldset.note-attendee").filter(new Locator.FilterOptions().setHasText("Tomás García"));
            priya.getByLabel("Participation", new Locator.GetByLabelOptions().setExact(true)).fill("Priya spoke about her mother.");
            tomas.getByLabel("Participation", new Locator.GetByLabelOptions().setExact(true)).fill("Tomás listened, shared at the end.");
            tomas.getByLabel("Follow-up", new Locator.GetByLabelOptions().setExact(true)).fill("Check his sleep.");
            facilitator.getByRole(AriaRole.BUTTON, exactly("Sign note")).click();
            assertThat(facilitator.locator(".lead .badge")).hasText("Signed");
            Locator locked = facilitator.locator(".note-locked");
            assertThat(locked).containsText("Priya spoke about her mother.");
            assertThat(locked).containsText("Tomás listened, shared at the end.");

            // then Dr. Rivera (Tomás's therapist, not facilitating) reads the group sections and Tomás's part only
            Page other = otherContext.newPage();
            BrowserSupport.signIn(other, node.baseUrl(), "therapist2@demo.hearth", "hearth-demo");
            assertThat(other.getByRole(AriaRole.HEADING, exactly("Your patients"))).isVisible();
            other.navigate(node.baseUrl() + "/#/notes/" + circleId);
            Locator seen = other.locator(".note-locked");
            assertThat(seen).containsText("Belonging; grief shared.");
            assertThat(seen).containsText("Tomás listened, shared at the end.");
            assertThat(seen).not().containsText("Priya");
            assertThat(other.locator("textarea[data-section]")).hasCount(0);
            // and may add an addendum, shown with their name
            other.getByLabel("Addendum", EXACT).fill("Tomás called: sleeping better.");
            other.getByRole(AriaRole.BUTTON, exactly("Add addendum")).click();
            assertThat(other.locator("li.addendum .addendum-author")).hasText("Dr. Sam Rivera");
            BrowserSupport.screenshot(other, "end-4-circle-note-other-therapist");
        }
    }
}
