package app.hearth.e2e;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;

import app.hearth.gateway.testing.ApiClient;
import app.hearth.gateway.testing.TestNode;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.AriaRole;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The embedded default's mail (issue 15): the admin reads the invitation the node really sent. */
@DisplayName("The development mail page in the browser")
@org.junit.jupiter.api.extension.ExtendWith(BrowserSupport.ConsoleOnFailure.class)
class MailPageBrowserTest {

    static TestNode node;
    static BrowserSupport browsers;

    @BeforeAll
    static void start() {
        node = TestNode.start(Map.of("HEARTH_MAIL_POLL_INTERVAL", "PT0.2S"));
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
    @DisplayName("after adding a patient, #/dev/mail lists the invitation; opening it shows the text with the set-password link")
    void adminReadsTheInvitation() {
        ApiClient api = new ApiClient(node.baseUrl());
        String admin = api.accessToken("admin@demo.hearth", "hearth-demo");
        ApiClient.Reply created = api.postJson("/api/people", admin, new JsonObject().put("role", "patient")
                .put("displayName", "Ilse Marrow").put("email", "ilse.marrow@example.org"));
        assertEquals(201, created.status(), created.body());
        String link = created.json().getJsonObject("setPasswordLink").getString("url");

        try (BrowserContext context = browsers.newContext(1200, 900)) {
            Page page = context.newPage();
            BrowserSupport.signIn(page, node.baseUrl(), "admin@demo.hearth", "hearth-demo");
            assertThat(page.getByRole(AriaRole.HEADING, new Page.GetByRoleOptions().setName("People").setExact(true))).isVisible();
            page.navigate(node.baseUrl() + "/#/dev/mail");
            assertThat(page.getByRole(AriaRole.HEADING, new Page.GetByRoleOptions().setName("Sent mail (development)"))).isVisible();
            Locator invitation = page.locator("summary", new Page.LocatorOptions().setHasText("to ilse.marrow@example.org"));
            BrowserSupport.waitUntil(page, "the invitation listed", () -> {
                if (invitation.count() > 0) {
                    return true;
                }
                page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Refresh")).click();
                return false;
            }, 20_000);
            assertThat(invitation).containsText("Your invitation to Hearth");
            invitation.click();
            assertThat(page.locator("details[open] pre")).containsText(link);
        }
    }
}
