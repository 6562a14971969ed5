package app.hearth.room;

import app.hearth.platform.store.Blocking;
import app.hearth.platform.store.Store;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Indexes;
import com.mongodb.client.model.ReplaceOptions;
import com.mongodb.client.model.UpdateOptions;
import com.mongodb.client.model.Updates;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.Date;
import java.util.Optional;
import org.bson.Document;

/**
 * What live rooms write to the system of record: that a host ended a session (nobody may enter
 * again), and each patient's safety check for a session. Single-document writes keyed by the room,
 * so they behave the same on a replica set and on the embedded store.
 */
public final class RoomRecords {

    public static final String SESSIONS = "room_sessions";
    public static final String SAFETY_CHECKS = "safety_checks";

    private final MongoCollection<Document> sessions;
    private final MongoCollection<Document> safetyChecks;
    private final Blocking blocking;

    public RoomRecords(Store store, Blocking blocking) {
        this.sessions = store.collection(SESSIONS);
        this.safetyChecks = store.collection(SAFETY_CHECKS);
        this.blocking = blocking;
    }

    public void ensureIndexes() {
        safetyChecks.createIndex(Indexes.ascending("clinicId", "appointmentId"));
    }

    public Future<Boolean> isEnded(String clinicId, String roomId) {
        return blocking.run(() -> sessions.find(Filters.and(Filters.eq("_id", roomId), Filters.eq("clinicId", clinicId),
                Filters.ne("endedAt", null))).first() != null);
    }

    public Future<Void> markEnded(String clinicId, String roomId, String appointmentId, String endedBy, Instant at) {
        return blocking.run(() -> {
            sessions.updateOne(Filters.and(Filters.eq("_id", roomId), Filters.eq("endedAt", null)),
                    Updates.combine(Updates.setOnInsert("clinicId", clinicId), Updates.setOnInsert("appointmentId", appointmentId),
                            Updates.set("endedAt", Date.from(at)), Updates.set("endedBy", endedBy)),
                    new UpdateOptions().upsert(true));
            return null;
        });
    }

    /** Saves the patient's check for this session, replacing an earlier one of the same session. */
    public Future<Void> saveSafetyCheck(String clinicId, String roomId, String appointmentId, String personId, JsonObject check) {
        return blocking.run(() -> {
            Document doc = Document.parse(check.encode()).append("_id", roomId + "/" + personId).append("clinicId", clinicId)
                    .append("roomId", roomId).append("appointmentId", appointmentId).append("personId", personId)
                    .append("storedAt", new Date());
            safetyChecks.replaceOne(Filters.eq("_id", doc.get("_id")), doc, new ReplaceOptions().upsert(true));
            return null;
        });
    }

    /** The patient's check for this session, in the protocol's shape, when they made one. */
    public Future<Optional<JsonObject>> safetyCheck(String clinicId, String roomId, String personId) {
        return blocking.run(() -> Optional.ofNullable(safetyChecks.find(Filters.and(Filters.eq("_id", roomId + "/" + personId),
                Filters.eq("clinicId", clinicId))).first()).map(doc -> {
                    JsonObject json = new JsonObject(doc.toJson());
                    JsonObject check = new JsonObject().put("address", json.getString("address"))
                            .put("emergencyContact", json.getJsonObject("emergencyContact"))
                            .put("privateAndNotDriving", true).put("confirmedAt", json.getString("confirmedAt"));
                    if (json.containsKey("geolocation")) {
                        check.put("geolocation", json.getJsonObject("geolocation"));
                    }
                    return check;
                }));
    }
}
