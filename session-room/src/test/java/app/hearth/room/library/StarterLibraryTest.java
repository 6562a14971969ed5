package app.hearth.room.library;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("The starter library and its synthesized audio")
class StarterLibraryTest {

    static final StarterLibrary LIBRARY = StarterLibrary.load();
    static final Set<String> BELLS = Set.of("starter-bell");
    /** Every starter sound rendered once, timed. */
    static final Map<String, byte[]> RENDERED = new LinkedHashMap<>();

    @BeforeAll
    static void renderEverything() {
        long started = System.nanoTime();
        for (String id : LIBRARY.audioIds()) {
            RENDERED.put(id, LIBRARY.render(id).orElseThrow());
        }
        long millis = (System.nanoTime() - started) / 1_000_000;
        double seconds = LIBRARY.audioIds().stream().mapToDouble(id -> LIBRARY.durationSeconds(id).orElseThrow()).sum();
        long bytes = RENDERED.values().stream().mapToLong(b -> b.length).sum();
        System.out.printf("rendered %d starter sounds (%.0f s of audio, %.1f MiB of WAV) in %d ms%n", RENDERED.size(), seconds,
                bytes / 1048576.0, millis);
    }

    @Test
    @DisplayName("given the starter library, then it has breath awareness, a body scan, 5-4-3-2-1 grounding, a safe place, a river, an opening door and two playlists")
    void catalogue() {
        Map<String, Long> kinds = LIBRARY.items().stream().collect(Collectors.groupingBy(i -> i.getString("kind"), Collectors.counting()));
        assertEquals(Map.of("mindfulness", 3L, "imagery", 3L, "playlist", 2L), kinds);
        List<String> ids = LIBRARY.items().stream().map(i -> i.getString("id")).toList();
        assertEquals(ids.size(), Set.copyOf(ids).size(), "ids are unique: " + ids);
        assertTrue(ids.containsAll(List.of("starter-breath-awareness", "starter-body-scan", "starter-grounding-54321",
                "starter-safe-place", "starter-river", "starter-opening-door")), ids.toString());
        for (JsonObject item : LIBRARY.items()) {
            assertTrue(item.getString("id").startsWith("starter-"), item.getString("id"));
            assertFalse(item.getString("title", "").isBlank(), item.getString("id") + " has a title");
            assertFalse(item.getString("summary", "").isBlank(), item.getString("id") + " has a summary");
            assertFalse(parts(item).isEmpty(), item.getString("id") + " has steps or tracks");
        }
    }

    @Test
    @DisplayName("every step has words of its own and a positive duration: no step text is empty or said twice anywhere in the library")
    void ownWords() {
        Set<String> texts = new HashSet<>();
        for (JsonObject item : LIBRARY.items()) {
            StringBuilder script = new StringBuilder();
            for (JsonObject part : parts(item)) {
                assertTrue(part.getDouble("durationSeconds", 0.0) > 0, part.encode());
                assertFalse(part.getString("title", "").isBlank(), part.encode());
                if (!"playlist".equals(item.getString("kind"))) {
                    String text = part.getString("text", "");
                    assertFalse(text.isBlank(), "a step with nothing to say: " + part.encode());
                    assertTrue(texts.add(text.strip()), "said twice: " + text);
                    script.append(text).append('\n');
                }
            }
            if (!"playlist".equals(item.getString("kind"))) {
                assertTrue(script.length() > 300, item.getString("id") + " carries its full script as text: " + script.length() + " chars");
            }
        }
    }

    @Test
    @DisplayName("a breathing pacer has positive phases and its step holds whole breaths")
    void pacer() {
        int pacers = 0;
        for (JsonObject item : LIBRARY.items()) {
            for (JsonObject step : parts(item)) {
                JsonObject pacer = step.getJsonObject("pacer");
                if (pacer == null) {
                    continue;
                }
                pacers++;
                assertTrue(pacer.getDouble("inhaleSeconds") > 0 && pacer.getDouble("exhaleSeconds") > 0, pacer.encode());
                double cycle = 0;
                for (String phase : List.of("inhaleSeconds", "holdSeconds", "exhaleSeconds", "restSeconds")) {
                    double seconds = pacer.getDouble(phase, 0.0);
                    assertTrue(seconds >= 0, pacer.encode());
                    cycle += seconds;
                }
                assertEquals(0, step.getDouble("durationSeconds") % cycle, 1e-9, "the step ends on an out-breath: " + step.encode());
            }
        }
        assertTrue(pacers >= 1, "breath awareness paces the breath");
    }

    @Test
    @DisplayName("every audio id an item names renders, and a playlist track lasts what it declares (within 1%)")
    void audioReferences() {
        for (JsonObject item : LIBRARY.items()) {
            Set<String> used = StarterLibrary.audioIdsOf(item);
            assertTrue(LIBRARY.audioIds().containsAll(used), item.getString("id") + " names " + used);
            if (!"playlist".equals(item.getString("kind"))) {
                assertTrue(parts(item).stream().anyMatch(s -> s.containsKey("cueAudioId")), item.getString("id") + " rings a bell");
            }
            for (JsonObject track : item.getJsonArray("tracks", new JsonArray()).stream().map(JsonObject.class::cast).toList()) {
                double declared = track.getDouble("durationSeconds");
                assertEquals(declared, Wav.parse(RENDERED.get(track.getString("audioId"))).seconds(), 0.01 * declared, track.encode());
                assertEquals(declared, LIBRARY.durationSeconds(track.getString("audioId")).orElseThrow(), 0.01 * declared);
            }
        }
        Set<String> usedAnywhere = LIBRARY.items().stream().flatMap(i -> StarterLibrary.audioIdsOf(i).stream()).collect(Collectors.toSet());
        assertEquals(LIBRARY.audioIds(), usedAnywhere, "no recipe is rendered for nothing");
    }

    @Test
    @DisplayName("backgrounds last 60-120 s and run on into their own start; bells last 2-4 s")
    void lengths() {
        Set<String> backgrounds = new HashSet<>();
        LIBRARY.items().forEach(i -> parts(i).forEach(p -> {
            if (p.containsKey("backgroundAudioId")) {
                backgrounds.add(p.getString("backgroundAudioId"));
            }
        }));
        assertFalse(backgrounds.isEmpty());
        for (String id : backgrounds) {
            Wav wav = Wav.parse(RENDERED.get(id));
            assertTrue(wav.seconds() >= 60 && wav.seconds() <= 120, id + " lasts " + wav.seconds() + " s");
            AmbientSynthTest.assertSeamless(id, wav);
            AmbientSynthTest.assertPeriodic(id, AmbientSynth.tone(LIBRARY.recipe(id).orElseThrow()));
        }
        for (String id : BELLS) {
            double seconds = Wav.parse(RENDERED.get(id)).seconds();
            assertTrue(seconds >= 2 && seconds <= 4, id + " lasts " + seconds + " s");
        }
    }

    @Test
    @DisplayName("rendered audio is 16-bit mono WAV at 22,050 Hz as long as declared, audible, never clipping, soft at both ends, the same bytes every time")
    void renderedAudio() {
        Map<String, Double> rmsById = new HashMap<>();
        for (Map.Entry<String, byte[]> rendered : RENDERED.entrySet()) {
            String id = rendered.getKey();
            Wav wav = Wav.parse(rendered.getValue());
            assertEquals(22_050, wav.format().getSampleRate(), 0.01, id);
            double declared = LIBRARY.durationSeconds(id).orElseThrow();
            assertEquals(declared, wav.seconds(), 0.01 * declared, id);
            double rms = wav.rms();
            rmsById.put(id, rms);
            assertTrue(rms > 1000, id + " is audible (rms " + rms + ")");
            assertTrue(wav.peak() < 32_000, id + " stays below full scale (peak " + wav.peak() + ")");
            if (BELLS.contains(id)) {
                assertTrue(wav.rmsOfFirst(1) < rms / 2, id + " is struck from silence, not with a click");
            } else {
                assertTrue(wav.rmsOfFirst(50) < rms / 4, id + " fades in (" + wav.rmsOfFirst(50) + " vs " + rms + ")");
            }
            assertTrue(wav.rmsOfLast(50) < rms / 4, id + " fades out (" + wav.rmsOfLast(50) + " vs " + rms + ")");
            assertArrayEquals(rendered.getValue(), LIBRARY.render(id).orElseThrow(), id + " renders the same bytes twice");
        }
        System.out.println("rms per starter sound: " + rmsById);
    }

    @Test
    @DisplayName("an id that is not starter audio renders nothing and has no length")
    void unknownAudio() {
        assertTrue(LIBRARY.render("not-a-starter-sound").isEmpty());
        assertTrue(LIBRARY.render(null).isEmpty());
        assertTrue(LIBRARY.durationSeconds("not-a-starter-sound").isEmpty());
        assertTrue(LIBRARY.title("not-a-starter-sound").isEmpty());
    }

    @Test
    @DisplayName("items handed out are copies: changing one does not change the library")
    void copies() {
        LIBRARY.items().get(0).put("title", "changed").getJsonArray("steps").clear();
        assertFalse(LIBRARY.items().get(0).getString("title").equals("changed"));
        assertFalse(LIBRARY.items().get(0).getJsonArray("steps").isEmpty());
    }

    static List<JsonObject> parts(JsonObject item) {
        JsonArray parts = item.getJsonArray("playlist".equals(item.getString("kind")) ? "tracks" : "steps", new JsonArray());
        List<JsonObject> out = new ArrayList<>();
        parts.forEach(o -> out.add((JsonObject) o));
        return out;
    }
}
