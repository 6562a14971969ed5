package app.hearth.room.library;

import app.hearth.platform.access.Actor;
import app.hearth.platform.access.Role;
import app.hearth.platform.problem.CommonProblems;
import app.hearth.platform.security.OpaqueTokens;
import app.hearth.platform.store.Blocking;
import app.hearth.platform.store.Store;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Indexes;
import com.mongodb.client.model.Sorts;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Set;
import org.bson.Document;
import org.bson.conversions.Bson;

/**
 * The guided-exercise library: mindfulness and guided-imagery scripts (ordered steps) and music
 * playlists (tracks). Therapists author, clone and archive items, private or shared with their
 * clinic; admins see all of their clinic's; the starter library is everyone's and read-only.
 * Patients never browse it: they meet an item when their therapist runs it in a room.
 */
public final class ExerciseLibrary {

    public static final String COLLECTION = "exercises";
    public static final Set<String> KINDS = Set.of("mindfulness", "imagery", "playlist");
    private static final String STARTER = AudioStore.STARTER;

    private final MongoCollection<Document> items;
    private final AudioStore audio;
    private final Blocking blocking;
    private final Clock clock;

    public ExerciseLibrary(Store store, AudioStore audio, Blocking blocking, Clock clock) {
        this.items = store.collection(COLLECTION);
        this.audio = audio;
        this.blocking = blocking;
        this.clock = clock;
    }

    public void ensureIndexes() {
        items.createIndex(Indexes.ascending("clinicId", "kind"));
    }

    /** What the caller may see: the starter library, their clinic's shared items, their own (admins: the clinic's). */
    private Bson visibleTo(Actor actor) {
        Bson clinic = actor.is(Role.ADMIN) ? Filters.eq("clinicId", actor.clinicId())
                : Filters.and(Filters.eq("clinicId", actor.clinicId()),
                Filters.or(Filters.eq("visibility", "clinic"), Filters.eq("ownerId", actor.personId())));
        return Filters.or(Filters.eq("clinicId", STARTER), clinic);
    }

    private static void careTeamOnly(Actor actor) {
        if (actor.is(Role.PATIENT)) {
            throw CommonProblems.FORBIDDEN.exception("The exercise library is for the care team");
        }
    }

    public Future<List<JsonObject>> list(Actor actor, String kind, boolean includeArchived) {
        return blocking.run(() -> {
            careTeamOnly(actor);
            List<Bson> filters = new ArrayList<>(List.of(visibleTo(actor)));
            if (kind != null) {
                filters.add(Filters.eq("kind", kind));
            }
            if (!includeArchived) {
                filters.add(Filters.ne("archived", true));
            }
            List<JsonObject> result = new ArrayList<>();
            items.find(Filters.and(filters)).sort(Sorts.ascending("title")).forEach(d -> result.add(view(d)));
            return result;
        });
    }

    public Future<JsonObject> get(Actor actor, String id) {
        return blocking.run(() -> {
            careTeamOnly(actor);
            return view(visible(actor, id));
        });
    }

    /** The item as a room's host may run it (the definition every participant is sent). */
    public Future<JsonObject> runnable(Actor host, String id) {
        return blocking.run(() -> {
            Document doc = visible(host, id);
            if (Boolean.TRUE.equals(doc.getBoolean("archived"))) {
                throw LibraryProblems.EXERCISE_NOT_FOUND.exception("That exercise is archived");
            }
            return view(doc);
        });
    }

    /**
     * The item as {@link #get} shows it, if {@code actor} may use it now: visible to them and not
     * archived (e.g. to assign it to a patient's aftercare plan). Blocking: call from the store pool.
     */
    public java.util.Optional<JsonObject> usable(Actor actor, String id) {
        Document doc = id == null ? null : items.find(Filters.and(Filters.eq("_id", id), visibleTo(actor))).first();
        return doc == null || Boolean.TRUE.equals(doc.getBoolean("archived")) ? java.util.Optional.empty()
                : java.util.Optional.of(view(doc));
    }

    /**
     * An item a clinic's records already point at (a practice assigned from it), as {@link #get} shows
     * it, even if it was archived or made private since: the clinic's own items and the starter
     * library, never another clinic's. Blocking: call from the store pool.
     */
    public java.util.Optional<JsonObject> definition(String clinicId, String id) {
        Document doc = id == null ? null : items.find(Filters.and(Filters.eq("_id", id),
                Filters.in("clinicId", clinicId, STARTER))).first();
        return java.util.Optional.ofNullable(doc).map(ExerciseLibrary::view);
    }

    public Future<JsonObject> create(Actor actor, JsonObject request) {
        return blocking.run(() -> {
            careTeamOnly(actor);
            Document doc = validated(actor, request).append("_id", OpaqueTokens.newSecret().substring(0, 22))
                    .append("clinicId", actor.clinicId()).append("ownerId", actor.personId()).append("archived", false)
                    .append("createdAt", Date.from(clock.instant())).append("updatedAt", Date.from(clock.instant()));
            items.insertOne(doc);
            return view(doc);
        });
    }

    public Future<JsonObject> update(Actor actor, String id, JsonObject request) {
        return blocking.run(() -> {
            careTeamOnly(actor);
            Document current = editable(actor, id);
            Document next = validated(actor, request).append("_id", id).append("clinicId", current.getString("clinicId"))
                    .append("ownerId", current.getString("ownerId")).append("archived", current.getBoolean("archived", false))
                    .append("createdAt", current.get("createdAt")).append("updatedAt", Date.from(clock.instant()));
            items.replaceOne(Filters.eq("_id", id), next);
            return view(next);
        });
    }

    /** A private copy for the caller, of anything they may see (the way to adapt a starter item). */
    public Future<JsonObject> copy(Actor actor, String id) {
        return blocking.run(() -> {
            careTeamOnly(actor);
            Document source = visible(actor, id);
            Document copy = new Document(source).append("_id", OpaqueTokens.newSecret().substring(0, 22))
                    .append("clinicId", actor.clinicId()).append("ownerId", actor.personId()).append("visibility", "private")
                    .append("archived", false).append("title", clip(source.getString("title") + " (copy)", 120))
                    .append("copiedFrom", id).append("createdAt", Date.from(clock.instant()))
                    .append("updatedAt", Date.from(clock.instant()));
            items.insertOne(copy);
            return view(copy);
        });
    }

    public Future<JsonObject> archive(Actor actor, String id, boolean archived) {
        return blocking.run(() -> {
            careTeamOnly(actor);
            editable(actor, id);
            items.updateOne(Filters.eq("_id", id), new Document("$set", new Document("archived", archived)
                    .append("updatedAt", Date.from(clock.instant()))));
            return view(items.find(Filters.eq("_id", id)).first());
        });
    }

    /** Loads the starter library when it is not there yet (any node may; ids are fixed, so once). */
    public Future<Integer> loadStarter(List<JsonObject> starterItems) {
        return blocking.run(() -> {
            int added = 0;
            for (JsonObject item : starterItems) {
                if (items.find(Filters.eq("_id", item.getString("id"))).first() == null) {
                    Document doc = Document.parse(item.copy().put("visibility", "starter").encode());
                    doc.remove("id");
                    try {
                        items.insertOne(doc.append("_id", item.getString("id")).append("clinicId", STARTER).append("ownerId", null)
                                .append("archived", false).append("createdAt", Date.from(clock.instant()))
                                .append("updatedAt", Date.from(clock.instant())));
                        added++;
                    } catch (com.mongodb.MongoWriteException e) {
                        if (e.getError().getCategory() != com.mongodb.ErrorCategory.DUPLICATE_KEY) {
                            throw e; // another node loaded it at the same moment: fine; anything else is not
                        }
                    }
                }
            }
            return added;
        });
    }

    private Document visible(Actor actor, String id) {
        Document doc = id == null ? null : items.find(Filters.and(Filters.eq("_id", id), visibleTo(actor))).first();
        if (doc == null) {
            throw LibraryProblems.EXERCISE_NOT_FOUND.exception(null);
        }
        return doc;
    }

    /** The owner, or an admin of the same clinic; starter items are nobody's to change. */
    private Document editable(Actor actor, String id) {
        Document doc = visible(actor, id);
        if (STARTER.equals(doc.getString("clinicId"))) {
            throw LibraryProblems.READ_ONLY.exception("Starter items are read-only: clone one to adapt it");
        }
        if (!actor.is(Role.ADMIN) && !actor.personId().equals(doc.getString("ownerId"))) {
            throw LibraryProblems.READ_ONLY.exception("Only its author or an admin can change it; clone it to adapt it");
        }
        return doc;
    }

    /** Checks a create/update body beyond its schema: shape per kind and that every audio file is the clinic's to use. */
    private Document validated(Actor actor, JsonObject request) {
        String kind = request.getString("kind");
        JsonArray steps = request.getJsonArray("steps", new JsonArray());
        JsonArray tracks = request.getJsonArray("tracks", new JsonArray());
        if ("playlist".equals(kind) ? tracks.isEmpty() || !steps.isEmpty() : steps.isEmpty() || !tracks.isEmpty()) {
            throw LibraryProblems.INVALID_EXERCISE.exception("playlist".equals(kind)
                    ? "A playlist has tracks and no steps" : "A script has steps and no tracks", "playlist".equals(kind) ? "tracks" : "steps");
        }
        for (int i = 0; i < steps.size(); i++) {
            JsonObject step = steps.getJsonObject(i);
            for (String key : List.of("cueAudioId", "backgroundAudioId")) {
                if (step.getString(key) != null) {
                    checkAudio(actor, step.getString(key), "/steps/" + i + "/" + key);
                }
            }
        }
        for (int i = 0; i < tracks.size(); i++) {
            checkAudio(actor, tracks.getJsonObject(i).getString("audioId"), "/tracks/" + i + "/audioId");
        }
        return new Document("kind", kind).append("title", request.getString("title").strip())
                .append("summary", request.getString("summary", "")).append("visibility", request.getString("visibility", "private"))
                .append("steps", Document.parse(new JsonObject().put("v", steps).encode()).get("v"))
                .append("tracks", Document.parse(new JsonObject().put("v", tracks).encode()).get("v"));
    }

    private void checkAudio(Actor actor, String audioId, String field) {
        try {
            audio.visible(actor.clinicId(), audioId);
        } catch (RuntimeException e) {
            throw LibraryProblems.INVALID_EXERCISE.exception("Unknown audio file " + clip(String.valueOf(audioId), 40), field);
        }
    }

    static JsonObject view(Document doc) {
        JsonObject json = new JsonObject(doc.toJson());
        JsonObject view = new JsonObject().put("id", doc.getString("_id")).put("kind", doc.getString("kind"))
                .put("title", doc.getString("title")).put("summary", doc.getString("summary"))
                .put("visibility", doc.getString("visibility")).put("starter", STARTER.equals(doc.getString("clinicId")))
                .put("archived", doc.getBoolean("archived", false))
                .put("steps", json.getJsonArray("steps", new JsonArray())).put("tracks", json.getJsonArray("tracks", new JsonArray()));
        if (doc.getString("ownerId") != null) {
            view.put("ownerId", doc.getString("ownerId"));
        }
        return view;
    }

    private static String clip(String text, int max) {
        return text.length() > max ? text.substring(0, max) : text;
    }
}
