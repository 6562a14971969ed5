package app.hearth.gateway.care;

import app.hearth.care.aftercare.PracticeCatalog;
import app.hearth.platform.access.Actor;
import app.hearth.room.library.ExerciseLibrary;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Optional;

/**
 * The aftercare plan's view of the exercise library: the library decides what a therapist may
 * assign (its own visibility rules) and serves the definition a patient plays alone.
 */
public final class LibraryPracticeCatalog implements PracticeCatalog {

    private final ExerciseLibrary library;

    public LibraryPracticeCatalog(ExerciseLibrary library) {
        this.library = library;
    }

    @Override
    public Optional<ExerciseSummary> assignable(Actor therapist, String exerciseId) {
        return library.usable(therapist, exerciseId).map(LibraryPracticeCatalog::summary);
    }

    @Override
    public Optional<JsonObject> definition(String clinicId, String exerciseId) {
        return library.definition(clinicId, exerciseId);
    }

    /** The length of a script (its steps) or a playlist (its tracks), in whole seconds. */
    static ExerciseSummary summary(JsonObject item) {
        double seconds = 0;
        for (String list : new String[] {"steps", "tracks"}) {
            JsonArray parts = item.getJsonArray(list, new JsonArray());
            for (int i = 0; i < parts.size(); i++) {
                Number d = parts.getJsonObject(i).getNumber("durationSeconds");
                seconds += d == null ? 0 : d.doubleValue();
            }
        }
        return new ExerciseSummary(item.getString("id"), item.getString("kind"), item.getString("title"),
                item.getString("summary", ""), (int) Math.round(seconds));
    }
}
