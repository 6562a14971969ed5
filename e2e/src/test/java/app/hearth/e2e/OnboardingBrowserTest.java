package app.hearth.e2e;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTrue;

import app.hearth.gateway.testing.TestNode;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.AriaRole;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The foundation's new-user story, in a real Chromium against a real node. */
@DisplayName("Onboarding in the browser")
class OnboardingBrowserTest {

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

    @Test
    @DisplayName("the admin adds a patient; the patient sets a password through the link, signs in and sees their profile")
    void adminAddsPatientWhoSignsIn() {
        String link;
        try (BrowserContext adminContext = browsers.newContext(1200, 900)) {
            Page admin = adminContext.newPage();
            try {
                // given the demo admin signed in
                signIn(admin, "admin@demo.hearth", "hearth-demo");
                assertThat(admin.getByRole(AriaRole.HEADING, new Page.GetByRoleOptions().setName("People").setExact(true))).isVisible();

                // when they add a patient with a therapist and an emergency contact
                admin.getByLabel("Role", new Page.GetByLabelOptions().setExact(true)).selectOption("patient");
                admin.getByLabel("Full name").fill("Noor Haddad");
                admin.getByLabel("Email", new Page.GetByLabelOptions().setExact(true)).fill("noor.haddad@example.org");
                admin.getByLabel("Phone", new Page.GetByLabelOptions().setExact(true)).fill("+1 555 0142");
                admin.getByLabel("Therapist", new Page.GetByLabelOptions().setExact(true)).selectOption(new com.microsoft.playwright.options.SelectOption().setLabel("Dr. Maya Okafor"));
                admin.getByLabel("Emergency contact name").fill("Sami Haddad");
                admin.getByLabel("Emergency contact phone").fill("+1 555 0143");
                admin.getByLabel("Relationship").fill("brother");
                admin.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Add person")).click();

                // then the one-time link is shown and the patient is listed as invited
                Locator linkField = admin.getByLabel("Set-password link", new Page.GetByLabelOptions().setExact(true));
                assertThat(linkField).isVisible();
                link = linkField.inputValue();
                assertTrue(link.startsWith(node.baseUrl() + "/#/set-password/"), link);
                assertThat(admin.getByRole(AriaRole.CELL, new Page.GetByRoleOptions().setName("Noor Haddad").setExact(true))).isVisible();
                BrowserSupport.screenshot(admin, "admin-people");

                // and the audit log records the creation
                admin.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("Audit log")).click();
                assertThat(admin.getByRole(AriaRole.HEADING, new Page.GetByRoleOptions().setName("Audit log"))).isVisible();
                assertThat(admin.getByRole(AriaRole.CELL, new Page.GetByRoleOptions().setName("person.create").setExact(true)).first()).isVisible();
                BrowserSupport.screenshot(admin, "admin-audit");
            } catch (RuntimeException | AssertionError e) {
                BrowserSupport.screenshot(admin, "failure-admin");
                throw e;
            }
        }

        // a fresh browser profile for the patient, opening the link the admin handed over
        String linkOnThisNode = link;
        try (BrowserContext patientContext = browsers.newContext(360, 780)) {
            Page patient = patientContext.newPage();
            try {
                patient.navigate(linkOnThisNode);
                assertThat(patient.getByRole(AriaRole.HEADING, new Page.GetByRoleOptions().setName("Set your password"))).isVisible();
                patient.getByLabel("New password").fill("quiet river morning light");
                patient.getByLabel("Confirm password").fill("quiet river morning light");
                patient.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Set password")).click();
                assertThat(patient.getByText("Your password is set")).isVisible();

                // the link works once only (opened again, as from the message it came in)
                patient.navigate("about:blank");
                patient.navigate(linkOnThisNode);
                patient.getByLabel("New password").fill("another password entirely");
                patient.getByLabel("Confirm password").fill("another password entirely");
                patient.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Set password")).click();
                assertThat(patient.getByRole(AriaRole.ALERT)).containsText("already used");

                // the patient signs in on a phone-sized screen and sees their own profile
                patient.navigate(node.baseUrl() + "/#/login");
                signIn(patient, "noor.haddad@example.org", "quiet river morning light");
                assertThat(patient.getByRole(AriaRole.HEADING, new Page.GetByRoleOptions().setName("Your profile"))).isVisible();
                assertThat(patient.getByText("Noor Haddad").first()).isVisible();
                assertThat(patient.getByText("Sami Haddad, +1 555 0143 (brother)")).isVisible();
                Object scrollWidth = patient.evaluate("document.documentElement.scrollWidth");
                assertTrue(((Number) scrollWidth).intValue() <= 360, "no horizontal scrolling on a phone: " + scrollWidth);
                BrowserSupport.screenshot(patient, "patient-profile-phone");

                // and signing out returns to the sign-in page
                patient.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Sign out")).click();
                assertThat(patient.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Sign in"))).isVisible();
            } catch (RuntimeException | AssertionError e) {
                BrowserSupport.screenshot(patient, "failure-patient");
                throw e;
            }
        }
    }

    @Test
    @DisplayName("a wrong password shows a clear error, and a therapist sees only their own patients")
    void wrongPasswordAndTherapistPage() {
        try (BrowserContext context = browsers.newContext(1200, 900)) {
            Page page = context.newPage();
            try {
                signIn(page, "therapist@demo.hearth", "not the password");
                assertThat(page.getByRole(AriaRole.ALERT)).containsText("Email or password is wrong");

                page.getByLabel("Password").fill("hearth-demo");
                page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Sign in")).click();
                assertThat(page.getByRole(AriaRole.HEADING, new Page.GetByRoleOptions().setName("Your patients"))).isVisible();
                assertThat(page.getByRole(AriaRole.CELL, new Page.GetByRoleOptions().setName("Jordan Lee").setExact(true))).isVisible();
                assertThat(page.getByRole(AriaRole.CELL, new Page.GetByRoleOptions().setName("Priya Shah").setExact(true))).isVisible();
                assertThat(page.getByText("Tomás García")).hasCount(0);
                BrowserSupport.screenshot(page, "therapist-patients");

                // a reload keeps the session (refresh token in this tab's sessionStorage)
                page.reload();
                assertThat(page.getByRole(AriaRole.HEADING, new Page.GetByRoleOptions().setName("Your patients"))).isVisible();
            } catch (RuntimeException | AssertionError e) {
                BrowserSupport.screenshot(page, "failure-therapist");
                throw e;
            }
        }
    }

    private void signIn(Page page, String email, String password) {
        if (!page.url().startsWith(node.baseUrl())) {
            page.navigate(node.baseUrl() + "/#/login");
        }
        page.getByLabel("Email").fill(email);
        page.getByLabel("Password").fill(password);
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Sign in")).click();
    }
}
