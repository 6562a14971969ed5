package app.hearth.room.library;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.Set;

/**
 * The starter library that ships with Hearth ({@code starter-library/library.json}): mindfulness and
 * guided-imagery scripts and music playlists in the project's own words, and the recipes of their
 * audio, which {@link AmbientSynth} renders the first time a file is asked for (so starting a node
 * writes a few kilobytes, not megabytes of audio nobody may play).
 *
 * <p>Items are JSON in the shape the library stores ({@link ExerciseLibrary#loadStarter}): {@code id},
 * {@code kind} ({@code mindfulness}, {@code imagery} or {@code playlist}), {@code title},
 * {@code summary}, then either {@code steps} ({@code title}, {@code text}, {@code durationSeconds},
 * optional {@code cueAudioId}, {@code backgroundAudioId} and breathing {@code pacer}
 * {@code {inhaleSeconds, holdSeconds, exhaleSeconds, restSeconds}}) or {@code tracks} ({@code title},
 * {@code audioId}, {@code durationSeconds}).
 */
public final class StarterLibrary {

    public static final String RESOURCE = "/starter-library/library.json";
    /** The keys of a step or track that name an audio id. */
    private static final List<String> AUDIO_KEYS = List.of("audioId", "cueAudioId", "backgroundAudioId");

    private final List<JsonObject> items;
    private final Map<String, AmbientSynth.Recipe> recipes;
    private final Map<String, String> titles;

    private StarterLibrary(JsonObject document) {
        List<JsonObject> read = new ArrayList<>();
        document.getJsonArray("items").forEach(o -> read.add((JsonObject) o));
        this.items = List.copyOf(read);
        Map<String, AmbientSynth.Recipe> recipes = new LinkedHashMap<>();
        Map<String, String> titles = new LinkedHashMap<>();
        JsonObject audio = document.getJsonObject("audio");
        for (String id : audio.fieldNames()) {
            JsonObject recipe = audio.getJsonObject(id);
            recipes.put(id, recipe(id, recipe));
            titles.put(id, recipe.getString("title", id));
        }
        this.recipes = Collections.unmodifiableMap(recipes);
        this.titles = Collections.unmodifiableMap(titles);
    }

    /**
     * Reads the starter library from the classpath. Every audio recipe is checked here, so a broken
     * one stops the node at start-up rather than at a session's first play.
     */
    public static StarterLibrary load() {
        try (InputStream in = StarterLibrary.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " is missing from the classpath");
            }
            return new StarterLibrary(new JsonObject(new String(in.readAllBytes(), StandardCharsets.UTF_8)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static AmbientSynth.Recipe recipe(String id, JsonObject recipe) {
        JsonArray chord = recipe.getJsonArray("chord", new JsonArray().add(1));
        double[] ratios = new double[chord.size()];
        for (int i = 0; i < ratios.length; i++) {
            ratios[i] = ((Number) chord.getValue(i)).doubleValue();
        }
        try {
            return new AmbientSynth.Recipe(recipe.getString("kind"), recipe.getDouble("seconds"), recipe.getDouble("root"), ratios,
                    recipe.getLong("seed", 1L), recipe.getInteger("chimes", 0), recipe.getBoolean("loop", false));
        } catch (RuntimeException e) {
            throw new IllegalStateException("starter audio " + id + ": " + e.getMessage(), e);
        }
    }

    /** The items, each a fresh copy the caller may change. */
    public List<JsonObject> items() {
        List<JsonObject> copies = new ArrayList<>();
        items.forEach(item -> copies.add(item.copy()));
        return copies;
    }

    /** Every starter audio id there is a recipe for. */
    public Set<String> audioIds() {
        return recipes.keySet();
    }

    /** The audio ids an item's steps or tracks name (cue bells, backgrounds, tracks), in order of first use. */
    public static Set<String> audioIdsOf(JsonObject item) {
        Set<String> ids = new LinkedHashSet<>();
        for (String list : List.of("steps", "tracks")) {
            for (Object o : item.getJsonArray(list, new JsonArray())) {
                JsonObject part = (JsonObject) o;
                AUDIO_KEYS.stream().map(part::getString).filter(id -> id != null).forEach(ids::add);
            }
        }
        return ids;
    }

    public Optional<String> title(String audioId) {
        return Optional.ofNullable(audioId == null ? null : titles.get(audioId));
    }

    /** The exact length in seconds of the file {@link #render} gives for this id, or empty when it is not one. */
    public OptionalDouble durationSeconds(String audioId) {
        return recipe(audioId).map(r -> OptionalDouble.of((double) r.frames() / AmbientSynth.SAMPLE_RATE)).orElse(OptionalDouble.empty());
    }

    /** The recipe of a starter audio id, or empty when it is not one. */
    public Optional<AmbientSynth.Recipe> recipe(String audioId) {
        return Optional.ofNullable(audioId == null ? null : recipes.get(audioId));
    }

    /** The rendered WAV (16-bit PCM, mono, 22,050 Hz) of a starter audio id, or empty when it is not one. */
    public Optional<byte[]> render(String audioId) {
        return recipe(audioId).map(AmbientSynth::render);
    }
}
