package app.hearth.e2e;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTrue;

import app.hearth.gateway.testing.TestNode;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.AriaRole;
import com.microsoft.playwright.options.SelectOption;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The foundation's new-user story, in a real Chromium against a real node. */
@DisplayName("Onboarding in the browser")
@org.junit.jupiter.api.extension.ExtendWith(BrowserSupport.ConsoleOnFailure.class)
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
                // given the demo admin, signed in on the People page
                signIn(admin, "admin@demo.hearth", "hearth-demo");
                assertThat(admin.getByRole(AriaRole.HEADING, new Page.GetByRoleOptions().setName("People").setExact(true))).isVisible();

                // when they fill in a patient with a therapist and an emergency contact, but an email already in use
                admin.getByLabel("Role", exact()).selectOption("patient");
                admin.getByLabel("Full name").fill("Noor Haddad");
                Locator email = admin.getByLabel("Email", exact());
                email.fill("patient1@demo.hearth");
                admin.getByLabel("Phone", exact()).fill("+1 555 0142");
                admin.getByLabel("Therapist", exact()).selectOption(new SelectOption().setLabel("Dr. Maya Okafor"));
                admin.getByLabel("Emergency contact name").fill("Sami Haddad");
                admin.getByLabel("Emergency contact phone").fill("+1 555 0143");
                admin.getByLabel("Relationship").fill("brother");
                admin.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Add person")).click();

                // then the server's problem is shown and the Email field, and only it, is marked
                assertThat(admin.getByRole(AriaRole.ALERT)).containsText("That email already belongs to someone");
                assertThat(email).hasAttribute("aria-invalid", "true");
                assertThat(admin.getByLabel("Phone", exact())).not().hasAttribute("aria-invalid", "true");

                // when they correct the email and add the patient
                email.fill("noor.haddad@example.org");
                admin.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Add person")).click();

                // then the one-time link is shown, the error is gone, and the patient is listed as invited
                Locator linkField = admin.getByLabel("Set-password link", exact());
                assertThat(linkField).isVisible();
                link = linkField.inputValue();
                assertTrue(link.startsWith(node.baseUrl() + "/#/set-password/"), link);
                assertThat(admin.getByRole(AriaRole.ALERT)).hasCount(0);
                assertThat(email).not().hasAttribute("aria-invalid", "true");
                assertThat(admin.getByRole(AriaRole.CELL, new Page.GetByRoleOptions().setName("Noor Haddad").setExact(true))).isVisible();
                BrowserSupport.screenshot(admin, "admin-people");

                // when they open the audit log
                admin.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("Audit log")).click();

                // then it lists the creation
                assertThat(admin.getByRole(AriaRole.HEADING, new Page.GetByRoleOptions().setName("Audit log"))).isVisible();
                assertThat(admin.getByRole(AriaRole.CELL, new Page.GetByRoleOptions().setName("Added a person").setExact(true)).first()).isVisible();
                BrowserSupport.screenshot(admin, "admin-audit");
            } catch (RuntimeException | AssertionError e) {
                BrowserSupport.screenshot(admin, "failure-admin");
                throw e;
            }
        }

        // a fresh browser profile for the patient (no shared session), on a phone-sized screen
        try (BrowserContext patientContext = browsers.newContext(360, 780)) {
            Page patient = patientContext.newPage();
            try {
                // given the link the admin handed over
                patient.navigate(link);
                assertThat(patient.getByRole(AriaRole.HEADING, new Page.GetByRoleOptions().setName("Set your password"))).isVisible();

                // when the patient chooses a password
                patient.getByLabel("New password").fill("quiet river morning light");
                patient.getByLabel("Confirm password").fill("quiet river morning light");
                patient.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Set password")).click();

                // then it is set and they are offered to sign in
                assertThat(patient.getByRole(AriaRole.HEADING, new Page.GetByRoleOptions().setName("Your password is set"))).isVisible();
                assertThat(patient.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("Sign in"))).isVisible();

                // when the same link is used a second time (opened again, as from the message it came in)
                patient.navigate("about:blank");
                patient.navigate(link);
                patient.getByLabel("New password").fill("another password entirely");
                patient.getByLabel("Confirm password").fill("another password entirely");
                patient.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Set password")).click();

                // then it is refused: the link works once only
                assertThat(patient.getByRole(AriaRole.ALERT)).containsText("already used");

                // when the patient signs in with the password they set
                patient.navigate(node.baseUrl() + "/#/login");
                signIn(patient, "noor.haddad@example.org", "quiet river morning light");

                // then they see their own profile: their name, and the emergency contact the admin entered
                assertThat(patient.getByRole(AriaRole.HEADING, new Page.GetByRoleOptions().setName("Your profile"))).isVisible();
                Locator details = patient.getByRole(AriaRole.REGION, new Page.GetByRoleOptions().setName("Your details"));
                assertThat(details).containsText("Noor Haddad");
                assertThat(details).containsText("noor.haddad@example.org");
                assertThat(details).containsText("Sami Haddad, +1 555 0143 (brother)");
                assertThat(patient.getByRole(AriaRole.BANNER)).containsText("Noor Haddad");
                Object scrollWidth = patient.evaluate("document.documentElement.scrollWidth");
                assertTrue(((Number) scrollWidth).intValue() <= 360, "no horizontal scrolling on a phone: " + scrollWidth);
                BrowserSupport.screenshot(patient, "patient-profile-phone");

                // when they sign out, then they are back on the sign-in page
                patient.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Sign out")).click();
                assertThat(patient.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Sign in"))).isVisible();
                assertThat(patient.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Sign out"))).hasCount(0);
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

    private static Page.GetByLabelOptions exact() {
        return new Page.GetByLabelOptions().setExact(true);
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
