package app.hearth.e2e;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import app.hearth.gateway.testing.ApiClient;
import app.hearth.gateway.testing.OpenRoom;
import app.hearth.gateway.testing.TestNode;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.AriaRole;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * A patient changes their own sessions (issue 14): reschedules to a free time of their therapist and
 * cancels, both before the clinic's cutoff; past it the card says until when changes were possible,
 * and a refusal from the server is shown; and they copy their calendar-feed link.
 */
@DisplayName("Patients cancel, reschedule and subscribe on their own")
@org.junit.jupiter.api.extension.ExtendWith(BrowserSupport.ConsoleOnFailure.class)
class PatientSelfServiceBrowserTest {

    static TestNode node;
    static BrowserSupport browsers;
    static ApiClient api;
    static String admin;
    static String zone;
    static JsonObject policy;

    @BeforeAll
    static void start() {
        node = TestNode.start();
        browsers = new BrowserSupport();
        api = new ApiClient(node.baseUrl());
        admin = api.accessToken("admin@demo.hearth", "hearth-demo");
        zone = OpenRoom.zoneNearNoon();
        OpenRoom.openAllDay(api, admin, "demo-therapist-1", zone);
        policy = api.get("/api/booking-policy", admin).json().put("patientsMayBook", true).put("patientCancellationCutoffHours", 24);
        assertEquals(200, api.put("/api/booking-policy", admin, policy).status());
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

    static String book(Duration from) {
        Instant start = Instant.now().plus(from);
        JsonArray free = api.get("/api/therapists/demo-therapist-1/slots?type=preparation&from=" + start + "&to="
                + start.plus(Duration.ofHours(6)), admin).json().getJsonArray("items");
        ApiClient.Reply booked = api.postJson("/api/appointments", admin, new JsonObject().put("type", "preparation")
                .put("therapistIds", new JsonArray().add("demo-therapist-1")).put("patientId", "demo-patient-1")
                .put("start", free.getString(0)));
        assertEquals(201, booked.status(), booked.body());
        return booked.json().getString("id");
    }

    static String status(String id) {
        return api.get("/api/appointments/" + id, admin).json().getString("status");
    }

    static void cutoffHours(int hours) {
        assertEquals(200, api.put("/api/booking-policy", admin, policy.copy().put("patientCancellationCutoffHours", hours)).status());
    }

    @Test
    @DisplayName("on a phone: past the cutoff the card says so; reschedule to a free time; a late cancel is refused with the reason; then cancelled")
    void rescheduleAndCancel() {
        String soon = book(Duration.ofHours(3));
        String later = book(Duration.ofDays(3));
        try (BrowserContext context = browsers.newContext(390, 844, zone)) {
            Page page = context.newPage();
            try {
                BrowserSupport.signIn(page, node.baseUrl(), "patient1@demo.hearth", "hearth-demo");
                assertThat(page.getByRole(AriaRole.HEADING, new Page.GetByRoleOptions().setName("Your upcoming appointments"))).isVisible();

                // within 24 hours of the start: no buttons, the cutoff and what to do instead
                Locator soonCard = page.locator("li.card[data-appointment='" + soon + "']");
                assertThat(soonCard.getByText("Preparation session with Dr. Maya Okafor")).isVisible();
                assertThat(soonCard.getByText(Pattern.compile("Too late to change online: changes close 24 hours before the start, at .+\\. Please call your clinic"))).isVisible();
                assertThat(soonCard.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName(Pattern.compile("^Cancel")))).hasCount(0);

                // reschedule: a free time of Dr. Okafor, focus on the choice, then the outcome
                Locator card = page.locator("li.card[data-appointment='" + later + "']");
                assertThat(card.getByText("Preparation session with Dr. Maya Okafor")).isVisible();
                card.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName(Pattern.compile("^Reschedule the preparation session on "))).click();
                assertThat(card.getByText(Pattern.compile("^Move your preparation session on .+ to another free time of Dr. Maya Okafor:"))).isFocused();
                Locator slot = card.locator("button.slot").nth(3);
                String newTime = slot.textContent();
                slot.click();
                assertThat(slot).hasAttribute("aria-pressed", "true");
                card.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Move to this time")).click();
                assertThat(page.locator("section[aria-labelledby=upcoming-title] .alert.ok")).hasText("Moved: your preparation session is now on " + newTime + ".");
                assertThat(page.locator("#upcoming-title")).isFocused();
                assertThat(card).hasCount(0);
                assertEquals("cancelled", status(later));
                String movedId = page.locator("li.card").filter(new Locator.FilterOptions().setHas(
                        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName(Pattern.compile("^Cancel the preparation session on "))))).getAttribute("data-appointment");
                assertFalse(movedId == null || movedId.equals(later));

                // the clinic moves its cutoff meanwhile: the server refuses, and the card says why
                cutoffHours(720);
                Locator movedCard = page.locator("li.card[data-appointment='" + movedId + "']");
                Locator cancel = movedCard.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName(Pattern.compile("^Cancel the preparation session on ")));
                cancel.click();
                Locator yes = movedCard.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Yes, cancel it"));
                assertThat(yes).isFocused();
                movedCard.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Keep it")).click();
                assertThat(cancel).isFocused();
                cancel.click();
                yes.click();
                assertThat(movedCard.getByRole(AriaRole.ALERT)).containsText("Cancel at least 720 hours ahead; please call your clinic");
                assertEquals("booked", status(movedId));

                // back within the rules: cancelled, with a confirmation first
                cutoffHours(24);
                page.reload();
                movedCard.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName(Pattern.compile("^Cancel the preparation session on "))).click();
                assertThat(movedCard.getByText(Pattern.compile("^Cancel your preparation session on "))).isVisible();
                movedCard.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Yes, cancel it")).click();
                assertThat(page.locator("section[aria-labelledby=upcoming-title] .alert.ok")).containsText("is cancelled");
                assertThat(page.locator("#upcoming-title")).isFocused();
                assertThat(movedCard).hasCount(0);
                assertEquals("cancelled", status(movedId));
                BrowserSupport.screenshot(page, "patient-self-service-phone");
            } catch (RuntimeException | AssertionError e) {
                BrowserSupport.screenshot(page, "failure-patient-self-service");
                throw e;
            } finally {
                cutoffHours(24);
            }
        }
    }

    @Test
    @DisplayName("the patient copies their calendar-feed link, and stopping it makes the link fail")
    void copyTheFeedLink() {
        try (BrowserContext context = browsers.newContext(1280, 800, zone)) {
            context.grantPermissions(List.of("clipboard-read", "clipboard-write"), new BrowserContext.GrantPermissionsOptions().setOrigin(node.baseUrl()));
            Page page = context.newPage();
            try {
                BrowserSupport.signIn(page, node.baseUrl(), "patient1@demo.hearth", "hearth-demo");
                Locator feed = page.getByRole(AriaRole.REGION, new Page.GetByRoleOptions().setName("Calendar feed"));
                feed.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Get a calendar link")).click();
                Locator url = feed.getByLabel("Your calendar link");
                assertThat(url).hasValue(Pattern.compile("^" + (node.baseUrl() + "/api/calendar-feeds/").replace(".", "\\.") + "[A-Za-z0-9_-]{43}$"));
                assertThat(url).hasAttribute("readonly", "");
                Locator copy = feed.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Copy link"));
                assertThat(copy).isFocused();
                copy.click();
                assertThat(feed.getByRole(AriaRole.STATUS)).containsText("Link copied");
                String link = url.inputValue();
                assertEquals(link, page.evaluate("navigator.clipboard.readText()"));
                assertEquals(200, api.get(link.substring(node.baseUrl().length()), null).status());

                feed.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Stop the link")).click();
                assertThat(feed.getByRole(AriaRole.STATUS)).containsText("The link is stopped");
                assertEquals(404, api.get(link.substring(node.baseUrl().length()), null).status());
            } catch (RuntimeException | AssertionError e) {
                BrowserSupport.screenshot(page, "failure-patient-feed");
                throw e;
            }
        }
    }
}
