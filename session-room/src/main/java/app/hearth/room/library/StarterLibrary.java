package app.hearth.room.library;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The starter library that ships with Hearth ({@code starter-library/library.json}): mindfulness and
 * guided-imagery scripts and music playlists in the project's own words, and the recipes of their
 * audio, which {@link AmbientSynth} renders the first time a file is asked for (so starting a node
 * writes a few kilobytes, not megabytes of audio nobody may play).
 */
public final class StarterLibrary {

    public static final String RESOURCE = "/starter-library/library.json";

    private final JsonObject document;

    private StarterLibrary(JsonObject document) {
        this.document = document;
    }

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

    /** The items, in the shape the library stores ({@link ExerciseLibrary#loadStarter}). */
    public List<JsonObject> items() {
        List<JsonObject> items = new ArrayList<>();
        document.getJsonArray("items").forEach(o -> items.add(((JsonObject) o).copy()));
        return items;
    }

    public Set<String> audioIds() {
        return document.getJsonObject("audio").fieldNames();
    }

    public Optional<String> title(String audioId) {
        return Optional.ofNullable(document.getJsonObject("audio").getJsonObject(audioId)).map(a -> a.getString("title"));
    }

    /** The rendered WAV of a starter audio id, or empty when it is not one. */
    public Optional<byte[]> render(String audioId) {
        JsonObject recipe = audioId == null ? null : document.getJsonObject("audio").getJsonObject(audioId);
        if (recipe == null) {
            return Optional.empty();
        }
        JsonArray chord = recipe.getJsonArray("chord", new JsonArray().add(1));
        double[] ratios = new double[chord.size()];
        for (int i = 0; i < ratios.length; i++) {
            ratios[i] = ((Number) chord.getValue(i)).doubleValue();
        }
        return Optional.of(AmbientSynth.render(new AmbientSynth.Recipe(recipe.getString("kind"), recipe.getDouble("seconds"),
                recipe.getDouble("root"), ratios, recipe.getLong("seed", 1L), recipe.getInteger("chimes", 0))));
    }
}
