package app.hearth.e2e;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import app.hearth.gateway.testing.ApiClient;
import app.hearth.gateway.testing.TestNode;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.AriaRole;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The admin's "Course of care" settings page (issue 11) in Chromium on one node: crisis resources
 * and follow-up weeks are saved and survive a reload, a bad follow-up week is refused at its field
 * with nothing saved, a new telehealth consent version is published (and falls due for the
 * patient again), and a therapist cannot open the page.
 */
@DisplayName("The course of care settings page in the browser")
@org.junit.jupiter.api.extension.ExtendWith(BrowserSupport.ConsoleOnFailure.class)
class CareSettingsBrowserTest {

    static final String PATIENT = "demo-patient-1";

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

    static Page.GetByRoleOptions named(String name) {
        return new Page.GetByRoleOptions().setName(name).setExact(true);
    }

    static Locator.GetByLabelOptions exactIn() {
        return new Locator.GetByLabelOptions().setExact(true);
    }

    JsonObject settings(ApiClient api, String token) {
        ApiClient.Reply reply = api.get("/api/care/settings", token);
        assertEquals(200, reply.status(), reply.body());
        return reply.json();
    }

    @Test
    @DisplayName("the admin edits crisis resources and follow-up weeks, is refused a bad week, publishes telehealth v2; a therapist is sent home")
    void adminEditsCareSettings() {
        ApiClient api = new ApiClient(node.baseUrl());
        String admin = api.accessToken("admin@demo.hearth", "hearth-demo");
        String patient = api.accessToken("patient1@demo.hearth", "hearth-demo");
        // the patient has accepted the current telehealth consent, so nothing about it is due
        JsonArray texts = api.get("/api/care/consents", admin).json().getJsonArray("items");
        JsonObject telehealth = texts.stream().map(JsonObject.class::cast).filter(t -> "telehealth".equals(t.getString("kind"))).findFirst().orElseThrow();
        assertEquals(1, telehealth.getInteger("version"));
        ApiClient.Reply accepted = api.postJson("/api/care/patients/" + PATIENT + "/consents", patient,
                new JsonObject().put("kind", "telehealth").put("version", 1));
        assertTrue(accepted.status() == 201 || accepted.status() == 200, accepted.body());

        try (BrowserContext adminContext = browsers.newContext(1200, 900)) {
            Page page = adminContext.newPage();
            BrowserSupport.signIn(page, node.baseUrl(), "admin@demo.hearth", "hearth-demo");
            page.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("Course of care").setExact(true)).click();
            assertThat(page.getByRole(AriaRole.HEADING, named("Course of care"))).isVisible();

            // when the admin renames the first crisis resource, adds a second one and sets the follow-up weeks
            Locator rows = page.locator("fieldset.crisis-resource");
            assertThat(rows.first()).isVisible();
            int before = rows.count();
            Locator first = page.getByRole(AriaRole.GROUP, named("Resource 1"));
            first.getByLabel("Name", exactIn()).fill("Clinic on-call line");
            first.getByLabel("Contact", exactIn()).fill("Call +1 555 0100");
            page.getByRole(AriaRole.BUTTON, named("Add a crisis resource")).click();
            assertThat(rows).hasCount(before + 1);
            Locator added = page.getByRole(AriaRole.GROUP, named("Resource " + (before + 1)));
            assertThat(added.getByLabel("Name", exactIn())).isFocused();
            added.getByLabel("Name", exactIn()).fill("Warm line");
            added.getByLabel("Contact", exactIn()).fill("Text HOME to 741741");
            added.getByLabel("Description (optional)", exactIn()).fill("Trained volunteers, around the clock");
            Locator weeks = page.getByLabel("Follow-up weeks after the last dosing");
            weeks.fill("10, 2, 6");
            page.getByRole(AriaRole.BUTTON, named("Save course of care settings")).click();
            assertThat(page.getByRole(AriaRole.STATUS).filter(new Locator.FilterOptions().setHasText("Course of care settings saved."))).isVisible();

            // then after a reload the page shows them (sorted weeks), and so does the API
            page.reload();
            assertThat(page.getByRole(AriaRole.HEADING, named("Course of care"))).isVisible();
            assertThat(weeks).hasValue("2, 6, 10");
            assertThat(rows).hasCount(before + 1);
            assertThat(page.getByRole(AriaRole.GROUP, named("Resource 1")).getByLabel("Name", exactIn())).hasValue("Clinic on-call line");
            Locator second = page.getByRole(AriaRole.GROUP, named("Resource " + (before + 1)));
            assertThat(second.getByLabel("Name", exactIn())).hasValue("Warm line");
            assertThat(second.getByLabel("Contact", exactIn())).hasValue("Text HOME to 741741");
            assertThat(second.getByLabel("Description (optional)", exactIn())).hasValue("Trained volunteers, around the clock");
            JsonObject saved = settings(api, admin);
            assertEquals(new JsonArray().add(2).add(6).add(10), saved.getJsonObject("cadence").getJsonArray("followUpWeeks"));
            assertEquals(before + 1, saved.getJsonArray("crisisResources").size());

            // when a follow-up week is not a whole week: refused in the page, at the field
            weeks.fill("4, soon");
            page.getByRole(AriaRole.BUTTON, named("Save course of care settings")).click();
            assertThat(weeks).hasAttribute("aria-invalid", "true");
            assertThat(page.locator("#care-follow-up-weeks-error")).isVisible();
            assertThat(weeks).isFocused();

            // when it is out of range (200 weeks): the server's problem is shown at the field, nothing saved
            weeks.fill("4, 200");
            page.getByRole(AriaRole.BUTTON, named("Save course of care settings")).click();
            assertThat(page.getByRole(AriaRole.ALERT).filter(new Locator.FilterOptions().setHasText("1 to 104"))).isVisible();
            assertThat(weeks).hasAttribute("aria-invalid", "true");
            assertThat(page.locator("#care-follow-up-weeks-error")).containsText("1 to 104");
            assertEquals(new JsonArray().add(2).add(6).add(10), settings(api, admin).getJsonObject("cadence").getJsonArray("followUpWeeks"));

            // when a PHQ-9 threshold is above the questionnaire's highest total (27): refused at that field
            weeks.fill("2, 6, 10");
            Locator phq9 = page.getByLabel("PHQ-9 total (0–27)");
            phq9.fill("30");
            page.getByRole(AriaRole.BUTTON, named("Save course of care settings")).click();
            assertThat(phq9).hasAttribute("aria-invalid", "true");
            assertThat(phq9).isFocused();
            assertThat(weeks).not().hasAttribute("aria-invalid", "true");
            assertTrue(settings(api, admin).getJsonObject("thresholds").getValue("phq9Total") == null
                    || settings(api, admin).getJsonObject("thresholds").getInteger("phq9Total") != 30);

            // when the admin publishes telehealth consent version 2
            Locator card = page.getByRole(AriaRole.REGION, new Page.GetByRoleOptions().setName("Telehealth consent"));
            assertThat(card).containsText("Version 1");
            assertThat(card).containsText("asked to read and accept the new version again");
            card.getByLabel("Title", exactIn()).fill("Telehealth consent (2027)");
            card.getByLabel("Text", exactIn()).fill("Sessions by video are not recorded.\n\nIf the call drops, your therapist calls you back.");
            card.getByRole(AriaRole.BUTTON).filter(new Locator.FilterOptions().setHasText("Publish")).click();
            assertThat(card.getByRole(AriaRole.STATUS)).containsText("Version 2 published");
            assertThat(card).containsText("Version 2");
            assertThat(card).containsText("Telehealth consent (2027)");
            assertThat(card).containsText("If the call drops, your therapist calls you back.");
        }

        // then the patient owes the telehealth consent again, version 2
        ApiClient.Reply consents = api.get("/api/care/patients/" + PATIENT + "/consents", admin);
        assertEquals(200, consents.status(), consents.body());
        boolean due = consents.json().getJsonArray("due").stream().map(JsonObject.class::cast)
                .anyMatch(d -> "telehealth".equals(d.getString("kind")) && d.getInteger("version") == 2);
        assertTrue(due, consents.body());

        // and a therapist who opens the page is sent to their home, with no nav item for it
        try (BrowserContext therapistContext = browsers.newContext(1200, 900)) {
            Page page = therapistContext.newPage();
            BrowserSupport.signIn(page, node.baseUrl(), "therapist@demo.hearth", "hearth-demo");
            page.navigate(node.baseUrl() + "/#/care-settings");
            assertThat(page).hasURL(Pattern.compile("#/therapist$"));
            assertThat(page.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("Course of care").setExact(true))).hasCount(0);
            assertThat(page.getByRole(AriaRole.BUTTON, named("Save course of care settings"))).hasCount(0);
        }
    }
}
