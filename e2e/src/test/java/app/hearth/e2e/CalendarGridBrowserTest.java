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
import com.microsoft.playwright.options.SelectOption;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The admin's calendar as a time grid (issue 14): it opens on today with the current time, switches
 * between week and day, and books by a click on a free time of the chosen therapist. The viewer and
 * Dr. Okafor's hours are in a zone where it is around noon, so today has free times whenever this runs.
 */
@DisplayName("The calendar's week and day grid")
@org.junit.jupiter.api.extension.ExtendWith(BrowserSupport.ConsoleOnFailure.class)
class CalendarGridBrowserTest {

    static final DateTimeFormatter SPOKEN = DateTimeFormatter.ofPattern("EEEE d MMM HH:mm", Locale.ENGLISH);

    static TestNode node;
    static BrowserSupport browsers;
    static ApiClient api;
    static String admin;
    static String zone;

    @BeforeAll
    static void start() {
        node = TestNode.start();
        browsers = new BrowserSupport();
        api = new ApiClient(node.baseUrl());
        admin = api.accessToken("admin@demo.hearth", "hearth-demo");
        zone = OpenRoom.zoneNearNoon();
        OpenRoom.openAllDay(api, admin, "demo-therapist-1", zone);
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

    /** Dr. Okafor's free preparation times from a while from now to the end of today in {@code zone}. */
    static JsonArray freeToday(Duration after) {
        Instant from = Instant.now().plus(after);
        Instant endOfDay = ZonedDateTime.now(ZoneId.of(zone)).toLocalDate().plusDays(1).atStartOfDay(ZoneId.of(zone)).toInstant();
        ApiClient.Reply slots = api.get("/api/therapists/demo-therapist-1/slots?type=preparation&from=" + from + "&to=" + endOfDay, admin);
        assertEquals(200, slots.status(), slots.body());
        JsonArray items = slots.json().getJsonArray("items");
        assertFalse(items.isEmpty(), "free times today: " + slots.body());
        return items;
    }

    /** Whether the current-time line is inside the grid's visible part (the grid scrolls on its own). */
    static boolean nowLineInView(Page page) {
        return (Boolean) page.evaluate("() => { const w = document.querySelector('.cal-grid-wrap').getBoundingClientRect();"
                + " const n = document.querySelector('.cal-now').getBoundingClientRect(); return n.top >= w.top && n.bottom <= w.bottom; }");
    }

    static void openCalendar(Page page) {
        BrowserSupport.signIn(page, node.baseUrl(), "admin@demo.hearth", "hearth-demo");
        page.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("Calendar")).click();
        assertThat(page.getByRole(AriaRole.HEADING, new Page.GetByRoleOptions().setName("Calendar"))).isVisible();
    }

    @Test
    @DisplayName("opens on today with the time marker; week and day; a click on a free time books it and it appears in the grid")
    void bookFromTheGrid() {
        // something already on today's grid, for another patient
        Instant booked = Instant.parse(freeToday(Duration.ofMinutes(30)).getString(0));
        assertEquals(201, api.postJson("/api/appointments", admin, new JsonObject().put("type", "preparation")
                .put("therapistIds", new JsonArray().add("demo-therapist-1")).put("patientId", "demo-patient-2")
                .put("start", booked.toString())).status());

        try (BrowserContext context = browsers.newContext(1280, 800, zone)) {
            Page page = context.newPage();
            try {
                openCalendar(page);
                Locator today = page.locator("section.cal-day.today");
                assertThat(today).hasCount(1);
                assertThat(today.locator("h3[aria-current=date]")).containsText("Today");
                assertThat(today.locator(".cal-now")).isVisible();
                assertTrue(nowLineInView(page), "the grid opens scrolled to the current time");
                assertEquals(1L, ((Number) page.evaluate("new Set([...document.querySelectorAll('.cal-day-body, .cal-gutter-body')]"
                        + ".map((b) => Math.round(b.getBoundingClientRect().top))).size")).longValue(), "the hours line up across the days and the gutter");
                assertThat(page.locator("section.cal-day")).hasCount(7);
                assertThat(page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Week").setExact(true)))
                        .hasAttribute("aria-pressed", "true");
                String priya = "Priya Shah with Dr. Maya Okafor";
                assertThat(today.locator("button.cal-appt", new Locator.LocatorOptions().setHasText("Priya Shah"))).isVisible();
                assertThat(today.locator("button.cal-appt").first()).hasAttribute("aria-label", Pattern.compile(priya.replace(".", "\\.")));

                page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Day").setExact(true)).click();
                assertThat(page.locator("section.cal-day")).hasCount(1);
                assertThat(page.locator("section.cal-day.today .cal-now")).isVisible();
                page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Next").setExact(true)).click();
                assertThat(page.locator("section.cal-day.today")).hasCount(0);
                page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Today").setExact(true)).click();
                assertThat(page.locator("section.cal-day.today")).hasCount(1);
                page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Week").setExact(true)).click();
                assertThat(page.locator("section.cal-day")).hasCount(7);

                // free times appear for one therapist, named in full
                page.getByLabel("Show").selectOption(new SelectOption().setLabel("Dr. Maya Okafor"));
                JsonArray free = freeToday(Duration.ofMinutes(90));
                Instant chosen = Instant.parse(free.getString(free.size() / 2));
                String name = "Book " + chosen.atZone(ZoneId.of(zone)).format(SPOKEN) + " with Dr. Maya Okafor";
                Locator slot = page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName(name).setExact(true));
                assertThat(slot).hasCount(1);

                // the grid is one tab stop walked with the arrow keys
                slot.focus();
                slot.press("ArrowDown");
                String next = (String) page.evaluate("document.activeElement.getAttribute('aria-label')");
                assertTrue(next != null && !next.equals(name), "ArrowDown moved on: " + next);
                page.keyboard().press("ArrowUp");
                assertEquals(name, page.evaluate("document.activeElement.getAttribute('aria-label')"));

                page.keyboard().press("Enter");
                assertThat(page.locator("#book-therapist")).hasValue("demo-therapist-1");
                assertThat(page.locator("#book-type")).hasValue("preparation");
                assertThat(page.locator("#book-patient")).isFocused();
                assertThat(page.locator("button.slot[aria-pressed=true]")).hasCount(1);
                page.getByLabel("Patient", new Page.GetByLabelOptions().setExact(true)).selectOption(new SelectOption().setLabel("Jordan Lee"));
                page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Book").setExact(true)).click();
                assertThat(page.getByRole(AriaRole.STATUS).filter(new Locator.FilterOptions().setHasText("Booked: Preparation"))).isVisible();

                Locator appointment = page.locator("section.cal-day.today button.cal-appt", new Page.LocatorOptions().setHasText("Jordan Lee"));
                assertThat(appointment).isVisible();
                assertThat(appointment).hasAttribute("aria-label", Pattern.compile("Jordan Lee with Dr\\. Maya Okafor"));
                appointment.scrollIntoViewIfNeeded();
                assertThat(slot).hasCount(0);
                BrowserSupport.screenshot(page, "calendar-week");
            } catch (RuntimeException | AssertionError e) {
                BrowserSupport.screenshot(page, "failure-calendar-week");
                throw e;
            }
        }
    }

    @Test
    @DisplayName("at 390 px the calendar shows today as one day, without sideways scrolling, and a free time opens the form")
    void dayViewOnAPhone() {
        try (BrowserContext context = browsers.newContext(390, 844, zone)) {
            Page page = context.newPage();
            try {
                openCalendar(page);
                assertThat(page.locator("section.cal-day")).hasCount(1);
                assertThat(page.locator("section.cal-day.today .cal-now")).isVisible();
                assertThat(page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Week").setExact(true))).isHidden();
                page.getByLabel("Show").selectOption(new SelectOption().setLabel("Dr. Maya Okafor"));
                Locator slot = page.locator("section.cal-day.today button.cal-slot").first();
                assertThat(slot).isVisible();
                Object wide = page.evaluate("document.documentElement.scrollWidth > document.documentElement.clientWidth");
                assertEquals(Boolean.FALSE, wide, "no sideways scrolling at 390 px");
                slot.click();
                assertThat(page.locator("#book-patient")).isFocused();
                assertThat(page.locator("button.slot[aria-pressed=true]")).hasCount(1);
                BrowserSupport.screenshot(page, "calendar-day-phone");
            } catch (RuntimeException | AssertionError e) {
                BrowserSupport.screenshot(page, "failure-calendar-day-phone");
                throw e;
            }
        }
    }
}
