package app.hearth.care.aftercare;

import app.hearth.platform.access.Actor;
import io.vertx.core.json.JsonObject;
import java.util.Optional;

/**
 * The exercises a practice can point at. A port: the library lives with the live rooms, which the
 * clinical record may not know (ArchitectureTest); the gateway implements it over the library, so
 * the library's own visibility rules decide. Blocking: call from the store pool.
 */
public interface PracticeCatalog {

    /** What a plan shows of an exercise without its script: kind, title, summary, length. */
    record ExerciseSummary(String id, String kind, String title, String summary, int totalSeconds) {
    }

    /** The exercise, if {@code therapist} may use it now (visible to them and not archived). */
    Optional<ExerciseSummary> assignable(Actor therapist, String exerciseId);

    /**
     * The full definition (as the library's own API shows it: steps and tracks with their audio ids)
     * of an exercise a plan of {@code clinicId} already points at, even if it was archived since.
     * Another clinic's item is not found.
     */
    Optional<JsonObject> definition(String clinicId, String exerciseId);
}
