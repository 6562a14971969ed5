package app.hearth.e2e;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import app.hearth.gateway.testing.ApiClient;
import app.hearth.gateway.testing.OpenRoom;
import app.hearth.gateway.testing.TestNode;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.AriaRole;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * "A quiet way to ask for help in a circle" in real Chromium pages: a circle of four (two
 * facilitators, two patients) on its peer-to-peer mesh, no media server. Patient A asks for support;
 * both facilitators' pages show it with a badge (and play a sound); patient B's page never receives
 * or shows anything of it. The co-facilitator acknowledges (patient A is told, quietly), then takes
 * patient A into a private breakout: their own 1:1 call really carries video (frames decoded on both
 * pages) while the circle goes on for the other two; then both come back.
 */
@DisplayName("A circle in the browser: a quiet support request and a private breakout")
@org.junit.jupiter.api.extension.ExtendWith(BrowserSupport.ConsoleOnFailure.class)
class CircleSupportBrowserTest {

    static TestNode node;
    static BrowserSupport browsers;

    @BeforeAll
    static void start() {
        node = TestNode.start(Map.of("HEARTH_LOGINS_PER_ADDRESS", "500"));
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

    static void waitUntil(Page page, String what, java.util.function.BooleanSupplier condition, long timeoutMs) {
        BrowserSupport.waitUntil(page, what, condition, timeoutMs);
    }

    static void hostJoins(Page page, String email) {
        BrowserSupport.signIn(page, node.baseUrl(), email, OpenRoom.PASSWORD);
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Join")).click();
        assertThat(page.getByRole(AriaRole.HEADING, new Page.GetByRoleOptions().setName("In this session"))).isVisible(BrowserSupport.within(15));
    }

    /** Frames decoded so far from every peer of the circle's call on this page, and how many peers. */
    static long[] circleFrames(Page page) {
        Object r = page.evaluate("async () => { const s = await window.hearthRoom.mediaStats(); const v = Object.values(s);"
                + " return [v.length, v.reduce((a, p) => Math.min(a, p.framesDecoded), v.length ? 1e12 : 0)]; }");
        List<?> list = (List<?>) r;
        return new long[] {((Number) list.get(0)).longValue(), ((Number) list.get(1)).longValue()};
    }

    /** Frames decoded so far on the breakout's own 1:1 call (0 when there is none). */
    static long breakoutFrames(Page page) {
        Object r = page.evaluate("async () => { const s = await window.hearthRoom.support.stats(); const v = Object.values(s);"
                + " return v.length === 1 && v[0].videoBytes > 0 ? v[0].framesDecoded : 0; }");
        return ((Number) r).longValue();
    }

    /** The circle's call on this page has exactly {@code peers} peers, each with decoded frames. */
    static boolean circleReceiving(Page page, int peers, long moreThan) {
        long[] f = circleFrames(page);
        return f[0] == peers && f[1] > moreThan;
    }

    /** Every message type this page's room socket received since it was installed (see {@link #recordMessages}). */
    static List<?> received(Page page) {
        return (List<?>) page.evaluate("() => window.__received || []");
    }

    static void recordMessages(Page page) {
        page.evaluate("() => { window.__received = []; window.hearthRoom.socket.on('*', (m) => window.__received.push(m.type"
                + " + (m.breakoutId ? ':breakout' : '') + (JSON.stringify(m).includes('supportRequest') ? ':supportRequest' : ''))); }");
    }

    static boolean nothingAboutSupport(Page page) {
        return received(page).stream().map(String::valueOf).noneMatch(t -> t.startsWith("circle.") || t.contains(":"));
    }

    @Test
    @DisplayName("facilitators see patient A's request with a badge, patient B never; acknowledged; a 1:1 breakout with video while the circle goes on; back")
    void supportRequestAndBreakout() {
        ApiClient api = new ApiClient(node.baseUrl());
        String admin = api.accessToken("admin@demo.hearth", "hearth-demo");
        OpenRoom.Circle circle = OpenRoom.bookCircle(api, admin, 2);
        OpenRoom.Member lead = circle.facilitators().get(0);
        OpenRoom.Member co = circle.facilitators().get(1);
        OpenRoom.Member a = circle.patients().get(0);
        OpenRoom.Member b = circle.patients().get(1);
        String n = a.email().replaceAll(".*\\.(\\d+)@.*", "$1");
        String aName = "Circle Patient 1 " + n;
        String bName = "Circle Patient 2 " + n;

        try (BrowserContext leadContext = browsers.newContext(900, 800);
             BrowserContext coContext = browsers.newContext(900, 800);
             BrowserContext aContext = browsers.newContext(390, 844); // patient A on a phone
             BrowserContext bContext = browsers.newContext(900, 800)) {
            Page f1 = leadContext.newPage();
            Page f2 = coContext.newPage();
            Page pa = aContext.newPage();
            Page pb = bContext.newPage();

            // the circle: both facilitators in, both patients checked in and admitted
            hostJoins(f1, lead.email());
            hostJoins(f2, co.email());
            CircleBrowserTest.checkIn(pa, node.baseUrl(), a.email());
            CircleBrowserTest.admit(f1, aName, pa);
            CircleBrowserTest.checkIn(pb, node.baseUrl(), b.email());
            CircleBrowserTest.admit(f1, bName, pb);
            recordMessages(pb);
            List<Page> all = List.of(f1, f2, pa, pb);
            for (Page page : all) {
                waitUntil(page, "the mesh of four", () -> circleReceiving(page, 3, 0), 90_000);
            }

            // patient A asks, discreetly, from the call's control bar (on a phone: on screen without scrolling);
            // the page says so quietly
            Locator ask = pa.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("I need support"));
            RoomLayoutBrowserTest.inView(pa, ask, "the support button on a phone");
            ask.click();
            assertThat(pa.locator(".support-status")).hasText("Your request was sent quietly to the facilitators.");

            // both facilitators' pages show it, with a badge, and played the sound
            for (Page host : List.of(f1, f2)) {
                assertThat(host.locator(".support-badge")).hasText("1");
                assertThat(host.locator(".support-requests li.open")).containsText(aName + " asked for support");
                waitUntil(host, "the chime", () -> ((Number) host.evaluate("() => window.hearthRoom.support.chimes")).intValue() >= 1, 5_000);
            }

            // the co-facilitator acknowledges: the badge goes on both pages; patient A is told, quietly
            f2.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Acknowledge " + aName)).click();
            for (Page host : List.of(f1, f2)) {
                assertThat(host.locator(".support-badge")).hasCount(0);
                assertThat(host.locator(".support-requests li.seen")).containsText(aName);
            }
            assertThat(pa.locator(".support-status")).hasText("A facilitator has seen your request.");

            // the co-facilitator takes patient A aside: a private 1:1 call, video flowing both ways
            f2.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Talk privately with " + aName)).click();
            assertThat(f2.getByRole(AriaRole.HEADING, new Page.GetByRoleOptions().setName("Private conversation with " + aName)))
                    .isVisible(BrowserSupport.within(10));
            assertThat(pa.getByRole(AriaRole.HEADING, new Page.GetByRoleOptions().setName("A private conversation with a facilitator")))
                    .isVisible(BrowserSupport.within(10));
            for (Page page : List.of(f2, pa)) {
                waitUntil(page, "the breakout's video decoded", () -> breakoutFrames(page) > 0, 60_000);
                long first = breakoutFrames(page);
                waitUntil(page, "the breakout's video still flowing", () -> breakoutFrames(page) > first + 10, 30_000);
                // and nothing of the circle's call on these two pages meanwhile
                assertEquals(0, circleFrames(page)[0], "the two left the circle's call");
            }

            // the circle goes on for the other two: only each other on their call, frames still arriving;
            // patient A is shown only as "with a facilitator"
            for (Page page : List.of(f1, pb)) {
                waitUntil(page, "the circle of two going on", () -> circleFrames(page)[0] == 1, 20_000);
                long first = circleFrames(page)[1];
                waitUntil(page, "the circle's video still flowing", () -> circleReceiving(page, 1, first + 10), 30_000);
                assertThat(page.locator(".roster li[data-person='" + a.id() + "'] .breakout-badge")).hasText("with a facilitator");
            }
            BrowserSupport.screenshot(f2, "circle-support-breakout");

            // the co-facilitator brings them back: the breakout closes, both rejoin the circle's call
            f2.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Back to the circle")).click();
            for (Page page : List.of(f2, pa)) {
                assertThat(page.locator(".breakout")).isHidden();
                waitUntil(page, "no breakout call left", () -> breakoutFrames(page) == 0, 10_000);
            }
            for (Page page : all) {
                assertThat(page.locator(".roster .breakout-badge")).hasCount(0);
                waitUntil(page, "the mesh of four again", () -> circleReceiving(page, 3, 0), 90_000);
            }

            // patient B's page never received, nor showed, anything of the request or the breakout
            assertTrue(nothingAboutSupport(pb), "patient B's socket got: " + received(pb));
            assertTrue(received(pb).contains("room.roster"), "the recorder did record: " + received(pb));
            assertThat(pb.getByText("asked for support")).hasCount(0);
            assertThat(pb.locator(".support-badge")).hasCount(0);
            assertThat(pb.locator(".breakout")).isHidden();
        }
    }
}
