package app.hearth.gateway.library;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import app.hearth.gateway.testing.ApiClient;
import app.hearth.gateway.testing.DemoNodeTest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Exercise library: authoring, sharing, archiving; audio upload and byte ranges")
class LibraryApiTest extends DemoNodeTest {

    static final HttpClient HTTP = HttpClient.newHttpClient();
    static String therapist;
    static String therapist2;
    static String patient;

    @BeforeAll
    static void signIn() {
        therapist = api.accessToken("therapist@demo.hearth", "hearth-demo");
        therapist2 = api.accessToken("therapist2@demo.hearth", "hearth-demo");
        patient = api.accessToken("patient1@demo.hearth", "hearth-demo");
    }

    /** A valid WAV file of the given number of samples (16-bit mono 22050 Hz) with a recognisable pattern. */
    static byte[] wav(int samples) {
        ByteBuffer b = ByteBuffer.allocate(44 + samples * 2).order(ByteOrder.LITTLE_ENDIAN);
        b.put("RIFF".getBytes(StandardCharsets.US_ASCII)).putInt(36 + samples * 2).put("WAVE".getBytes(StandardCharsets.US_ASCII));
        b.put("fmt ".getBytes(StandardCharsets.US_ASCII)).putInt(16).putShort((short) 1).putShort((short) 1).putInt(22050)
                .putInt(44100).putShort((short) 2).putShort((short) 16);
        b.put("data".getBytes(StandardCharsets.US_ASCII)).putInt(samples * 2);
        Random random = new Random(samples);
        for (int i = 0; i < samples; i++) {
            b.putShort((short) (random.nextInt(2000) - 1000));
        }
        return b.array();
    }

    static HttpResponse<byte[]> upload(String token, byte[] body, String contentType) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(node.baseUrl() + "/api/audio?title=Test%20tone"))
                .header("Authorization", "Bearer " + token).header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    static HttpResponse<byte[]> download(String token, String id, String range) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(node.baseUrl() + "/api/audio/" + id))
                .header("Authorization", "Bearer " + token);
        if (range != null) {
            request.header("Range", range);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    static JsonObject script(String title, String visibility) {
        return new JsonObject().put("kind", "mindfulness").put("title", title).put("summary", "Arriving in the body")
                .put("visibility", visibility).put("steps", new JsonArray()
                        .add(new JsonObject().put("text", "Let your eyes close, or rest them on the floor.").put("durationSeconds", 30))
                        .add(new JsonObject().put("text", "Breathe in for four, out for six.").put("durationSeconds", 60)
                                .put("pacer", new JsonObject().put("inhaleSeconds", 4).put("exhaleSeconds", 6))));
    }

    static List<String> titles(String token) {
        ApiClient.Reply list = api.get("/api/exercises", token);
        assertEquals(200, list.status(), list.body());
        return list.json().getJsonArray("items").stream().map(o -> ((JsonObject) o).getString("title")).toList();
    }

    @Test
    @DisplayName("private items are their author's, shared ones the clinic's; admins see all; patients none")
    void visibility() {
        ApiClient.Reply mine = api.postJson("/api/exercises", therapist, script("Maya's arrival", "private"));
        assertEquals(201, mine.status(), mine.body());
        assertEquals("private", mine.json().getString("visibility"));
        ApiClient.Reply shared = api.postJson("/api/exercises", therapist, script("Clinic arrival", "clinic"));
        assertEquals(201, shared.status(), shared.body());

        assertTrue(titles(therapist).containsAll(List.of("Maya's arrival", "Clinic arrival")));
        assertFalse(titles(therapist2).contains("Maya's arrival"));
        assertTrue(titles(therapist2).contains("Clinic arrival"));
        assertTrue(titles(admin).containsAll(List.of("Maya's arrival", "Clinic arrival")));
        assertEquals(403, api.get("/api/exercises", patient).status());
        assertEquals(404, api.get("/api/exercises/" + mine.json().getString("id"), therapist2).status());
    }

    @Test
    @DisplayName("only the author or an admin edits; anyone who sees an item can copy it; archived items leave the list")
    void editCopyArchive() {
        String id = api.postJson("/api/exercises", therapist, script("Grounding draft", "clinic")).json().getString("id");
        ApiClient.Reply foreign = api.put("/api/exercises/" + id, therapist2, script("Taken over", "clinic"));
        assertEquals(409, foreign.status(), foreign.body());
        assertEquals("exercise-read-only", foreign.problemType());
        ApiClient.Reply edited = api.put("/api/exercises/" + id, admin, script("Grounding", "clinic"));
        assertEquals(200, edited.status(), edited.body());
        assertEquals("Grounding", edited.json().getString("title"));

        ApiClient.Reply copy = api.postJson("/api/exercises/" + id + "/copy", therapist2, new JsonObject());
        assertEquals(201, copy.status(), copy.body());
        assertEquals("Grounding (copy)", copy.json().getString("title"));
        assertEquals("private", copy.json().getString("visibility"));
        assertEquals(2, copy.json().getJsonArray("steps").size());

        assertEquals(200, api.postJson("/api/exercises/" + id + "/archive", therapist, new JsonObject().put("archived", true)).status());
        assertFalse(titles(therapist).contains("Grounding"));
        assertTrue(api.get("/api/exercises?includeArchived=true", therapist).body().contains("\"Grounding\""));
    }

    @Test
    @DisplayName("bad items get a clear 400: a playlist with steps, an unknown audio file, a step of no length")
    void invalidItems() {
        ApiClient.Reply mixed = api.postJson("/api/exercises", therapist, script("Mixed", "private").put("kind", "playlist"));
        assertEquals(400, mixed.status(), mixed.body());
        assertEquals("invalid-exercise", mixed.problemType());
        ApiClient.Reply unknownAudio = api.postJson("/api/exercises", therapist, new JsonObject().put("kind", "playlist")
                .put("title", "Ghost music").put("tracks", new JsonArray().add(new JsonObject().put("title", "Nothing")
                        .put("audioId", "no-such-audio").put("durationSeconds", 60))));
        assertEquals(400, unknownAudio.status(), unknownAudio.body());
        assertEquals("/tracks/0/audioId", unknownAudio.json().getString("field"), unknownAudio.body());
        JsonObject zero = script("Zero", "private");
        zero.getJsonArray("steps").getJsonObject(0).put("durationSeconds", 0);
        assertEquals(400, api.postJson("/api/exercises", therapist, zero).status());
    }

    @Test
    @DisplayName("audio: uploads are checked by content and size; byte ranges, suffixes and bad ranges are answered per RFC 9110")
    void audio() throws Exception {
        byte[] file = wav(1_600_000); // ~3.2 MB: answers are streamed in several pieces
        HttpResponse<byte[]> stored = upload(therapist, file, "audio/wav");
        assertEquals(201, stored.statusCode(), new String(stored.body(), StandardCharsets.UTF_8));
        JsonObject meta = new JsonObject(new String(stored.body(), StandardCharsets.UTF_8));
        assertEquals("audio/wav", meta.getString("mediaType"));
        assertEquals(file.length, meta.getLong("length"));
        String id = meta.getString("id");

        // wrong type (claims MP3, is text), oversize, and a patient uploading
        HttpResponse<byte[]> text = upload(therapist, "this is not audio at all, just some words ....................................".getBytes(StandardCharsets.UTF_8), "audio/mpeg");
        assertEquals(415, text.statusCode());
        assertTrue(new String(text.body(), StandardCharsets.UTF_8).contains("unsupported-audio"));
        // a declared length over the limit is refused before the body is read (and the connection closed)
        try (app.hearth.gateway.testing.RawHttp raw = app.hearth.gateway.testing.RawHttp.connect(node.port())) {
            raw.sendHead("POST /api/audio HTTP/1.1", "Authorization: Bearer " + therapist, "Content-Type: audio/wav",
                    "Content-Length: " + 26 * 1024 * 1024, "Expect: 100-continue");
            app.hearth.gateway.testing.RawHttp.Answer huge = raw.readAnswer();
            assertEquals(413, huge.status());
            assertTrue(huge.body().contains("audio-too-large"), huge.body());
        }
        assertEquals(403, upload(patient, wav(1000), "audio/wav").statusCode());

        // whole, first bytes, middle, suffix
        HttpResponse<byte[]> whole = download(patient, id, null);
        assertEquals(200, whole.statusCode());
        assertEquals("bytes", whole.headers().firstValue("Accept-Ranges").orElse(""));
        assertArrayEquals(file, whole.body());
        HttpResponse<byte[]> first = download(patient, id, "bytes=0-99");
        assertEquals(206, first.statusCode());
        assertEquals("bytes 0-99/" + file.length, first.headers().firstValue("Content-Range").orElse(""));
        assertArrayEquals(Arrays.copyOfRange(file, 0, 100), first.body());
        HttpResponse<byte[]> middle = download(therapist, id, "bytes=2000000-2099999");
        assertEquals(206, middle.statusCode());
        assertArrayEquals(Arrays.copyOfRange(file, 2_000_000, 2_100_000), middle.body());
        HttpResponse<byte[]> suffix = download(therapist, id, "bytes=-500");
        assertEquals(206, suffix.statusCode());
        assertArrayEquals(Arrays.copyOfRange(file, file.length - 500, file.length), suffix.body());
        HttpResponse<byte[]> open = download(therapist, id, "bytes=3000000-");
        assertArrayEquals(Arrays.copyOfRange(file, 3_000_000, file.length), open.body());

        // unsatisfiable and malformed ranges
        for (String bad : List.of("bytes=" + file.length + "-", "bytes=500-100", "bytes=abc", "bytes=-0")) {
            HttpResponse<byte[]> refused = download(therapist, id, bad);
            assertEquals(416, refused.statusCode(), bad);
            assertEquals("bytes */" + file.length, refused.headers().firstValue("Content-Range").orElse(""), bad);
        }
        assertEquals(404, download(therapist, "no-such-file", null).statusCode());
        assertEquals(401, download("not-a-token", id, null).statusCode());
    }

    @Test
    @DisplayName("a playlist can use the clinic's uploaded audio")
    void playlistWithUpload() throws Exception {
        String id = new JsonObject(new String(upload(therapist, wav(22050), "audio/wav").body(), StandardCharsets.UTF_8)).getString("id");
        ApiClient.Reply playlist = api.postJson("/api/exercises", therapist, new JsonObject().put("kind", "playlist")
                .put("title", "Settling").put("visibility", "clinic")
                .put("tracks", new JsonArray().add(new JsonObject().put("title", "One second").put("audioId", id).put("durationSeconds", 1))));
        assertEquals(201, playlist.status(), playlist.body());
        assertEquals(id, playlist.json().getJsonArray("tracks").getJsonObject(0).getString("audioId"));
    }

    @Test
    @DisplayName("the starter library is there for every therapist, read-only, copyable, and its audio is made on first play")
    void starterLibrary() throws Exception {
        assertTrue(titles(therapist2).containsAll(List.of("Body scan", "Breath awareness", "Grounding: 5-4-3-2-1", "Safe place",
                "The river", "The opening door", "Settling", "Integration reflections")));
        ApiClient.Reply edit = api.put("/api/exercises/starter-body-scan", admin, script("Mine now", "clinic"));
        assertEquals(409, edit.status(), edit.body());
        ApiClient.Reply copy = api.postJson("/api/exercises/starter-body-scan/copy", therapist, new JsonObject());
        assertEquals(201, copy.status(), copy.body());
        assertEquals("Body scan (copy)", copy.json().getString("title"));

        HttpResponse<byte[]> track = download(patient, "starter-track-dawn", "bytes=0-11");
        assertEquals(206, track.statusCode());
        assertEquals("RIFF", new String(track.body(), 0, 4, StandardCharsets.US_ASCII));
        assertEquals("audio/wav", track.headers().firstValue("Content-Type").orElse(""));
    }
}
