package app.hearth.e2e;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import app.hearth.gateway.testing.ApiClient;
import app.hearth.gateway.testing.OpenRoom;
import app.hearth.gateway.testing.TestNode;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.assertions.LocatorAssertions;
import com.microsoft.playwright.options.AriaRole;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The live-rooms story in real Chromium pages on a real two-node cluster: the demo therapist's
 * browser on node A, the demo patient's on node B. The patient joins, checks devices, confirms the
 * safety gate and waits; the therapist, on another page, is alerted, admits them and opens the
 * room; both see each other in the roster, chat, and their video and audio flow peer to peer. The
 * patient's laptop closes: the therapist sees "reconnecting" with where they are and whom to call,
 * then "left", and keeps those details on screen.
 */
@DisplayName("Live rooms in the browser, across two nodes")
@org.junit.jupiter.api.extension.ExtendWith(BrowserSupport.ConsoleOnFailure.class)
class RoomBrowserTest {

    static TestNode nodeA;
    static TestNode nodeB;
    static BrowserSupport browsers;

    @BeforeAll
    static void start() {
        TestNode[] pair = TestNode.startPair("room-browser", Map.of("HEARTH_LOGINS_PER_ADDRESS", "500"));
        nodeA = pair[0];
        nodeB = pair[1];
        browsers = new BrowserSupport();
    }

    @AfterAll
    static void stop() {
        if (browsers != null) {
            browsers.close();
        }
        if (nodeB != null) {
            nodeB.close();
        }
        if (nodeA != null) {
            nodeA.close();
        }
    }

    /** A demo account signs in. */
    static void signIn(Page page, String baseUrl, String email) {
        BrowserSupport.signIn(page, baseUrl, email, "hearth-demo");
    }

    static LocatorAssertions.IsVisibleOptions within(double seconds) {
        return BrowserSupport.within(seconds);
    }

    /** Inbound audio and video bytes from every peer, as the page's own getStats reports them. */
    static boolean receiving(Page page, int atLeast) {
        Object ok = page.evaluate("async (min) => { const s = await window.hearthRoom.mediaStats(); const peers = Object.values(s);"
                + " return peers.length > 0 && peers.every(p => p.audioBytes > min && p.videoBytes > min); }", atLeast);
        return Boolean.TRUE.equals(ok);
    }

    /** The waiting-room entry for a patient, on a therapist's page or the clinic board. */
    static Locator lobbyEntry(Page page, String name) {
        return page.locator(".lobby-entry", new Page.LocatorOptions().setHasText(name));
    }

    static Locator rosterEntry(Page page, String name) {
        return page.locator("ul.roster li", new Page.LocatorOptions().setHasText(name));
    }

    static Locator safetyNote(Page page, String text) {
        return page.getByRole(AriaRole.ALERT).filter(new Locator.FilterOptions().setHasText(text));
    }

    /**
     * Milliseconds until the selector matches on the page, polled by the page itself every 20 ms (so
     * the figure measures the system, not the assertion library's back-off).
     */
    static long millisUntil(Page page, String what, String selector, double timeoutSeconds) {
        long start = System.nanoTime();
        try {
            page.waitForFunction("(s) => document.querySelector(s) !== null", selector,
                    new Page.WaitForFunctionOptions().setPollingInterval(20).setTimeout(timeoutSeconds * 1000));
        } catch (com.microsoft.playwright.TimeoutError e) {
            BrowserSupport.screenshot(page, "timeout-" + what.replaceAll("[^a-z]+", "-"));
            throw new AssertionError("Waited " + timeoutSeconds + " s for " + what + " (" + selector + ")", e);
        }
        return (System.nanoTime() - start) / 1_000_000;
    }

    /** Each peer's counters and connection states as the page sees them, for a failure message. */
    static Object media(Page page) {
        return page.evaluate("async () => { const r = window.hearthRoom; if (!r || !r.mesh) return 'no media';"
                + " const s = await r.mediaStats(); const out = {};"
                + " for (const [id, p] of r.mesh.peers) out[id] = { connection: p.pc.connectionState, signaling: p.pc.signalingState,"
                + " ice: p.pc.iceConnectionState, audioBytes: (s[id] || {}).audioBytes, videoBytes: (s[id] || {}).videoBytes,"
                + " transceivers: p.pc.getTransceivers().map((t) => t.direction + '/' + (t.sender.track ? t.sender.track.kind : '-')),"
                + " local: p.pc.localDescription && p.pc.localDescription.type, remote: p.pc.remoteDescription && p.pc.remoteDescription.type };"
                + " out.localTracks = r.mesh.localTracks().map((t) => t.kind + ':' + t.readyState);"
                + " for (const [id, p] of r.mesh.peers) { const rep = await p.pc.getStats(); const kinds = {};"
                + " rep.forEach((x) => { const k = x.type === 'candidate-pair' ? 'pair:' + x.state : x.type; kinds[k] = (kinds[k] || 0) + 1; });"
                + " out[id].stats = kinds; }"
                + " return JSON.stringify(out); }");
    }

    static void waitUntil(Page page, String what, java.util.function.BooleanSupplier condition, long timeoutMs) {
        BrowserSupport.waitUntil(page, what, condition, timeoutMs);
    }

    /** What a page's room sockets carry: every error message it receives, and when it sent each frame. */
    record SocketLog(List<String> errors, List<Long> sentAtMillis) {
        static SocketLog of(Page page) {
            SocketLog log = new SocketLog(new CopyOnWriteArrayList<>(), new CopyOnWriteArrayList<>());
            page.onWebSocket(ws -> {
                ws.onFrameReceived(frame -> {
                    String text = frame.text();
                    if (text != null && text.contains("\"type\":\"error\"")) {
                        log.errors.add(text);
                    }
                });
                ws.onFrameSent(frame -> log.sentAtMillis.add(System.currentTimeMillis()));
            });
            return log;
        }

        List<String> rateLimited() {
            return errors.stream().filter(e -> e.contains("rate-limited")).toList();
        }

        /** The most frames sent within any one second. */
        int busiestSecond() {
            List<Long> at = new ArrayList<>(sentAtMillis);
            int most = 0;
            for (int i = 0, j = 0; j < at.size(); j++) {
                while (at.get(j) - at.get(i) >= 1000) {
                    i++;
                }
                most = Math.max(most, j - i + 1);
            }
            return most;
        }
    }

    /**
     * Every video or audio element on the page that plays this person's own camera or microphone
     * (the pre-join preview's stream, or the call's local stream), with its muted property.
     */
    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> ownMedia(Page page) {
        return (List<Map<String, Object>>) page.evaluate("() => { const r = window.hearthRoom; const streams = [];"
                + " if (r && r.preview) streams.push(r.preview); if (r && r.mesh) streams.push(r.mesh.localStream);"
                + " const own = new Set(streams.flatMap((s) => s.getTracks()));"
                + " return [...document.querySelectorAll('video, audio')]"
                + " .filter((el) => el.srcObject && (streams.includes(el.srcObject) || el.srcObject.getTracks().some((t) => own.has(t))))"
                + " .map((el) => ({ label: el.getAttribute('aria-label'), muted: el.muted, volume: el.volume, paused: el.paused,"
                + " audioTracks: el.srcObject.getAudioTracks().length })); }");
    }

    /** No element playing the person's own microphone may be audible: muted as a property, not just an attribute. */
    static void ownMediaMuted(Page page, String where) {
        List<Map<String, Object>> own = ownMedia(page);
        assertFalse(own.isEmpty(), where + ": the page shows the person's own camera");
        assertTrue(own.stream().anyMatch(e -> ((Number) e.get("audioTracks")).intValue() > 0), where + ": with the microphone in it " + own);
        for (Map<String, Object> e : own) {
            assertEquals(Boolean.TRUE, e.get("muted"), where + ": own microphone must not play back: " + own);
        }
    }

    @Test
    @DisplayName("the patient checks in on node B; the therapist on node A is alerted, admits them; both connect and chat; a closed lid shows reconnecting, then left")
    void waitingRoomToCall() {
        ApiClient api = new ApiClient(nodeA.baseUrl());
        String admin = api.accessToken("admin@demo.hearth", "hearth-demo");
        String roomId = OpenRoom.bookNow(api, admin, "demo-therapist-1", "demo-patient-1")[1];

        try (BrowserContext therapistContext = browsers.newContext(1280, 900);
             BrowserContext patientContext = browsers.newContext(390, 844);
             BrowserContext adminContext = browsers.newContext(1024, 768)) {
            Page therapist = therapistContext.newPage();
            Page patient = patientContext.newPage();
            Page board = adminContext.newPage();
            SocketLog therapistSocket = SocketLog.of(therapist);
            SocketLog patientSocket = SocketLog.of(patient);

            // given the therapist on their own page (node A), watching their waiting room,
            // and the admin on the clinic-wide board (node B)
            signIn(therapist, nodeA.baseUrl(), "therapist@demo.hearth");
            assertThat(therapist.getByText("Nobody is waiting right now.")).isVisible(within(15));
            signIn(board, nodeB.baseUrl(), "admin@demo.hearth");
            board.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("Waiting room")).click();
            assertThat(board.getByRole(AriaRole.HEADING, new Page.GetByRoleOptions().setName("Everyone waiting in the clinic"))).isVisible();
            assertThat(board.getByText("Nobody is waiting right now.")).isVisible(within(15));

            // when the patient (node B, on a phone) presses Join: the ticket leaves the address bar,
            // the camera preview plays and the microphone meter moves
            signIn(patient, nodeB.baseUrl(), "patient1@demo.hearth");
            Locator join = patient.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Join"));
            assertThat(join).isEnabled();
            join.click();
            assertThat(patient.getByRole(AriaRole.HEADING, new Page.GetByRoleOptions().setName("Getting ready"))).isVisible(within(15));
            assertThat(patient).hasURL(Pattern.compile("#/room/" + roomId + "$"));
            assertThat(patient.getByText("Camera works · microphone works")).isVisible(within(15));
            waitUntil(patient, "the camera preview to play", () -> Boolean.TRUE.equals(patient.evaluate(
                    "() => { const v = document.querySelector('video.preview'); return !!v && v.videoWidth > 0 && !v.paused; }")), 10_000);
            waitUntil(patient, "the microphone meter to move", () -> Integer.parseInt(
                    patient.getByRole(AriaRole.METER).getAttribute("aria-valuenow")) > 0, 10_000);
            BrowserSupport.screenshot(patient, "room-1-prejoin-phone");
            // the device check never plays the microphone back through the speakers
            ownMediaMuted(patient, "the pre-join preview");

            // then the therapist sees them checking in, not ready, and cannot admit them yet
            Locator entry = lobbyEntry(therapist, "Jordan Lee");
            assertThat(entry.getByText("Safety check pending")).isVisible(within(10));
            assertThat(entry.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Admit Jordan Lee"))).hasCount(0);
            assertFalse(therapist.title().startsWith("("), "checking in is not waiting yet: no badge, title " + therapist.title());

            // when the patient confirms where they are (the contact on file is prefilled) and waits
            patient.getByLabel("Where are you right now? (address)").fill("12 Harbour Lane, Portland");
            assertThat(patient.getByLabel("Name", new Page.GetByLabelOptions().setExact(true))).hasValue("Casey Lee");
            assertThat(patient.getByLabel("Phone", new Page.GetByLabelOptions().setExact(true))).not().isEmpty();
            patient.getByLabel("I am in a private place and I am not driving").check();
            patient.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("I’m ready: join the waiting room")).click();
            long alertedAfter = millisUntil(therapist, "the patient to show as waiting and ready on the therapist's page",
                    ".lobby-entry.presence-waiting .badge.ready", 5);
            System.out.println("RoomBrowserTest: gate submitted on node B -> waiting and ready on node A's page in " + alertedAfter + " ms");
            assertThat(patient.getByRole(AriaRole.HEADING, new Page.GetByRoleOptions().setName("You’re in the waiting room"))).isVisible();
            // (the therapist's page was shown them waiting: the waiting room may say so now)
            assertThat(patient.getByText("Dr. Maya Okafor knows you are here", new Page.GetByTextOptions().setExact(false))).isVisible(within(10));
            BrowserSupport.screenshot(patient, "room-2-waiting-phone");

            // then the therapist is alerted at once: waiting and ready, with the location, and a badge in the tab's title
            assertTrue(alertedAfter < 2_000, "alerted within two seconds, took " + alertedAfter + " ms");
            assertThat(entry.getByText("Waiting", new Locator.GetByTextOptions().setExact(true))).isVisible();
            assertThat(entry.getByText("12 Harbour Lane, Portland", new Locator.GetByTextOptions().setExact(false))).isVisible();
            waitUntil(therapist, "the tab-title badge", () -> therapist.title().startsWith("(1) "), 5_000);
            BrowserSupport.screenshot(therapist, "room-3-therapist-alerted");
            // and the clinic board lists them too
            assertThat(lobbyEntry(board, "Jordan Lee").getByText("Waiting", new Locator.GetByTextOptions().setExact(true))).isVisible(within(5));
            assertThat(lobbyEntry(board, "Jordan Lee").getByText("with Dr. Maya Okafor", new Locator.GetByTextOptions().setExact(false))).isVisible();
            BrowserSupport.screenshot(board, "room-4-clinic-board");
            adminContext.close();

            // when the patient reloads the waiting page, they are back in the waiting room (a new
            // join ticket, their seat resumed), and the therapist is not alerted a second time
            patient.reload();
            assertThat(patient.getByRole(AriaRole.HEADING, new Page.GetByRoleOptions().setName("You’re in the waiting room"))).isVisible(within(15));
            assertThat(patient).hasURL(Pattern.compile("#/room/" + roomId + "$"));
            assertThat(entry.getByText("Waiting", new Locator.GetByTextOptions().setExact(true))).isVisible(within(10));
            assertTrue(therapist.title().startsWith("(1) "), "still one waiting patient in the title: " + therapist.title());

            // when the therapist admits them, then opens the room
            entry.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Admit Jordan Lee")).click();
            assertThat(patient.getByRole(AriaRole.HEADING, new Page.GetByRoleOptions().setName("In this session"))).isVisible(within(10));
            waitUntil(therapist, "the badge to clear once admitted", () -> !therapist.title().startsWith("("), 5_000);
            entry.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Open the room")).click();
            assertThat(therapist.getByRole(AriaRole.HEADING, new Page.GetByRoleOptions().setName("In this session"))).isVisible(within(15));

            // then both see both in the room
            for (Page page : new Page[] {therapist, patient}) {
                assertThat(rosterEntry(page, "Jordan Lee").getByText("In the room")).isVisible(within(10));
                assertThat(rosterEntry(page, "Dr. Maya Okafor").getByText("In the room")).isVisible(within(10));
            }

            // and they chat across the two nodes (the page says it is kept nowhere); on the phone the chat is a panel to open
            patient.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Chat").setExact(true)).click();
            assertThat(patient.getByText("Chat is not saved", new Page.GetByTextOptions().setExact(false))).isVisible();
            patient.getByLabel("Message").fill("Hello from my kitchen table");
            patient.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Send")).click();
            assertThat(therapist.locator(".chat-log").getByText("Hello from my kitchen table", new Locator.GetByTextOptions().setExact(false)))
                    .isVisible(within(5));
            therapist.getByLabel("Message").fill("Welcome, Jordan");
            therapist.getByLabel("Message").press("Enter");
            assertThat(patient.locator(".chat-log").getByText("Welcome, Jordan", new Locator.GetByTextOptions().setExact(false)))
                    .isVisible(within(5));

            // and their media flows peer to peer: each page's inbound audio and video byte counters grow
            try {
                waitUntil(therapist, "the therapist to receive audio and video", () -> receiving(therapist, 20_000), 60_000);
                waitUntil(patient, "the patient to receive audio and video", () -> receiving(patient, 20_000), 60_000);
            } catch (AssertionError e) {
                throw new AssertionError(e.getMessage() + "; therapist's peers " + media(therapist) + ", patient's peers " + media(patient), e);
            }
            BrowserSupport.screenshot(therapist, "room-5-in-session");
            BrowserSupport.screenshot(patient, "room-5-in-session-phone");

            // neither hears themselves: every element with their own stream is muted
            ownMediaMuted(therapist, "the therapist's self-view");
            ownMediaMuted(patient, "the patient's self-view");
            // and setting up the call stayed within the socket's rate limit on both pages
            System.out.printf("RoomBrowserTest: most socket frames sent in one second: therapist %d, patient %d%n",
                    therapistSocket.busiestSecond(), patientSocket.busiestSecond());
            assertEquals(List.of(), therapistSocket.rateLimited(), "the therapist's page was never rate-limited");
            assertEquals(List.of(), patientSocket.rateLimited(), "the patient's page was never rate-limited");

            // muting shows in the other page's roster
            patient.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Mute").setExact(true)).click();
            assertThat(rosterEntry(therapist, "Jordan Lee").getByText("muted", new Locator.GetByTextOptions().setExact(false)))
                    .isVisible(within(10));

            // when the patient's laptop closes, the therapist sees reconnecting at once, with where they
            // are and whom to call, then left — never a ghost — and keeps those details on screen
            long closedAt = System.currentTimeMillis();
            patientContext.close();
            assertThat(rosterEntry(therapist, "Jordan Lee").getByText("Reconnecting…")).isVisible(within(15));
            Locator dropped = safetyNote(therapist, "Jordan Lee’s connection dropped.");
            assertThat(dropped).isVisible();
            assertThat(dropped.getByText("12 Harbour Lane, Portland")).isVisible();
            assertThat(dropped.getByText("Casey Lee", new Locator.GetByTextOptions().setExact(false))).isVisible();
            BrowserSupport.screenshot(therapist, "room-6-reconnecting");
            assertThat(rosterEntry(therapist, "Jordan Lee").getByText("Left", new Locator.GetByTextOptions().setExact(true))).isVisible(within(15));
            long goneAfter = System.currentTimeMillis() - closedAt;
            System.out.println("RoomBrowserTest: lid closed -> left on the therapist's page in " + goneAfter + " ms");
            assertTrue(goneAfter < 15_000, "reconnecting, then left, within 15 s; took " + goneAfter + " ms");
            Locator lost = safetyNote(therapist, "Jordan Lee has not come back.");
            assertThat(lost.getByText("12 Harbour Lane, Portland")).isVisible();
            BrowserSupport.screenshot(therapist, "room-7-left");
            lost.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Dismiss the note about Jordan Lee")).click();
            assertThat(lost).hasCount(0);
        }
    }

    /** Inbound bytes of one kind from one peer, as the page's getStats reports them. */
    static long bytesFrom(Page page, String peerId, String kind) {
        Object n = page.evaluate("async ([id, kind]) => { const s = (await window.hearthRoom.mediaStats())[id];"
                + " return s ? s[kind + 'Bytes'] : 0; }", java.util.List.of(peerId, kind));
        return ((Number) n).longValue();
    }

    /** Whether a kind of media from a peer keeps arriving: more bytes after a second and a half. */
    static boolean flowing(Page page, String peerId, String kind) {
        long before = bytesFrom(page, peerId, kind);
        page.waitForTimeout(1500);
        return bytesFrom(page, peerId, kind) > before + 1000;
    }

    /** The page's connection to a peer, its negotiation count and what it sends. */
    static String sending(Page page, String peerId) {
        return String.valueOf(page.evaluate("(id) => { const p = window.hearthRoom.mesh.peers.get(id);"
                + " return p.pc.getSenders().filter(s => s.track).map(s => s.track.kind + ':' + s.track.label).sort().join(' | '); }", peerId));
    }

    @Test
    @DisplayName("in a call: a device switch and a shared screen go on without renegotiating, audio-only stops video both ways, a network blip heals by itself")
    void callControls() {
        ApiClient api = new ApiClient(nodeA.baseUrl());
        String admin = api.accessToken("admin@demo.hearth", "hearth-demo");
        OpenRoom.bookNow(api, admin, "demo-therapist-2", "demo-patient-3");
        String therapistId = "demo-therapist-2";
        String patientId = "demo-patient-3";

        // the patient's page reaches the node through a relay that can drop the network
        try (app.hearth.gateway.testing.FreezableProxy network = new app.hearth.gateway.testing.FreezableProxy(nodeA.port());
             BrowserContext therapistContext = browsers.newContext(1280, 900);
             BrowserContext patientContext = browsers.newContext(1280, 900)) {
            Page therapist = therapistContext.newPage();
            Page patient = patientContext.newPage();
            signIn(therapist, nodeA.baseUrl(), "therapist2@demo.hearth");
            assertThat(therapist.getByText("Nobody is waiting right now.")).isVisible(within(15));
            signIn(patient, network.baseUrl(), "patient3@demo.hearth");
            patient.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Join")).click();
            patient.getByLabel("Where are you right now? (address)").fill("4 Quay Street");
            patient.getByLabel("Name", new Page.GetByLabelOptions().setExact(true)).fill("Ana García");
            patient.getByLabel("Phone", new Page.GetByLabelOptions().setExact(true)).fill("+1 555 0142");
            patient.getByLabel("I am in a private place and I am not driving").check();
            patient.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("I’m ready: join the waiting room")).click();
            Locator entry = lobbyEntry(therapist, "Tomás García");
            entry.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Admit Tomás García")).click(
                    new Locator.ClickOptions().setTimeout(15_000));
            entry.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Open the room")).click();
            assertThat(therapist.getByRole(AriaRole.HEADING, new Page.GetByRoleOptions().setName("In this session"))).isVisible(within(15));
            try {
                waitUntil(therapist, "the therapist to receive audio and video", () -> receiving(therapist, 20_000), 60_000);
                waitUntil(patient, "the patient to receive audio and video", () -> receiving(patient, 20_000), 60_000);
            } catch (AssertionError e) {
                throw new AssertionError(e.getMessage() + "; therapist's peers " + media(therapist) + ", patient's peers " + media(patient), e);
            }
            Object patientCall = patient.evaluateHandle("(id) => window.hearthRoom.mesh.peers.get(id).pc", therapistId);

            // switching the microphone swaps the sent track in place: same connection, audio keeps flowing
            String before = sending(patient, therapistId);
            patient.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Settings").setExact(true)).click(); // devices, audio only
            patient.locator("#mic-select").selectOption(new com.microsoft.playwright.options.SelectOption().setIndex(1));
            waitUntil(patient, "the new microphone on the call", () -> !sending(patient, therapistId).equals(before), 10_000);
            assertTrue(Boolean.TRUE.equals(patient.evaluate("([id, pc]) => window.hearthRoom.mesh.peers.get(id).pc === pc",
                    java.util.List.of(therapistId, patientCall))), "the same connection, not a new call");
            waitUntil(therapist, "audio from the new microphone", () -> flowing(therapist, patientId, "audio"), 20_000);

            // sharing the screen replaces the camera on the same connection; stopping brings the camera back
            patient.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Share screen")).click();
            assertThat(patient.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Stop sharing"))).isVisible(within(10));
            assertThat(rosterEntry(therapist, "Tomás García").getByText("sharing screen", new Locator.GetByTextOptions().setExact(false)))
                    .isVisible(within(10));
            waitUntil(therapist, "the shared screen's video", () -> flowing(therapist, patientId, "video"), 20_000);
            patient.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Stop sharing")).click();
            assertThat(patient.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Share screen"))).isVisible(within(10));

            // audio only: the roster says so, video stops both ways, audio goes on
            patient.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Audio only")).click();
            assertThat(rosterEntry(therapist, "Tomás García").getByText("audio only", new Locator.GetByTextOptions().setExact(false)))
                    .isVisible(within(10));
            waitUntil(therapist, "video from the patient to stop", () -> !flowing(therapist, patientId, "video"), 20_000);
            waitUntil(patient, "video from the therapist to stop", () -> !flowing(patient, therapistId, "video"), 20_000);
            assertTrue(flowing(therapist, patientId, "audio"), "audio goes on");
            patient.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Back to video")).click();
            waitUntil(therapist, "video from the patient again", () -> flowing(therapist, patientId, "video"), 30_000);

            // the patient's network vanishes (nothing closes, nothing arrives): both pages say so; when it
            // comes back the page reconnects by itself and nobody clicks anything
            network.freeze();
            assertThat(patient.getByText("Reconnecting…")).isVisible(within(20));
            assertThat(rosterEntry(therapist, "Tomás García").getByText("Reconnecting…")).isVisible(within(15));
            network.thaw();
            assertThat(patient.getByText("Reconnecting…")).isHidden(new com.microsoft.playwright.assertions.LocatorAssertions.IsHiddenOptions()
                    .setTimeout(30_000));
            assertThat(rosterEntry(therapist, "Tomás García").getByText("In the room")).isVisible(within(15));
            waitUntil(therapist, "media after the network came back", () -> flowing(therapist, patientId, "audio"), 30_000);
            // and a path that fails is restarted (what a changed network needs): new ICE credentials, media again
            String ufrag = String.valueOf(patient.evaluate("(id) => window.hearthRoom.mesh.peers.get(id).pc.localDescription.sdp.match(/a=ice-ufrag:(\\S+)/)[1]", therapistId));
            patient.evaluate("(id) => window.hearthRoom.mesh.peers.get(id).pc.restartIce()", therapistId);
            waitUntil(patient, "new ICE credentials", () -> !ufrag.equals(String.valueOf(patient.evaluate(
                    "(id) => window.hearthRoom.mesh.peers.get(id).pc.localDescription.sdp.match(/a=ice-ufrag:(\\S+)/)[1]", therapistId))), 20_000);
            waitUntil(therapist, "media after the restart", () -> flowing(therapist, patientId, "audio") && flowing(therapist, patientId, "video"), 30_000);
            BrowserSupport.screenshot(therapist, "room-8-controls");
        }
    }
}
