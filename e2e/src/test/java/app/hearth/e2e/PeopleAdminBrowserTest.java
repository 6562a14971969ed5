package app.hearth.e2e;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import app.hearth.gateway.testing.ApiClient;
import app.hearth.gateway.testing.TestNode;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.AriaRole;
import io.vertx.core.json.JsonObject;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * People over time in the browser (issue 14): the admin edits a patient and deactivates people who
 * have a page open; their session ends at once (their token stops working, an open socket closes,
 * the page goes to sign-in saying why).
 */
@DisplayName("People admin in the browser: edit, deactivate, and the deactivated person's session ends")
@org.junit.jupiter.api.extension.ExtendWith(BrowserSupport.ConsoleOnFailure.class)
class PeopleAdminBrowserTest {

    static TestNode node;
    static BrowserSupport browsers;
    static ApiClient api;

    @BeforeAll
    static void start() {
        node = TestNode.start();
        browsers = new BrowserSupport();
        api = new ApiClient(node.baseUrl());
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

    /** A person added through the API who has set their password. */
    static String addPerson(String role, String name, String email, String password) {
        String admin = api.accessToken("admin@demo.hearth", "hearth-demo");
        JsonObject body = new JsonObject().put("role", role).put("displayName", name).put("email", email);
        if (role.equals("patient")) {
            body.put("therapistId", "demo-therapist-1");
        }
        ApiClient.Reply created = api.postJson("/api/people", admin, body);
        assertEquals(201, created.status(), created.body());
        String url = created.json().getJsonObject("setPasswordLink").getString("url");
        String ticket = url.substring(url.indexOf("#/set-password/") + "#/set-password/".length());
        assertEquals(204, api.postJson("/api/auth/set-password", null,
                new JsonObject().put("ticket", ticket).put("password", password)).status());
        return created.json().getJsonObject("person").getString("id");
    }

    static void signIn(Page page, String email, String password) {
        BrowserSupport.signIn(page, node.baseUrl(), email, password);
    }

    /** Remembers the last access token a page sent, to try it after the session ended. */
    static AtomicReference<String> tokenOf(Page page) {
        AtomicReference<String> token = new AtomicReference<>();
        page.onRequest(request -> {
            String auth = request.headers().get("authorization");
            if (auth != null && auth.startsWith("Bearer ")) {
                token.set(auth.substring(7));
            }
        });
        return token;
    }

    static Locator button(Page page, String name) {
        return page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName(name).setExact(true));
    }

    @Test
    @DisplayName("the admin edits a patient (phone, a second therapist) and deactivates them while the patient's page is open: "
            + "the patient's token stops working and their next step lands on sign-in")
    void editAndDeactivatePatient() {
        addPerson("patient", "Eden Park", "eden.park@example.org", "eden park passphrase");
        try (BrowserContext patientContext = browsers.newContext(390, 844);
             BrowserContext adminContext = browsers.newContext(1280, 800)) {
            Page patient = patientContext.newPage();
            AtomicReference<String> patientToken = tokenOf(patient);
            signIn(patient, "eden.park@example.org", "eden park passphrase");
            assertThat(patient.getByRole(AriaRole.HEADING, new Page.GetByRoleOptions().setName("Your profile"))).isVisible();
            assertNotNull(patientToken.get());
            assertEquals(200, api.get("/api/me", patientToken.get()).status());

            Page admin = adminContext.newPage();
            try {
                signIn(admin, "admin@demo.hearth", "hearth-demo");
                assertThat(admin.getByRole(AriaRole.HEADING, new Page.GetByRoleOptions().setName("People").setExact(true))).isVisible();

                // the admin opens the patient's Edit form: focus on its heading
                button(admin, "Edit Eden Park").click();
                Locator form = admin.getByRole(AriaRole.REGION, new Page.GetByRoleOptions().setName("Edit Eden Park"));
                assertThat(admin.getByRole(AriaRole.HEADING, new Page.GetByRoleOptions().setName("Edit Eden Park"))).isFocused();
                form.getByLabel("Phone", new Locator.GetByLabelOptions().setExact(true)).fill("+1 555 0177");
                form.getByLabel("Dr. Sam Rivera").check();
                form.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Save changes")).click();

                // saved: the list shows both therapists, and focus is back on the person's Edit button
                Locator row = admin.locator("tr", new Page.LocatorOptions().setHasText("eden.park@example.org"));
                assertThat(row).containsText("Dr. Maya Okafor, Dr. Sam Rivera");
                assertThat(button(admin, "Edit Eden Park")).isFocused();
                BrowserSupport.screenshot(admin, "people-edited");

                // a double submit cannot corrupt: the form sent version 1, the record is at 2
                ApiClient.Reply stale = api.patch("/api/people/" + row.getAttribute("data-person-row"),
                        api.accessToken("admin@demo.hearth", "hearth-demo"), new JsonObject().put("version", 1).put("displayName", "Stale"));
                assertEquals(409, stale.status(), stale.body());

                // the admin deactivates the patient, confirming first
                button(admin, "Deactivate Eden Park").click();
                assertThat(admin.getByRole(AriaRole.HEADING, new Page.GetByRoleOptions().setName("Deactivate Eden Park?"))).isFocused();
                admin.getByRole(AriaRole.GROUP, new Page.GetByRoleOptions().setName("Deactivate Eden Park?"))
                        .getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Deactivate").setExact(true)).click();
                assertThat(row).containsText("Deactivated");
                assertThat(button(admin, "Reactivate Eden Park")).isFocused();
                BrowserSupport.screenshot(admin, "people-deactivated");
            } catch (RuntimeException | AssertionError e) {
                BrowserSupport.screenshot(admin, "failure-people-admin");
                throw e;
            }

            // the patient's token is refused at once, and their next step ends on sign-in, told why
            assertEquals(401, api.get("/api/me", patientToken.get()).status());
            patient.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("Your course").setExact(true)).click();
            assertThat(patient.getByRole(AriaRole.HEADING, new Page.GetByRoleOptions().setName("Sign in to Hearth"))).isVisible();
            assertThat(patient.getByText("Your session has ended")).isVisible();
            signIn(patient, "eden.park@example.org", "eden park passphrase");
            assertThat(patient.getByRole(AriaRole.ALERT)).containsText("deactivated");
        }
    }

    @Test
    @DisplayName("a deactivated therapist's open page: its live socket is closed by the server and the page goes to sign-in by itself")
    void deactivatedTherapistSocketCloses() {
        addPerson("therapist", "Dr. Lee Quinn", "lee.quinn@example.org", "lee quinn passphrase");
        try (BrowserContext therapistContext = browsers.newContext(1280, 800);
             BrowserContext adminContext = browsers.newContext(390, 844)) {
            Page therapist = therapistContext.newPage();
            AtomicBoolean socketOpen = new AtomicBoolean();
            AtomicBoolean socketClosed = new AtomicBoolean();
            therapist.onWebSocket(ws -> {
                socketOpen.set(true);
                ws.onClose(closed -> socketClosed.set(true));
            });
            signIn(therapist, "lee.quinn@example.org", "lee quinn passphrase");
            BrowserSupport.waitUntil(therapist, "the therapist's live socket", socketOpen::get, 15_000);

            Page admin = adminContext.newPage();
            signIn(admin, "admin@demo.hearth", "hearth-demo");
            button(admin, "Deactivate Dr. Lee Quinn").click();
            admin.getByRole(AriaRole.GROUP, new Page.GetByRoleOptions().setName("Deactivate Dr. Lee Quinn?"))
                    .getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Deactivate").setExact(true)).click();
            assertThat(button(admin, "Reactivate Dr. Lee Quinn")).isVisible();

            // the server closes the socket, and the page, with nothing clicked, says the session ended
            BrowserSupport.waitUntil(therapist, "the socket closed by the server", socketClosed::get, 15_000);
            assertThat(therapist.getByRole(AriaRole.HEADING, new Page.GetByRoleOptions().setName("Sign in to Hearth"))).isVisible();
            assertThat(therapist.getByText("Your session has ended")).isVisible();

            // the audit log, on a phone, says it in words: who deactivated whom, filtered by that person
            admin.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("Audit log")).click();
            assertThat(admin.getByRole(AriaRole.HEADING, new Page.GetByRoleOptions().setName("Audit log"))).isVisible();
            admin.getByLabel("Person", new Page.GetByLabelOptions().setExact(true)).selectOption(
                    new com.microsoft.playwright.options.SelectOption().setLabel("Dr. Lee Quinn (therapist, deactivated)"));
            admin.getByLabel("Action", new Page.GetByLabelOptions().setExact(true)).selectOption("person");
            button(admin, "Show entries").click();
            Locator entry = admin.locator("tbody tr", new Page.LocatorOptions().setHasText("Deactivated a person"));
            assertThat(entry).containsText("Alex Morgan");
            assertThat(entry).containsText("Dr. Lee Quinn");
            assertThat(entry).containsText("Done");
            assertThat(admin.locator("tbody tr", new Page.LocatorOptions().setHasText("Added a person"))).containsText("Dr. Lee Quinn");
            BrowserSupport.screenshot(admin, "audit-phone");

            // and at 320 px neither page scrolls sideways
            admin.setViewportSize(320, 700);
            assertNoSidewaysScroll(admin, "audit log");
            admin.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("People").setExact(true)).click();
            button(admin, "Edit Dr. Lee Quinn").click();
            assertNoSidewaysScroll(admin, "people");
            BrowserSupport.screenshot(admin, "people-320");
        }
    }

    static void assertNoSidewaysScroll(Page page, String what) {
        Object wide = page.evaluate("() => document.documentElement.scrollWidth");
        org.junit.jupiter.api.Assertions.assertTrue(((Number) wide).intValue() <= 320, what + " is " + wide + " px wide at 320");
    }
}
