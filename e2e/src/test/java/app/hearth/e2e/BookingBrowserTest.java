package app.hearth.e2e;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;

import app.hearth.gateway.testing.ApiClient;
import app.hearth.gateway.testing.OpenRoom;
import app.hearth.gateway.testing.TestNode;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.AriaRole;
import com.microsoft.playwright.options.SelectOption;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.temporal.TemporalAdjusters;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The booking issue's new-user story in a real Chromium: the admin records a dosing, books a
 * preparation before it and an integration after it, fills a circle until its waitlist starts,
 * frees a seat and sees the first waitlisted patient move in; the patient sees their appointments.
 */
@DisplayName("Booking a KAP course in the browser")
@org.junit.jupiter.api.extension.ExtendWith(BrowserSupport.ConsoleOnFailure.class)
class BookingBrowserTest {

    static TestNode node;
    static BrowserSupport browsers;

    @BeforeAll
    static void start() {
        node = TestNode.start();
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

    static Page.GetByLabelOptions exact() {
        return new Page.GetByLabelOptions().setExact(true);
    }

    /** Fills the booking form up to the open times and picks the one starting with {@code time}. */
    static void chooseSlot(Page page, String type, String patient, LocalDate date, String time) {
        page.getByLabel("Appointment type", exact()).selectOption(type);
        page.getByLabel("Therapist", exact()).selectOption(new SelectOption().setLabel("Dr. Maya Okafor"));
        if (patient != null) {
            page.getByLabel("Patient", exact()).selectOption(new SelectOption().setLabel(patient));
        }
        page.locator("#book-date").fill(date.toString());
        Locator slot = page.locator("button.slot", new Page.LocatorOptions().setHasText(time));
        assertThat(slot).isVisible();
        slot.click();
    }

    static void book(Page page, String expected) {
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Book").setExact(true)).click();
        assertThat(page.getByRole(AriaRole.STATUS).filter(new Locator.FilterOptions().setHasText("Booked: " + expected))).isVisible();
    }

    @Test
    @DisplayName("dosing, preparation, integration and a circle with a waitlist, booked by the admin and seen by the patient")
    void bookACourse() {
        ZoneId newYork = ZoneId.of("America/New_York");
        LocalDate monday = LocalDate.now(newYork).plusWeeks(1).with(TemporalAdjusters.next(DayOfWeek.MONDAY));
        try (BrowserContext context = browsers.newContext(1280, 900)) {
            Page admin = context.newPage();
            try {
                admin.navigate(node.baseUrl() + "/#/login");
                admin.getByLabel("Email").fill("admin@demo.hearth");
                admin.getByLabel("Password").fill("hearth-demo");
                admin.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Sign in")).click();
                admin.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("Calendar")).click();
                assertThat(admin.getByRole(AriaRole.HEADING, new Page.GetByRoleOptions().setName("Calendar"))).isVisible();

                // the dosing, in the clinic
                chooseSlot(admin, "dosing", "Jordan Lee", monday, "09:30");
                admin.getByLabel("Room in the clinic").fill("Treatment room 2");
                book(admin, "Dosing (in clinic)");

                // a preparation the Thursday before, linked to the dosing
                chooseSlot(admin, "preparation", "Jordan Lee", monday.minusDays(4), "10:00");
                Locator dosing = admin.getByLabel("Dosing it belongs to");
                assertThat(dosing.locator("option")).hasCount(2);
                dosing.selectOption(new SelectOption().setIndex(1));
                book(admin, "Preparation");

                // an integration the day after
                chooseSlot(admin, "integration", "Jordan Lee", monday.plusDays(1), "10:00");
                assertThat(dosing.locator("option")).hasCount(2);
                dosing.selectOption(new SelectOption().setIndex(1));
                book(admin, "Integration");

                // a circle of two seats on Wednesday, filled past capacity
                chooseSlot(admin, "circle", null, monday.plusDays(2), "02:00");
                admin.getByLabel("Seats", exact()).fill("2");
                book(admin, "Group circle");
                Locator details = admin.locator("#appointment-details");
                for (String patient : new String[] {"Jordan Lee", "Priya Shah", "Tomás García"}) {
                    admin.getByLabel("Patient to seat").selectOption(new SelectOption().setLabel(patient));
                    admin.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Add to circle")).click();
                    assertThat(details.getByText(patient + " — ")).isVisible();
                }
                assertThat(details.getByText("Tomás García — waitlisted")).isVisible();
                assertThat(details.getByRole(AriaRole.HEADING, new Locator.GetByRoleOptions().setName("Seats 2 of 2"))).isVisible();

                // one seat is freed: the first on the waitlist moves in
                admin.getByLabel("Free the place of Jordan Lee").click();
                assertThat(details.getByText("Tomás García — seated")).isVisible();
                BrowserSupport.screenshot(admin, "admin-calendar");
            } catch (RuntimeException | AssertionError e) {
                BrowserSupport.screenshot(admin, "failure-booking-admin");
                throw e;
            }
        }

        try (BrowserContext context = browsers.newContext(360, 780)) {
            Page patient = context.newPage();
            try {
                patient.navigate(node.baseUrl() + "/#/login");
                patient.getByLabel("Email").fill("patient1@demo.hearth");
                patient.getByLabel("Password").fill("hearth-demo");
                patient.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Sign in")).click();
                assertThat(patient.getByRole(AriaRole.HEADING, new Page.GetByRoleOptions().setName("Your upcoming appointments"))).isVisible();
                assertThat(patient.getByText("Clinic visit")).isVisible();
                assertThat(patient.getByText("Session with your care team")).hasCount(2);
                assertThat(patient.getByText("At the clinic: Treatment room 2")).isVisible();
                assertThat(patient.getByText("Times in America/New_York.")).isVisible();
                assertThat(patient.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Join")).first()).isDisabled();
                BrowserSupport.screenshot(patient, "patient-upcoming-phone");
            } catch (RuntimeException | AssertionError e) {
                BrowserSupport.screenshot(patient, "failure-booking-patient");
                throw e;
            }
        }
    }

    @Test
    @DisplayName("the admin edits a therapist's hours: a bad time zone is refused at its field, a good edit is saved")
    void editAvailability() {
        try (BrowserContext context = browsers.newContext(1280, 900)) {
            Page admin = context.newPage();
            admin.navigate(node.baseUrl() + "/#/login");
            admin.getByLabel("Email").fill("admin@demo.hearth");
            admin.getByLabel("Password").fill("hearth-demo");
            admin.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Sign in")).click();
            admin.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("Availability")).click();
            admin.getByLabel("Therapist", exact()).selectOption(new SelectOption().setLabel("Dr. Sam Rivera"));
            assertThat(admin.locator("ul[aria-label='Weekly hours'] li")).not().hasCount(0);

            // a Saturday morning is added, in a zone that does not exist
            admin.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Add hours")).click();
            Locator added = admin.locator("ul[aria-label='Weekly hours'] li").last();
            added.locator("select[name=day]").selectOption("SATURDAY");
            added.locator("input[name=start]").fill("10:00");
            added.locator("input[name=end]").fill("12:00");
            admin.getByLabel("Time zone (IANA, e.g. America/New_York)").fill("Mars/Olympus_Mons");
            admin.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Save availability")).click();
            assertThat(admin.getByRole(AriaRole.ALERT).getByText("Unknown time zone", new Locator.GetByTextOptions().setExact(true))).isVisible();
            assertThat(admin.getByLabel("Time zone (IANA, e.g. America/New_York)")).hasAttribute("aria-invalid", "true");

            // then fixed and saved; reopening shows the Saturday hours
            admin.getByLabel("Time zone (IANA, e.g. America/New_York)").fill("Europe/Berlin");
            admin.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Save availability")).click();
            assertThat(admin.getByText("Availability saved.", new Page.GetByTextOptions().setExact(false))).isVisible();
            admin.reload();
            admin.getByLabel("Therapist", exact()).selectOption(new SelectOption().setLabel("Dr. Sam Rivera"));
            assertThat(admin.locator("ul[aria-label='Weekly hours'] select[name=day] option[value=SATURDAY]:checked")).hasCount(1);
            BrowserSupport.screenshot(admin, "admin-availability");
        }
    }

    @Test
    @DisplayName("when the clinic lets patients book, a patient books a preparation from their therapist's open times")
    void patientBooksFromOpenTimes() {
        app.hearth.gateway.testing.ApiClient api = new app.hearth.gateway.testing.ApiClient(node.baseUrl());
        String adminToken = api.accessToken("admin@demo.hearth", "hearth-demo");
        io.vertx.core.json.JsonObject policy = api.get("/api/booking-policy", adminToken).json();
        api.put("/api/booking-policy", adminToken, policy.copy().put("patientsMayBook", true));
        try (BrowserContext context = browsers.newContext(420, 900)) {
            Page patient = context.newPage();
            patient.navigate(node.baseUrl() + "/#/login");
            patient.getByLabel("Email").fill("patient2@demo.hearth");
            patient.getByLabel("Password").fill("hearth-demo");
            patient.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Sign in")).click();
            Locator first = patient.locator("section[aria-labelledby=request-title] button.slot").first();
            assertThat(first).isVisible();
            first.click();
            assertThat(patient.getByText("Booked:", new Page.GetByTextOptions().setExact(false))).isVisible();
            BrowserSupport.screenshot(patient, "patient-books-phone");
        } finally {
            api.put("/api/booking-policy", adminToken, policy);
        }
    }

    @Test
    @DisplayName("the therapist's home shows today's session under Today, beside This week and Later, in their own zone")
    void therapistSeesToday() {
        ApiClient api = new ApiClient(node.baseUrl());
        String adminToken = api.accessToken("admin@demo.hearth", "hearth-demo");
        JsonObject hours = api.get("/api/therapists/demo-therapist-1/availability", adminToken).json();
        // a viewer (and Dr. Okafor's hours) in a zone where it is around noon: "today" has room whenever this runs
        String zone = OpenRoom.zoneNearNoon();
        try {
            OpenRoom.openAllDay(api, adminToken, "demo-therapist-1", zone);
            Instant start = Instant.ofEpochSecond((Instant.now().getEpochSecond() / 300 + 2) * 300);
            ApiClient.Reply booked = api.postJson("/api/appointments", adminToken, new JsonObject().put("type", "preparation")
                    .put("therapistIds", new JsonArray().add("demo-therapist-1")).put("patientId", "demo-patient-2")
                    .put("start", start.toString()));
            assertEquals(201, booked.status(), booked.body());

            try (BrowserContext context = browsers.newContext(1280, 900, zone)) {
                Page therapist = context.newPage();
                try {
                    therapist.navigate(node.baseUrl() + "/#/login");
                    therapist.getByLabel("Email").fill("therapist@demo.hearth");
                    therapist.getByLabel("Password").fill("hearth-demo");
                    therapist.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Sign in")).click();
                    assertThat(therapist.getByText("Times in " + zone + ".")).isVisible();
                    Locator today = therapist.getByRole(AriaRole.REGION, new Page.GetByRoleOptions().setName("Today").setExact(true));
                    assertThat(today.getByRole(AriaRole.HEADING, new Locator.GetByRoleOptions().setName("Today"))).isVisible();
                    String hhmm = start.atZone(ZoneId.of(zone)).format(DateTimeFormatter.ofPattern("hh:mm"));
                    Locator session = today.locator("li.card", new Locator.LocatorOptions().setHasText(Pattern.compile(hhmm)));
                    assertThat(session.getByText("Preparation")).isVisible();
                    assertThat(session.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Join"))).isEnabled();
                    assertThat(therapist.getByRole(AriaRole.HEADING, new Page.GetByRoleOptions().setName("This week"))).isVisible();
                    assertThat(therapist.getByRole(AriaRole.HEADING, new Page.GetByRoleOptions().setName("Later"))).isVisible();
                    BrowserSupport.screenshot(therapist, "therapist-today");
                } catch (RuntimeException | AssertionError e) {
                    BrowserSupport.screenshot(therapist, "failure-therapist-today");
                    throw e;
                }
            }
        } finally {
            api.put("/api/therapists/demo-therapist-1/availability", adminToken, hours);
        }
    }

    @Test
    @DisplayName("the admin edits the booking rules: a negative buffer is refused at its field and nothing is saved; a longer preparation is saved; a therapist may only read them")
    void editBookingRules() {
        ApiClient api = new ApiClient(node.baseUrl());
        String adminToken = api.accessToken("admin@demo.hearth", "hearth-demo");
        JsonObject policy = api.get("/api/booking-policy", adminToken).json();
        JsonObject preparationRules = policy.getJsonObject("types").getJsonObject("preparation");
        String duration = preparationRules.getInteger("durationMinutes").toString();
        String bufferAfter = preparationRules.getInteger("bufferAfterMinutes").toString();
        // other tests here book preparations at fixed times: the rules are put back whatever happens
        try (BrowserContext context = browsers.newContext(1280, 900)) {
            Page admin = context.newPage();
            try {
                admin.navigate(node.baseUrl() + "/#/login");
                admin.getByLabel("Email").fill("admin@demo.hearth");
                admin.getByLabel("Password").fill("hearth-demo");
                admin.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Sign in")).click();
                admin.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("Booking rules")).click();
                Locator preparation = admin.getByRole(AriaRole.GROUP, new Page.GetByRoleOptions().setName("Preparation").setExact(true));
                Locator length = preparation.getByLabel("Duration (minutes)");
                Locator after = preparation.getByLabel("Buffer after (minutes)");
                Locator save = admin.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Save booking rules"));
                assertThat(length).hasValue(duration);

                // a negative buffer beside a good change: the server names the buffer, and keeps the old rules
                length.fill("75");
                after.fill("-15");
                save.click();
                assertThat(after).hasAttribute("aria-invalid", "true");
                assertThat(admin.locator("#policy-preparation-after-error")).containsText("less than 0");
                assertThat(admin.getByRole(AriaRole.ALERT)).containsText("Preparation, Buffer after (minutes)");
                assertThat(after).isFocused();
                BrowserSupport.screenshot(admin, "admin-booking-rules-refused");
                assertEquals(policy, api.get("/api/booking-policy", adminToken).json(), "nothing was saved");

                // fixed and saved; a reload shows the longer preparation
                after.fill(bufferAfter);
                save.click();
                assertThat(admin.getByRole(AriaRole.STATUS).filter(new Locator.FilterOptions().setHasText("Booking rules saved."))).isVisible();
                assertThat(after).not().hasAttribute("aria-invalid", "true");
                admin.reload();
                assertThat(length).hasValue("75");
                assertThat(after).hasValue(bufferAfter);
                BrowserSupport.screenshot(admin, "admin-booking-rules");
            } catch (RuntimeException | AssertionError e) {
                BrowserSupport.screenshot(admin, "failure-booking-rules-admin");
                throw e;
            }
        } finally {
            api.put("/api/booking-policy", adminToken, policy);
        }
        assertEquals(policy, api.get("/api/booking-policy", adminToken).json(), "the rules were put back");

        // a therapist has no link to the page; opened directly, it shows the rules and says only admins change them
        try (BrowserContext context = browsers.newContext(420, 900)) {
            Page therapist = context.newPage();
            try {
                therapist.navigate(node.baseUrl() + "/#/policy");
                therapist.getByLabel("Email").fill("therapist@demo.hearth");
                therapist.getByLabel("Password").fill("hearth-demo");
                therapist.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Sign in")).click();
                assertThat(therapist.getByRole(AriaRole.HEADING, new Page.GetByRoleOptions().setName("Booking rules"))).isVisible();
                assertThat(therapist.getByText("Only clinic admins can change these rules.", new Page.GetByTextOptions().setExact(false))).isVisible();
                Locator length = therapist.getByRole(AriaRole.GROUP, new Page.GetByRoleOptions().setName("Preparation").setExact(true))
                        .getByLabel("Duration (minutes)");
                assertThat(length).hasValue(duration);
                assertThat(length).isDisabled();
                assertThat(therapist.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Save booking rules"))).hasCount(0);
                assertThat(therapist.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("Booking rules"))).hasCount(0);
                BrowserSupport.screenshot(therapist, "therapist-booking-rules-phone");
            } catch (RuntimeException | AssertionError e) {
                BrowserSupport.screenshot(therapist, "failure-booking-rules-therapist");
                throw e;
            }
        }
    }
}
