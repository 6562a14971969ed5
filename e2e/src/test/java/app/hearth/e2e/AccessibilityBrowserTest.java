package app.hearth.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import app.hearth.gateway.testing.ApiClient;
import app.hearth.gateway.testing.OpenRoom;
import app.hearth.gateway.testing.TestNode;
import app.hearth.platform.store.Store;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.PlaywrightException;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Updates;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Every view of the web client, as each demo role sees it, checked by axe-core against WCAG 2.2 AA
 * (tags wcag2a, wcag2aa, wcag21a, wcag21aa, wcag22aa) at 1280×800, and for reflow at 320×640 (WCAG
 * 1.4.10: no sideways scroll, no focusable control cut off). Parameterised routes get real ids from
 * the API: a patient's course, a due questionnaire, a resource, a library item, a session's note
 * and end page, a practice, the room's safety gate and waiting room (patient) and the room with a
 * patient waiting (therapist), a set-password link. The login page is checked signed out.
 *
 * <p>One node, one Chromium, one context per role; the walk runs once and each test reports every
 * finding it saw (route, rule, impact, target selectors), not just the first. A route added to
 * {@code js/app.js} without a visit here fails {@link #everyRouteIsVisited()}.
 */
@DisplayName("Accessibility: axe-core WCAG 2.2 AA and 320 px reflow over every view")
@org.junit.jupiter.api.extension.ExtendWith(BrowserSupport.ConsoleOnFailure.class)
class AccessibilityBrowserTest {

    static final String THERAPIST = "demo-therapist-1";
    static final String PATIENT = "demo-patient-1";
    static final String PASSWORD = "hearth-demo";
    static final String LIBRARY_ITEM = "starter-breath-awareness";

    static TestNode node;
    static BrowserSupport browsers;
    static ApiClient api;

    /** What the walk found, by check: each line names the route and role first. */
    static final List<String> AXE = new ArrayList<>();
    static final List<String> REFLOW = new ArrayList<>();
    /** Routes the walk could not reach or that never finished loading (these fail both checks). */
    static final List<String> UNCHECKED = new ArrayList<>();
    static final Set<String> VISITED = new LinkedHashSet<>();

    @BeforeAll
    static void start() {
        node = TestNode.start(Map.of("HEARTH_LOGINS_PER_ADDRESS", "500"));
        browsers = new BrowserSupport();
        api = new ApiClient(node.baseUrl());
        walk();
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
    @DisplayName("axe-core finds no WCAG 2.2 AA violation on any view, for any role")
    void noAxeViolations() {
        assertTrue(AXE.isEmpty() && UNCHECKED.isEmpty(), report("axe-core WCAG 2.2 AA violations", AXE));
    }

    @Test
    @DisplayName("at 320×640 no page scrolls sideways and no control is cut off")
    void everyPageReflowsAt320() {
        assertTrue(REFLOW.isEmpty() && UNCHECKED.isEmpty(), report("reflow problems at 320×640", REFLOW));
    }

    @Test
    @DisplayName("every route in js/app.js is visited by this test")
    void everyRouteIsVisited() throws IOException {
        List<String> missing = new ArrayList<>();
        for (Pattern route : appRoutes()) {
            if (VISITED.stream().noneMatch(hash -> route.matcher(hash).matches())) {
                missing.add(route.pattern());
            }
        }
        assertTrue(missing.isEmpty(), "routes of js/app.js this test never visits (add a visit): " + missing + "\nvisited: " + VISITED);
    }

    static String report(String what, List<String> findings) {
        StringBuilder out = new StringBuilder();
        out.append(findings.size()).append(' ').append(what).append(':');
        findings.forEach(f -> out.append("\n  ").append(f));
        if (!UNCHECKED.isEmpty()) {
            out.append("\nroutes not checked:");
            UNCHECKED.forEach(f -> out.append("\n  ").append(f));
        }
        return out.toString();
    }

    /** The route patterns of js/app.js (from the web-client jar on the classpath), in Java's syntax. */
    static List<Pattern> appRoutes() throws IOException {
        String source;
        try (InputStream in = AccessibilityBrowserTest.class.getClassLoader().getResourceAsStream("webroot/js/app.js")) {
            assertTrue(in != null, "webroot/js/app.js is not on the test classpath");
            source = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        List<Pattern> routes = new ArrayList<>();
        Matcher m = Pattern.compile("pattern: /(.+?)/,").matcher(source);
        while (m.find()) {
            routes.add(Pattern.compile(m.group(1)));
        }
        // the two the router matches by hand
        routes.add(Pattern.compile("^#/login$"));
        routes.add(Pattern.compile("^#/set-password/[A-Za-z0-9_-]+$"));
        assertTrue(routes.size() > 20, "found only " + routes.size() + " routes in app.js");
        return routes;
    }

    // ---- the walk ----------------------------------------------------------------------------------

    static void walk() {
        long began = System.nanoTime();
        String admin = api.accessToken("admin@demo.hearth", PASSWORD);
        String therapistToken = api.accessToken("therapist@demo.hearth", PASSWORD);
        String patientToken = api.accessToken("patient1@demo.hearth", PASSWORD);
        Ids ids = ids(admin, therapistToken, patientToken);

        try (BrowserContext signedOut = browsers.newContext(1280, 800);
             BrowserContext adminContext = browsers.newContext(1280, 800);
             BrowserContext therapistContext = browsers.newContext(1280, 800);
             BrowserContext patientContext = browsers.newContext(1280, 800)) {
            Page page = signedOut.newPage();
            page.navigate(node.baseUrl() + "/#/login");
            check(page, "signed out", "#/login");
            page.navigate(node.baseUrl() + "/#/set-password/" + ids.setPasswordTicket);
            check(page, "signed out", "#/set-password/" + ids.setPasswordTicket);
            reflowCheckSeesProblems(page);
            axeCheckSeesProblems(page);

            Page a = signedIn(adminContext, "admin@demo.hearth");
            for (String hash : List.of("#/admin/people", "#/admin/audit", "#/admin/calendar", "#/availability", "#/lobby", "#/policy",
                    "#/care-settings", "#/patients/" + PATIENT, "#/library", "#/library/" + LIBRARY_ITEM, "#/resources",
                    "#/resources/" + ids.resource, "#/dev/mail", "#/mail-settings", "#/settings/email")) {
                visit(a, "admin", hash);
            }

            Page p = signedIn(patientContext, "patient1@demo.hearth");
            for (String hash : List.of("#/patient", "#/course", "#/intake", "#/consents", "#/measures/" + ids.measure, "#/aftercare",
                    "#/practice/" + ids.practice, "#/resources/" + ids.resource, "#/policy", "#/after/" + ids.appointment,
                    "#/settings/email")) {
                visit(p, "patient", hash);
            }

            Page t = signedIn(therapistContext, "therapist@demo.hearth");
            for (String hash : List.of("#/therapist", "#/availability", "#/lobby", "#/policy", "#/patients/" + PATIENT,
                    "#/notes/" + ids.appointment, "#/library", "#/library/new/script", "#/library/new/playlist",
                    "#/library/" + LIBRARY_ITEM, "#/resources", "#/resources/" + ids.resource, "#/settings/email")) {
                visit(t, "therapist", hash);
            }

            // The room: the patient's safety gate, then their waiting room; the therapist with them waiting.
            String room = "#/room/" + ids.roomId;
            visit(p, "patient (safety gate)", room + "/" + OpenRoom.joinTicket(api, ids.appointment, patientToken));
            if (passGate(p)) {
                check(p, "patient (waiting room)", room);
            }
            visit(t, "therapist (patient waiting)", room + "/" + OpenRoom.joinTicket(api, ids.appointment, therapistToken),
                    "/Admit/.test(document.getElementById('main').textContent)", "the waiting patient with an Admit button");
            // leave the room before the node stops
            t.navigate(node.baseUrl() + "/#/therapist");
            p.navigate(node.baseUrl() + "/#/patient");
        }
        System.out.printf("phases (s): settle %.1f, axe 1280 %.1f, reflow %.1f, axe 320 %.1f, screenshot %.1f%n", PHASES[0] / 1e9, PHASES[1] / 1e9,
                PHASES[2] / 1e9, PHASES[3] / 1e9, PHASES[4] / 1e9);
        System.out.printf("AccessibilityBrowserTest: %d routes checked in %d s (axe at 1280 and 320 px, reflow at 320 px)%n",
                VISITED.size(), (System.nanoTime() - began) / 1_000_000_000L);
    }

    record Ids(String appointment, String roomId, String measure, String resource, String practice, String setPasswordTicket) {
    }

    /**
     * Real ids for the parameterised routes: a preparation between the demo therapist and patient
     * that began a minute ago (its room is open, its note is due), a due questionnaire, a resource,
     * a practice of the patient's aftercare plan, and a fresh person's set-password ticket.
     */
    static Ids ids(String admin, String therapistToken, String patientToken) {
        String[] booked = OpenRoom.bookNow(api, admin, THERAPIST, PATIENT);
        Instant start = Instant.now().minusSeconds(60);
        try (Store store = Store.connect(node.storeUri(), node.databaseName())) {
            store.collection("appointments").updateOne(Filters.eq("_id", booked[0]), Updates.combine(
                    Updates.set("start", Date.from(start)), Updates.set("end", Date.from(start.plus(Duration.ofHours(1))))));
        }

        ApiClient.Reply measures = api.get("/api/care/patients/" + PATIENT + "/measures", patientToken);
        assertEquals(200, measures.status(), measures.body());
        JsonArray due = measures.json().getJsonArray("due");
        // the questions when one is due (baseline, on a fresh demo), else the page saying nothing is due
        String measure = due.isEmpty() ? "phq9/baseline"
                : due.getJsonObject(0).getString("instrument") + "/" + due.getJsonObject(0).getString("occasion");

        ApiClient.Reply resources = api.get("/api/care/resources", patientToken);
        assertEquals(200, resources.status(), resources.body());
        String resource = resources.json().getJsonArray("items").getJsonObject(0).getString("id");

        ApiClient.Reply plan = api.get("/api/care/patients/" + PATIENT + "/aftercare", therapistToken);
        assertEquals(200, plan.status(), plan.body());
        ApiClient.Reply assigned = api.postJson("/api/care/patients/" + PATIENT + "/aftercare/practices", therapistToken,
                new JsonObject().put("exerciseId", LIBRARY_ITEM).put("schedule", new JsonObject().put("kind", "daily")
                        .put("startDate", plan.json().getString("today")).put("days", 14)));
        assertEquals(201, assigned.status(), assigned.body());

        ApiClient.Reply person = api.postJson("/api/people", admin, new JsonObject().put("role", "patient")
                .put("displayName", "Ari Quinn").put("email", "ari.quinn." + System.nanoTime() + "@example.org")
                .put("therapistId", THERAPIST).put("emergencyContact", new JsonObject().put("name", "Bo Quinn")
                        .put("phone", "+1 555 0199").put("relationship", "partner")));
        assertEquals(201, person.status(), person.body());
        String url = person.json().getJsonObject("setPasswordLink").getString("url");
        return new Ids(booked[0], booked[1], measure, resource, assigned.json().getString("id"),
                url.substring(url.lastIndexOf('/') + 1));
    }

    static Page signedIn(BrowserContext context, String email) {
        Page page = context.newPage();
        BrowserSupport.signIn(page, node.baseUrl(), email, PASSWORD);
        page.waitForFunction("() => !document.getElementById('nav').hidden", null, new Page.WaitForFunctionOptions().setTimeout(20_000));
        return page;
    }

    /** Opens a route in the signed-in page (a hash change, no reload) and checks it. */
    static void visit(Page page, String role, String hash) {
        visit(page, role, hash, "true", null);
    }

    /** As {@link #visit(Page, String, String)}, once {@code ready} (a JS expression) holds too. */
    static void visit(Page page, String role, String hash, String ready, String awaited) {
        // empty the page first, so the wait below cannot see the previous view
        page.evaluate("() => document.getElementById('main').replaceChildren()");
        if (page.url().endsWith(hash)) {
            page.reload(); // the page a person lands on after signing in: no hash change to route on
        } else {
            page.navigate(node.baseUrl() + "/" + hash);
        }
        check(page, role, hash, ready, awaited);
    }

    static void check(Page page, String role, String hash) {
        check(page, role, hash, "true", null);
    }

    /**
     * Waits for the view to settle (an h1, no loading line, every video playing, and {@code ready}),
     * then runs axe at 1280×800, the reflow check at 320×640 and axe again there; a screenshot at 320
     * px is saved for a route with a finding (and for one that did not settle).
     */
    static void check(Page page, String role, String hash, String ready, String awaited) {
        String where = hash.replaceAll("/[A-Za-z0-9_-]{20,}", "/…") + " (" + role + ")";
        VISITED.add(hash);
        long t0 = System.nanoTime();
        try {
            page.waitForFunction("() => { const m = document.getElementById('main');"
                    + " return m.querySelector('h1') && !m.querySelector('.loading')"
                    + " && [...m.querySelectorAll('video')].every((v) => !v.srcObject || v.readyState >= 2) && (" + ready + "); }", null,
                    new Page.WaitForFunctionOptions().setTimeout(20_000));
        } catch (PlaywrightException e) {
            BrowserSupport.screenshot(page, "a11y-unsettled-" + where.replaceAll("[^a-z0-9]+", "-"));
            UNCHECKED.add(where + ": the view did not settle in 20 s (an h1, no loading line, videos playing"
                    + (awaited == null ? "" : ", " + awaited) + ")");
            return;
        }
        long t1 = System.nanoTime();
        List<String> wide = BrowserSupport.axeViolations(page);
        long t2 = System.nanoTime();
        page.setViewportSize(320, 640);
        // two frames: the new width laid out
        page.evaluate("() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)))");
        List<String> reflow = BrowserSupport.reflowProblems(page);
        long t3 = System.nanoTime();
        // the phone layout is other markup in places (stacked tables, wrapped controls): axe again, new findings only
        List<String> narrow = BrowserSupport.axeViolations(page);
        long t4 = System.nanoTime();
        wide.forEach(v -> AXE.add(where + "  " + v));
        reflow.forEach(v -> REFLOW.add(where + "  " + v));
        narrow.stream().filter(v -> !wide.contains(v)).forEach(v -> AXE.add(where + " at 320 px  " + v));
        if (!wide.isEmpty() || !reflow.isEmpty() || !narrow.isEmpty()) {
            // a picture of what was found (a full-page screenshot of every route cost ~10 s a walk)
            BrowserSupport.screenshot(page, "a11y-320-" + where.replaceAll("[^a-z0-9]+", "-"));
        }
        long t5 = System.nanoTime();
        page.setViewportSize(1280, 800);
        PHASES[0] += t1 - t0;
        PHASES[1] += t2 - t1;
        PHASES[2] += t3 - t2;
        PHASES[3] += t4 - t3;
        PHASES[4] += t5 - t4;
    }

    /** Where the walk's time goes, in ns: settle, axe at 1280, reflow at 320, axe at 320, screenshot. */
    static final long[] PHASES = new long[5];

    /**
     * The axe check itself: an image without alt text, a button without a name and an unlabelled
     * field planted in the page must each be reported, with their targets.
     */
    static void axeCheckSeesProblems(Page page) {
        page.evaluate("() => { const box = Object.assign(document.createElement('div'), { id: 'planted' });"
                + " box.innerHTML = '<img id=\"no-alt\" src=\"data:,\"><button id=\"no-name\"></button><input id=\"no-label\" type=\"text\">';"
                + " document.getElementById('main').append(box); }");
        List<String> found = BrowserSupport.axeViolations(page);
        page.evaluate("() => document.getElementById('planted').remove()");
        for (String expected : List.of("image-alt  [#no-alt]", "button-name  [#no-name]", "label  [#no-label]")) {
            if (found.stream().noneMatch(f -> f.contains(expected))) {
                UNCHECKED.add("the axe check missed a planted violation (" + expected + "): " + found);
            }
        }
    }

    /** The reflow check itself: a too-wide box and a button pushed off the side must both be reported. */
    static void reflowCheckSeesProblems(Page page) {
        page.setViewportSize(320, 640);
        page.evaluate("() => document.getElementById('main').append(Object.assign(document.createElement('div'), { id: 'too-wide' }),"
                + " Object.assign(document.createElement('button'), { id: 'off-side', textContent: 'Off the side' }))");
        page.evaluate("() => { document.getElementById('too-wide').style.width = '600px'; document.getElementById('too-wide').style.height = '10px';"
                + " const b = document.getElementById('off-side'); b.style.position = 'relative'; b.style.left = '280px'; }");
        List<String> problems = BrowserSupport.reflowProblems(page);
        page.evaluate("() => { document.getElementById('too-wide').remove(); document.getElementById('off-side').remove(); }");
        page.setViewportSize(1280, 800);
        if (problems.stream().noneMatch(p -> p.contains("scrolls sideways") && p.contains("too-wide"))
                || problems.stream().noneMatch(p -> p.contains("cut off") && p.contains("off-side"))) {
            UNCHECKED.add("the reflow check missed a planted 600 px box or a button pushed off the side: " + problems);
        }
    }

    /** Fills the safety gate as a patient would and waits for the waiting room. */
    static boolean passGate(Page page) {
        try {
            Locator form = page.locator("form:has(button[type=submit])").first();
            for (Locator input : form.locator("input[required]:not([type=checkbox]), textarea[required]").all()) {
                if (input.inputValue().isEmpty()) {
                    input.fill("12 Harbour Lane, Portland");
                }
            }
            for (Locator box : form.locator("input[type=checkbox][required]").all()) {
                box.check();
            }
            form.locator("button[type=submit]").click();
            page.waitForFunction("() => /waiting room/i.test((document.querySelector('#main h1') || {}).textContent || '')", null,
                    new Page.WaitForFunctionOptions().setTimeout(20_000));
            return true;
        } catch (PlaywrightException e) {
            BrowserSupport.screenshot(page, "a11y-gate-not-passed");
            UNCHECKED.add("#/room (patient): could not pass the safety gate to reach the waiting room: " + e.getMessage().lines().findFirst().orElse(""));
            return false;
        }
    }
}
