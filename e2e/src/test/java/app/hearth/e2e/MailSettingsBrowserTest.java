package app.hearth.e2e;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;

import app.hearth.gateway.testing.ApiClient;
import app.hearth.gateway.testing.TestNode;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.AriaRole;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The email pages (issue 15, docs/adr/0029) on a 320 px phone: the admin changes the clinic's
 * reminder times and dosing instructions, a patient turns appointment reminders off; both as the
 * API then reads them.
 */
@DisplayName("Email settings and email preferences in the browser")
@org.junit.jupiter.api.extension.ExtendWith(BrowserSupport.ConsoleOnFailure.class)
class MailSettingsBrowserTest {

    static TestNode node;
    static BrowserSupport browsers;

    @BeforeAll
    static void start() {
        node = TestNode.start(Map.of());
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

    @Test
    @DisplayName("the admin adds a 2-day reminder, removes the 1 h one and rewrites the dosing instructions; a patient turns reminders off")
    void settingsAndPreferences() {
        ApiClient api = new ApiClient(node.baseUrl());
        String admin = api.accessToken("admin@demo.hearth", "hearth-demo");
        String patient = api.accessToken("patient1@demo.hearth", "hearth-demo");

        try (BrowserContext context = browsers.newContext(320, 800)) {
            Page page = context.newPage();
            BrowserSupport.signIn(page, node.baseUrl(), "admin@demo.hearth", "hearth-demo");
            assertThat(page.getByRole(AriaRole.HEADING, new Page.GetByRoleOptions().setName("People").setExact(true))).isVisible();
            page.navigate(node.baseUrl() + "/#/mail-settings");
            assertThat(page.getByRole(AriaRole.HEADING, new Page.GetByRoleOptions().setName("Email settings"))).isVisible();
            assertThat(page.getByLabel("Reminder 1: how long before")).hasValue("1");
            assertThat(page.getByLabel("Reminder 1: unit")).hasValue("days");
            assertThat(page.getByLabel("Reminder 2: how long before")).hasValue("1");
            assertThat(page.getByLabel("Reminder 2: unit")).hasValue("hours");

            // a reminder under 5 minutes: the server refuses it, and says so
            page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Add a reminder")).click();
            page.getByLabel("Reminder 3: how long before").fill("2");
            page.getByLabel("Reminder 3: unit").selectOption("minutes");
            page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Save mail settings")).click();
            assertThat(page.getByRole(AriaRole.ALERT)).containsText("less than 5");

            page.getByLabel("Reminder 3: how long before").fill("2");
            page.getByLabel("Reminder 3: unit").selectOption("days");
            page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Remove reminder 2")).click();
            page.getByLabel("What patients should prepare for a dosing").fill("Bring a friend who can drive you home.");
            page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Save mail settings")).click();
            assertThat(page.locator(".alert.ok")).containsText("Mail settings saved");
            assertThat(page.getByLabel("Reminder 1: how long before")).hasValue("2");
            assertThat(page.getByLabel("Reminder 1: unit")).hasValue("days");
        }
        JsonObject saved = api.get("/api/mail-settings", admin).json();
        assertEquals(new JsonArray().add(2880).add(1440), saved.getJsonArray("reminderOffsetsMinutes"));
        assertEquals("Bring a friend who can drive you home.", saved.getString("dosingInstructions"));

        try (BrowserContext context = browsers.newContext(320, 800)) {
            Page page = context.newPage();
            BrowserSupport.signIn(page, node.baseUrl(), "patient1@demo.hearth", "hearth-demo");
            page.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("Email preferences")).first().click();
            assertThat(page.getByRole(AriaRole.HEADING, new Page.GetByRoleOptions().setName("Email preferences"))).isVisible();
            assertThat(page.getByLabel("Appointment reminders")).isChecked();
            assertThat(page.getByLabel("Questionnaire reminders")).isChecked();
            page.getByLabel("Appointment reminders").uncheck();
            page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Save email preferences")).click();
            assertThat(page.locator(".alert.ok")).containsText("Email preferences saved");
            page.reload();
            assertThat(page.getByLabel("Appointment reminders")).not().isChecked();
        }
        JsonObject prefs = api.get("/api/me/mail-preferences", patient).json();
        assertEquals(false, prefs.getBoolean("reminder"));
        assertEquals(true, prefs.getBoolean("measure-due"));
    }
}
