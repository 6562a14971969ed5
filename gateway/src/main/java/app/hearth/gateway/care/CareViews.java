package app.hearth.gateway.care;

import app.hearth.care.measures.CareAlert;
import io.vertx.core.json.JsonObject;

/** JSON views of the care record's live objects, one form for REST and the room socket. */
public final class CareViews {

    private CareViews() {
    }

    /** What a therapist sees of an alert: who, what kind, when, and whether it was acknowledged. */
    public static JsonObject alert(CareAlert a) {
        return new JsonObject().put("id", a.id()).put("patientId", a.patientId()).put("patientName", a.patientName())
                .put("kind", a.kind()).put("raisedAt", a.raisedAt().toString())
                .put("acknowledgedAt", a.acknowledgedAt() == null ? null : a.acknowledgedAt().toString())
                .put("acknowledgedBy", a.acknowledgedBy());
    }
}
