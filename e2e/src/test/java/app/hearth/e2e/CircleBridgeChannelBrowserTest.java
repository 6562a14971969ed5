package app.hearth.e2e;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import app.hearth.gateway.testing.ApiClient;
import app.hearth.gateway.testing.OpenRoom;
import app.hearth.gateway.testing.TestNode;
import app.hearth.signaling.colibri.FakeBridge;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.AriaRole;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The bridge channel, in real Chromium pages through the fake bridge: each page opens the colibri
 * WebSocket its rtc.bridge.offer names and says, in ReceiverVideoConstraints, what video it wants for its
 * layout — the grid (every other's source, lastN = the tiles shown), speaker view (the dominant speaker on
 * stage at 720, the others as 180 thumbnails) and audio-only (lastN 0: no video at all). The test reads
 * what each endpoint's channel carried from the fake bridge ({@code channelMessages}), what the fake
 * forwards by those rules ({@code forwardedVideo}), and pushes a dominant-speaker change that every page
 * must highlight. One page is a 320 px phone: the room stays usable there.
 */
@DisplayName("The bridge channel of a circle, in the browser")
@org.junit.jupiter.api.extension.ExtendWith(BrowserSupport.ConsoleOnFailure.class)
class CircleBridgeChannelBrowserTest {

    static FakeBridge fake;
    static TestNode node;
    static BrowserSupport browsers;

    @BeforeAll
    static void start() throws IOException {
        fake = new FakeBridge();
        // the fake's channel listens on another port: as a bridge on its own host, its origin is
        // configured so that the page's CSP lets it connect
        node = TestNode.start(Map.of("HEARTH_LOGINS_PER_ADDRESS", "500", "HEARTH_JVB_URLS", fake.base().toString(),
                "HEARTH_JVB_WS_PUBLIC_BASE", fake.webSocketBase().toString()));
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
        if (fake != null) {
            fake.close();
        }
    }

    static String video(String personId) {
        return personId + "-v0";
    }

    /** The page's own view of its bridge layout and channel (room-bridge.js state()). */
    static JsonObject view(Page page) {
        Object json = page.evaluate("() => JSON.stringify(window.hearthRoom && window.hearthRoom.bridgeView"
                + " ? window.hearthRoom.bridgeView.state() : {})");
        return new JsonObject(json.toString());
    }

    /** The ReceiverVideoConstraints an endpoint sent over its channel, oldest first. */
    static List<JsonObject> constraintsSent(String conference, String endpoint) {
        return fake.channelMessages(conference, endpoint).stream()
                .filter(m -> "ReceiverVideoConstraints".equals(m.getString("colibriClass")))
                .toList();
    }

    static Optional<JsonObject> lastConstraints(String conference, String endpoint) {
        List<JsonObject> sent = constraintsSent(conference, endpoint);
        return sent.isEmpty() ? Optional.empty() : Optional.of(sent.get(sent.size() - 1));
    }

    static Set<String> forwarded(String conference, String endpoint) {
        return Set.copyOf(fake.forwardedVideo(conference, endpoint));
    }

    static int maxHeight(JsonObject constraints, String source) {
        JsonObject each = constraints.getJsonObject("constraints", new JsonObject());
        JsonObject one = each.getJsonObject(source);
        if (one != null) {
            return one.getInteger("maxHeight");
        }
        return constraints.getJsonObject("defaultConstraints", new JsonObject()).getInteger("maxHeight", -1);
    }

    /** Grid: every other's video asked for at a thumbnail-to-medium height, nobody on stage, lastN = the others. */
    static boolean isGrid(JsonObject c, List<String> others) {
        return c.getInteger("lastN", -1) == others.size()
                && c.getJsonArray("onStageSources", new io.vertx.core.json.JsonArray()).isEmpty()
                && others.stream().allMatch(id -> maxHeight(c, video(id)) >= 180 && maxHeight(c, video(id)) <= 360);
    }

    /** Speaker view: the speaker on stage at 720, everyone else as a 180 thumbnail. */
    static boolean isSpeaker(JsonObject c, String speaker, List<String> others) {
        return c.getInteger("lastN", -1) == others.size()
                && c.getJsonArray("onStageSources", new io.vertx.core.json.JsonArray()).getList().equals(List.of(video(speaker)))
                && maxHeight(c, video(speaker)) == 720
                && others.stream().filter(id -> !id.equals(speaker)).allMatch(id -> maxHeight(c, video(id)) == 180);
    }

    /** Audio-only: no video at all. */
    static boolean isAudioOnly(JsonObject c) {
        return c.getInteger("lastN", -1) == 0 && c.getJsonObject("defaultConstraints", new JsonObject()).getInteger("maxHeight", -1) == 0
                && c.getJsonArray("onStageSources", new io.vertx.core.json.JsonArray()).isEmpty();
    }

    static void waitForConstraints(Page page, String what, String conference, String endpoint, Predicate<JsonObject> test) {
        BrowserSupport.waitUntil(page, what, () -> lastConstraints(conference, endpoint).filter(test).isPresent(), 15_000);
    }

    @Test
    @DisplayName("four pages: channel opened, constraints for grid, speaker view and audio-only, dominant speaker highlighted everywhere")
    void constraintsFromTheLayout() {
        ApiClient api = new ApiClient(node.baseUrl());
        String admin = api.accessToken("admin@demo.hearth", "hearth-demo");
        // the page may open the channel: its origin is in the CSP's connect-src, nothing else is
        assertTrue(api.get("/", null).header("Content-Security-Policy").contains("connect-src 'self' " + fake.webSocketBase() + ";"),
                api.get("/", null).header("Content-Security-Policy"));
        OpenRoom.Circle circle = OpenRoom.bookCircle(api, admin, 3);
        OpenRoom.Member lead = circle.facilitators().get(0);
        List<OpenRoom.Member> patients = circle.patients();
        List<String> everyone = List.of(lead.id(), patients.get(0).id(), patients.get(1).id(), patients.get(2).id());

        try (BrowserContext hostContext = browsers.newContext(1200, 900);
             BrowserContext firstContext = browsers.newContext(1200, 900);
             BrowserContext secondContext = browsers.newContext(900, 800);
             BrowserContext phoneContext = browsers.newContext(320, 640)) {
            Page host = hostContext.newPage();
            List<Page> pages = new ArrayList<>(List.of(host, firstContext.newPage(), secondContext.newPage(), phoneContext.newPage()));
            CircleBrowserTest.signIn(host, node.baseUrl(), lead.email(), OpenRoom.PASSWORD);
            host.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Join")).click();
            assertThat(host.getByRole(AriaRole.HEADING, new Page.GetByRoleOptions().setName("In this session")))
                    .isVisible(CircleBrowserTest.within(15));
            for (int i = 0; i < 3; i++) {
                Page patient = pages.get(i + 1);
                CircleBrowserTest.checkIn(patient, node.baseUrl(), patients.get(i).email());
                String name = "Circle Patient " + (i + 1) + " " + patients.get(i).email().replaceAll(".*\\.(\\d+)@.*", "$1");
                CircleBrowserTest.admit(host, name, patient);
            }

            // every page opens its endpoint's channel and asks for the grid: the three others' video
            for (Page page : pages) {
                BrowserSupport.waitUntil(page, "the bridge channel to open", () -> "open".equals(view(page).getString("channel")), 30_000);
            }
            String conference = fake.meetingIdOf("circle-" + circle.roomId() + "@hearth.internal").orElseThrow();
            for (int i = 0; i < pages.size(); i++) {
                String self = everyone.get(i);
                List<String> others = everyone.stream().filter(id -> !id.equals(self)).toList();
                waitForConstraints(pages.get(i), "grid constraints from " + self, conference, self, c -> isGrid(c, others));
                // the fake forwards by them: the three others' cameras; the page shows each as video
                BrowserSupport.waitUntil(pages.get(i), "the bridge to forward the others' video",
                        () -> forwarded(conference, self).equals(others.stream().map(CircleBridgeChannelBrowserTest::video).collect(Collectors.toSet())),
                        10_000);
                for (String other : others) {
                    assertThat(pages.get(i).locator("[data-peer=\"" + other + "\"] video")).isVisible();
                }
                assertThat(pages.get(i).locator(".tile.not-forwarded")).hasCount(0);
            }
            BrowserSupport.screenshot(host, "circle-channel-1-grid");

            // the bridge names a dominant speaker: every page highlights that tile (their own, on their page)
            String speaker = everyone.get(1);
            fake.dominantSpeaker(conference, speaker);
            for (int i = 0; i < pages.size(); i++) {
                String tile = everyone.get(i).equals(speaker) ? ".tile.self" : "[data-peer=\"" + speaker + "\"]";
                assertThat(pages.get(i).locator(tile)).hasClass(java.util.regex.Pattern.compile("\\bdominant\\b"));
                assertThat(pages.get(i).locator(".tile.dominant")).hasCount(1);
            }

            // the host switches to speaker view: the dominant speaker on stage at 720, the others at 180
            List<String> hostOthers = everyone.subList(1, 4);
            host.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Speaker view")).click();
            assertThat(host.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Grid view"))).isVisible();
            waitForConstraints(host, "speaker-view constraints", conference, lead.id(), c -> isSpeaker(c, speaker, hostOthers));
            assertThat(host.locator("[data-peer=\"" + speaker + "\"]")).hasClass(java.util.regex.Pattern.compile("\\bon-stage\\b"));
            // … and follows the next dominant speaker, sending the constraints again
            String next = everyone.get(2);
            fake.dominantSpeaker(conference, next);
            waitForConstraints(host, "speaker view following the dominant speaker", conference, lead.id(), c -> isSpeaker(c, next, hostOthers));
            assertThat(host.locator("[data-peer=\"" + next + "\"]")).hasClass(java.util.regex.Pattern.compile("\\bon-stage\\b"));
            BrowserSupport.screenshot(host, "circle-channel-2-speaker");
            // a pinned person stays on stage whoever speaks; unpinned, the stage follows the speaker again
            String pinned = everyone.get(3);
            host.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Pin Circle Patient 3")).click();
            waitForConstraints(host, "the pinned person on stage", conference, lead.id(), c -> isSpeaker(c, pinned, hostOthers));
            fake.dominantSpeaker(conference, everyone.get(1));
            assertThat(host.locator("[data-peer=\"" + everyone.get(1) + "\"]")).hasClass(java.util.regex.Pattern.compile("\\bdominant\\b"));
            assertTrue(isSpeaker(lastConstraints(conference, lead.id()).orElseThrow(), pinned, hostOthers), "the pin holds");
            host.locator("[data-peer=\"" + pinned + "\"] .tile-pin").click();
            waitForConstraints(host, "the stage following the speaker after unpinning", conference, lead.id(),
                    c -> isSpeaker(c, everyone.get(1), hostOthers));
            fake.dominantSpeaker(conference, next);
            waitForConstraints(host, "the stage following the speaker", conference, lead.id(), c -> isSpeaker(c, next, hostOthers));
            // back to the grid
            host.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Grid view")).click();
            waitForConstraints(host, "grid constraints again", conference, lead.id(), c -> isGrid(c, hostOthers));

            // a patient chooses audio only: lastN 0, no video forwarded, the others' tiles show initials
            Page quiet = pages.get(2);
            String quietId = everyone.get(2);
            List<String> quietOthers = everyone.stream().filter(id -> !id.equals(quietId)).toList();
            quiet.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Settings").setExact(true)).click(); // audio only is a setting
            quiet.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Audio only")).click();
            waitForConstraints(quiet, "audio-only constraints", conference, quietId, CircleBridgeChannelBrowserTest::isAudioOnly);
            BrowserSupport.waitUntil(quiet, "the bridge to stop forwarding video", () -> forwarded(conference, quietId).isEmpty(), 10_000);
            assertThat(quiet.locator(".tile.not-forwarded")).hasCount(3);
            assertThat(quiet.locator("[data-peer=\"" + everyone.get(0) + "\"] .tile-initials")).isVisible();
            BrowserSupport.screenshot(quiet, "circle-channel-4-audio-only");
            quiet.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Back to video")).click();
            waitForConstraints(quiet, "grid constraints after audio only", conference, quietId, c -> isGrid(c, quietOthers));
            assertThat(quiet.locator(".tile.not-forwarded")).hasCount(0);

            // the phone at 320 px: nothing wider than the screen, the layout toggle within reach
            Page phone = pages.get(3);
            Object overflow = phone.evaluate("() => document.documentElement.scrollWidth - document.documentElement.clientWidth");
            assertEquals(0, ((Number) overflow).intValue(), "horizontal scroll on a 320 px phone");
            assertThat(phone.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Speaker view"))).isVisible();
            phone.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Speaker view")).click();
            List<String> phoneOthers = everyone.subList(0, 3);
            waitForConstraints(phone, "speaker view on the phone", conference, everyone.get(3), c -> isSpeaker(c, next, phoneOthers));
            overflow = phone.evaluate("() => document.documentElement.scrollWidth - document.documentElement.clientWidth");
            assertEquals(0, ((Number) overflow).intValue(), "horizontal scroll on a 320 px phone in speaker view");
            BrowserSupport.screenshot(phone, "circle-channel-3-phone-speaker");

            // the channel drops (a network blip): the page reopens it and states its constraints again
            int before = constraintsSent(conference, everyone.get(3)).size();
            fake.dropChannel(conference, everyone.get(3));
            BrowserSupport.waitUntil(phone, "the channel to be reopened with the constraints sent again",
                    () -> fake.channelOpen(conference, everyone.get(3)) && constraintsSent(conference, everyone.get(3)).size() > before, 15_000);
            assertTrue(isSpeaker(lastConstraints(conference, everyone.get(3)).orElseThrow(), next, phoneOthers));

            // leaving closes the channel; the others ask for the two who stay
            Page leaver = pages.get(1);
            String leaverId = everyone.get(1);
            leaver.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Leave")).click();
            assertThat(host.locator("[data-peer=\"" + leaverId + "\"]")).hasCount(0);
            BrowserSupport.waitUntil(host, "the leaver's channel to close", () -> !fake.channelOpen(conference, leaverId), 10_000);
            List<String> remaining = List.of(everyone.get(2), everyone.get(3));
            waitForConstraints(host, "grid constraints after a leave", conference, lead.id(), c -> isGrid(c, remaining));

            // a circle of twelve (the page's own rules, without twelve browsers): last-N 9 videos in both layouts
            JsonObject twelve = new JsonObject(host.evaluate("async () => { const m = await import('/js/bridge-channel.js');"
                    + " const others = Array.from({ length: 11 }, (_, i) => 'p' + i);"
                    + " return JSON.stringify({ grid: m.receiverConstraints({ mode: 'grid', audioOnly: false, others, stage: null, tileHeight: 120 }),"
                    + " speaker: m.receiverConstraints({ mode: 'speaker', audioOnly: false, others, stage: 'p4', tileHeight: 120 }) }); }").toString());
            List<String> eleven = java.util.stream.IntStream.range(0, 11).mapToObj(i -> "p" + i).toList();
            assertEquals(9, twelve.getJsonObject("grid").getInteger("lastN"), twelve.encode());
            assertEquals(9, twelve.getJsonObject("speaker").getInteger("lastN"), twelve.encode());
            assertTrue(eleven.stream().allMatch(id -> maxHeight(twelve.getJsonObject("grid"), video(id)) == 180), twelve.encode());
            JsonObject speakerOfTwelve = twelve.getJsonObject("speaker").copy().put("lastN", 11);
            assertTrue(isSpeaker(speakerOfTwelve, "p4", eleven), twelve.encode());
        }
    }

    @Test
    @DisplayName("a failing bridge: the page says so and waits; once the bridge answers, the offer and the channel come without a click")
    void bridgeErrorThenRecovery() {
        ApiClient api = new ApiClient(node.baseUrl());
        String admin = api.accessToken("admin@demo.hearth", "hearth-demo");
        OpenRoom.Circle circle = OpenRoom.bookCircle(api, admin, 1);
        OpenRoom.Member lead = circle.facilitators().get(0);
        try (BrowserContext hostContext = browsers.newContext(1000, 800)) {
            Page host = hostContext.newPage();
            fake.failing = true;
            CircleBrowserTest.signIn(host, node.baseUrl(), lead.email(), OpenRoom.PASSWORD);
            host.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Join")).click();
            assertThat(host.locator(".bridge-error")).isVisible(CircleBrowserTest.within(20));
            assertThat(host.locator(".bridge-error").getByRole(AriaRole.BUTTON)).hasCount(0); // the server retries by itself
            BrowserSupport.screenshot(host, "circle-channel-5-bridge-error");
            fake.failing = false;
            assertThat(host.locator(".bridge-error")).isHidden(new com.microsoft.playwright.assertions.LocatorAssertions.IsHiddenOptions().setTimeout(40_000));
            BrowserSupport.waitUntil(host, "the channel to open after the bridge recovered", () -> "open".equals(view(host).getString("channel")), 15_000);
        } finally {
            fake.failing = false;
        }
    }
}
