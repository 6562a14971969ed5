package app.hearth.room.library;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayInputStream;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import javax.sound.sampled.AudioFormat;
import javax.sound.sampled.AudioInputStream;
import javax.sound.sampled.AudioSystem;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("The starter library and its synthesized audio")
class StarterLibraryTest {

    static final StarterLibrary LIBRARY = StarterLibrary.load();

    @Test
    @DisplayName("three mindfulness scripts, three guided-imagery scripts, two playlists; every step has text and time")
    void catalogue() {
        Map<String, Long> kinds = LIBRARY.items().stream().collect(Collectors.groupingBy(i -> i.getString("kind"), Collectors.counting()));
        assertEquals(Map.of("mindfulness", 3L, "imagery", 3L, "playlist", 2L), kinds);
        Set<String> ids = LIBRARY.items().stream().map(i -> i.getString("id")).collect(Collectors.toSet());
        assertTrue(ids.containsAll(List.of("starter-breath-awareness", "starter-body-scan", "starter-grounding-54321",
                "starter-safe-place", "starter-river", "starter-opening-door")), ids.toString());
        Set<String> texts = new HashSet<>();
        for (JsonObject item : LIBRARY.items()) {
            assertFalse(item.getString("title").isBlank());
            assertFalse(item.getString("summary").isBlank());
            JsonArray parts = item.getJsonArray("playlist".equals(item.getString("kind")) ? "tracks" : "steps");
            assertFalse(parts.isEmpty(), item.getString("id"));
            for (Object o : parts) {
                JsonObject part = (JsonObject) o;
                assertTrue(part.getDouble("durationSeconds") > 0, part.encode());
                if (part.containsKey("text")) {
                    assertTrue(texts.add(part.getString("text")), "every step says something of its own: " + part.getString("text"));
                }
            }
        }
        assertTrue(texts.size() >= 25, "scripts carry their full text");
    }

    @Test
    @DisplayName("every audio id an item uses has a recipe, and playlist tracks last exactly what they declare")
    void audioReferences() {
        for (JsonObject item : LIBRARY.items()) {
            for (Object o : item.getJsonArray("steps", new JsonArray()).addAll(item.getJsonArray("tracks", new JsonArray()))) {
                JsonObject part = (JsonObject) o;
                for (String key : List.of("audioId", "cueAudioId", "backgroundAudioId")) {
                    if (part.containsKey(key)) {
                        assertTrue(LIBRARY.audioIds().contains(part.getString(key)), part.getString(key));
                    }
                }
                if (part.containsKey("audioId")) {
                    double seconds = duration(LIBRARY.render(part.getString("audioId")).orElseThrow());
                    assertEquals(part.getDouble("durationSeconds"), seconds, 0.01 * seconds, part.encode());
                }
            }
        }
    }

    @Test
    @DisplayName("rendered audio is WAV that plays: not silent, never clipping, fading in and out, the same bytes every time")
    void renderedAudio() throws Exception {
        long started = System.nanoTime();
        for (String id : LIBRARY.audioIds()) {
            byte[] wav = LIBRARY.render(id).orElseThrow();
            try (AudioInputStream in = AudioSystem.getAudioInputStream(new ByteArrayInputStream(wav))) {
                AudioFormat format = in.getFormat();
                assertEquals(AmbientSynth.SAMPLE_RATE, format.getSampleRate(), 0.1);
                assertEquals(16, format.getSampleSizeInBits());
                assertEquals(1, format.getChannels());
            }
            short[] samples = samples(wav);
            double rms = rms(samples, 0, samples.length);
            assertTrue(rms > 1000, id + " is audible (rms " + rms + ")");
            int peak = 0;
            for (short s : samples) {
                peak = Math.max(peak, Math.abs(s));
            }
            assertTrue(peak < 32767, id + " never reaches full scale");
            int edge = AmbientSynth.SAMPLE_RATE / 20;
            if (!"starter-bell".equals(id)) {
                assertTrue(rms(samples, 0, edge) < rms / 4, id + " fades in");
                assertTrue(rms(samples, samples.length - edge, samples.length) < rms / 4, id + " fades out");
            }
            assertArrayEquals(wav, LIBRARY.render(id).orElseThrow(), id + " is deterministic");
        }
        System.out.printf("rendered %d starter sounds twice in %d ms%n", LIBRARY.audioIds().size(),
                (System.nanoTime() - started) / 1_000_000);
        assertTrue(LIBRARY.render("not-a-starter-sound").isEmpty());
    }

    static double duration(byte[] wav) {
        return (wav.length - 44) / 2.0 / AmbientSynth.SAMPLE_RATE;
    }

    static short[] samples(byte[] wav) {
        short[] out = new short[(wav.length - 44) / 2];
        for (int i = 0; i < out.length; i++) {
            out[i] = (short) ((wav[44 + 2 * i] & 0xFF) | (wav[45 + 2 * i] << 8));
        }
        return out;
    }

    static double rms(short[] samples, int from, int to) {
        double sum = 0;
        for (int i = from; i < to; i++) {
            sum += (double) samples[i] * samples[i];
        }
        return Math.sqrt(sum / Math.max(1, to - from));
    }
}
