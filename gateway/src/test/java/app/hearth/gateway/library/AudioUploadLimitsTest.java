package app.hearth.gateway.library;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import app.hearth.gateway.testing.DemoNodeTest;
import app.hearth.gateway.testing.Eventually;
import app.hearth.gateway.testing.RawHttp;
import app.hearth.platform.store.Store;
import app.hearth.room.library.AudioStore;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * {@code POST /api/audio} as an attacker would use it: nothing of a body is read before the caller
 * is known and allowed to upload, a body over the limit is refused as it streams (and what was
 * written is deleted), and uploads in flight are bounded per node.
 */
@DisplayName("Audio uploads: refused before a byte is read, streamed under a size limit, bounded in flight")
class AudioUploadLimitsTest extends DemoNodeTest {

    /** What the attack sent: a 24 MB body, under the limit, so that only authentication stops it. */
    static final long BIG = 24L * 1024 * 1024;

    static String therapist;
    static String patient;

    @BeforeAll
    static void signIn() {
        therapist = api.accessToken("therapist@demo.hearth", "hearth-demo");
        patient = api.accessToken("patient1@demo.hearth", "hearth-demo");
    }

    static RawHttp.Answer headersOnly(String authorization, long contentLength) {
        try (RawHttp http = RawHttp.connect(node.port())) {
            List<String> headers = new ArrayList<>(List.of("Content-Type: audio/wav", "Content-Length: " + contentLength,
                    "Expect: 100-continue"));
            if (authorization != null) {
                headers.add("Authorization: " + authorization);
            }
            http.sendHead("POST /api/audio?title=x HTTP/1.1", headers.toArray(String[]::new));
            RawHttp.Answer answer = http.readAnswer();
            assertTrue(http.closedByServer(), "the server closes the connection so the client stops sending");
            return answer;
        }
    }

    static void assertProblem(RawHttp.Answer answer, int status, String slug) {
        assertEquals(status, answer.status(), answer.body());
        assertEquals("application/problem+json", answer.header("Content-Type"));
        assertTrue(answer.body().contains("/problems/" + slug + "\""), answer.body());
    }

    @Test
    @DisplayName("with Expect: 100-continue, no token → 401, a patient → 403, a length over the limit → 413, before any body")
    void refusedBeforeTheBody() {
        assertProblem(headersOnly(null, BIG), 401, "unauthenticated");
        assertProblem(headersOnly("Bearer not-a-token", BIG), 401, "unauthenticated");
        assertProblem(headersOnly("Bearer " + patient, BIG), 403, "forbidden");
        assertProblem(headersOnly("Bearer " + therapist, AudioStore.MAX_UPLOAD_BYTES + 1), 413, "audio-too-large");
    }

    @Test
    @DisplayName("40 unauthenticated 24 MB uploads at once (no Expect) are each answered 401 long before their body is read; the node still works")
    void parallelUnauthenticatedUploads() throws Exception {
        int clients = 40;
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        try {
            List<Future<RawHttp.Streamed>> uploads = new ArrayList<>();
            for (int i = 0; i < clients; i++) {
                uploads.add(pool.submit(() -> {
                    try (RawHttp http = RawHttp.connect(node.port())) {
                        http.sendHead("POST /api/audio HTTP/1.1", "Content-Type: audio/wav", "Content-Length: " + BIG);
                        return http.streamBody(LibraryApiTest.wav(100), BIG, false);
                    }
                }));
            }
            for (Future<RawHttp.Streamed> upload : uploads) {
                RawHttp.Streamed done = upload.get();
                assertProblem(done.answer(), 401, "unauthenticated");
                // The server never reads the body: the client could only fill the sockets' buffers
                // before the answer came and the connection was closed.
                assertTrue(done.bodyBytesWritten() < BIG, "sent the whole body (" + done.bodyBytesWritten() + " bytes) before the answer");
            }
        } finally {
            pool.shutdownNow();
        }
        byte[] file = LibraryApiTest.wav(200_000);
        HttpResponse<byte[]> stored = LibraryApiTest.upload(therapist, file, "audio/wav");
        assertEquals(201, stored.statusCode(), new String(stored.body(), StandardCharsets.UTF_8));
    }

    @Test
    @DisplayName("an allowed upload that streams past the limit (chunked, no length) → 413, and no GridFS file or chunk is left")
    void overTheLimitWhileStreaming() {
        try (Store store = Store.connect(node.storeUri(), node.databaseName())) {
            long files = store.database().getCollection("audio.files").countDocuments();
            long chunks = store.database().getCollection("audio.chunks").countDocuments();
            try (RawHttp http = RawHttp.connect(node.port())) {
                http.sendHead("POST /api/audio HTTP/1.1", "Authorization: Bearer " + therapist, "Content-Type: audio/wav",
                        "Transfer-Encoding: chunked", "Expect: 100-continue");
                assertEquals(100, http.readAnswer().status(), "allowed: the server asks for the body");
                RawHttp.Streamed done = http.streamBody(LibraryApiTest.wav(100), AudioStore.MAX_UPLOAD_BYTES + 1024 * 1024, true);
                assertProblem(done.answer(), 413, "audio-too-large");
            }
            Eventually.within(Duration.ofSeconds(30), "the partial file is deleted", () -> {
                assertEquals(files, store.database().getCollection("audio.files").countDocuments());
                assertEquals(chunks, store.database().getCollection("audio.chunks").countDocuments());
            });
        }
    }

    @Test
    @DisplayName("uploads in flight are bounded: one more → 503 with Retry-After; once they end, uploads work again")
    void inFlightBound() throws Exception {
        List<RawHttp> held = new ArrayList<>();
        try {
            for (int i = 0; i < AudioStore.MAX_UPLOADS_IN_FLIGHT; i++) {
                RawHttp http = RawHttp.connect(node.port());
                held.add(http);
                http.sendHead("POST /api/audio HTTP/1.1", "Authorization: Bearer " + therapist, "Content-Type: audio/wav",
                        "Content-Length: 1000000", "Expect: 100-continue");
                assertEquals(100, http.readAnswer().status(), "upload " + i + " may start");
                assertTrue(http.send(LibraryApiTest.wav(100)));
            }
            try (RawHttp http = RawHttp.connect(node.port())) {
                http.sendHead("POST /api/audio HTTP/1.1", "Authorization: Bearer " + therapist, "Content-Type: audio/wav",
                        "Content-Length: 1000000", "Expect: 100-continue");
                RawHttp.Answer busy = http.readAnswer();
                assertProblem(busy, 503, "unavailable");
                assertNotNull(busy.header("Retry-After"), busy.headers().toString());
                assertTrue(http.closedByServer());
            }
        } finally {
            held.forEach(RawHttp::close);
        }
        Eventually.within(Duration.ofSeconds(30), "the abandoned uploads free their places", () -> {
            try {
                HttpResponse<byte[]> stored = LibraryApiTest.upload(therapist, LibraryApiTest.wav(1000), "audio/wav");
                assertEquals(201, stored.statusCode(), new String(stored.body(), StandardCharsets.UTF_8));
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        });
    }
}
