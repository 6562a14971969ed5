package app.hearth.room.presence;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * One person's place in one live room, as the presence cache holds it. A seat is rebuilt from live
 * connections and is never the record of anything: losing every seat loses nobody's data, only who
 * is connected right now. Immutable; every change makes a new seat, stored with compare-and-set.
 *
 * @param stage        where the person is: on the pre-join page, in the waiting room, or admitted
 * @param link         whether their connection is up, or dropped and kept for the reconnect grace
 * @param nodeId       the cluster member holding their connection (null while orphaned)
 * @param connectionId the connection holding the seat; a newer one of the same person replaces it
 * @param hostIds      the appointment's therapists: who may admit, deny, remove and end
 * @param safety       the patient's safety check for this session (JSON as in the schema), or null
 * @param since        when the seat entered its current stage
 * @param linkChangedAt when the link last went up or down (the grace runs from here)
 * @param media        microphone, camera, screen and quality as the participant last reported, or null
 * @param support      a circle's quiet support state, or null: {@code request} (the patient's open request for a
 *                     facilitator: requestId, at, acknowledged) and {@code breakout} (breakoutId, with: the other
 *                     person of a private 1:1 call). Identifiers and times only, never a reason.
 */
public record Seat(
        String clinicId,
        String roomId,
        String appointmentId,
        String appointmentType,
        Instant start,
        Instant end,
        Instant closesAt,
        String personId,
        String displayName,
        String role,
        List<String> hostIds,
        Stage stage,
        Link link,
        String nodeId,
        String connectionId,
        boolean devicesChecked,
        JsonObject safety,
        Instant since,
        Instant linkChangedAt,
        JsonObject media,
        JsonObject support) {

    public enum Stage { ONLINE, WAITING, ADMITTED }

    public enum Link { CONNECTED, RECONNECTING }

    public Seat {
        Objects.requireNonNull(clinicId, "clinicId");
        Objects.requireNonNull(roomId, "roomId");
        Objects.requireNonNull(personId, "personId");
        hostIds = List.copyOf(hostIds);
        safety = safety == null ? null : safety.copy();
        media = media == null ? null : media.copy();
        support = support == null || support.isEmpty() ? null : support.copy();
    }

    /** A seat without support state (every seat until a circle's patient asks for help). */
    public Seat(String clinicId, String roomId, String appointmentId, String appointmentType, Instant start, Instant end,
                Instant closesAt, String personId, String displayName, String role, List<String> hostIds, Stage stage, Link link,
                String nodeId, String connectionId, boolean devicesChecked, JsonObject safety, Instant since,
                Instant linkChangedAt, JsonObject media) {
        this(clinicId, roomId, appointmentId, appointmentType, start, end, closesAt, personId, displayName, role, hostIds, stage,
                link, nodeId, connectionId, devicesChecked, safety, since, linkChangedAt, media, null);
    }

    public String key() {
        return key(roomId, personId);
    }

    public static String key(String roomId, String personId) {
        return roomId + "/" + personId;
    }

    public boolean host() {
        return hostIds.contains(personId);
    }

    public boolean gateDone() {
        return safety != null;
    }

    /** The presence word of the protocol: online, waiting, in-room or reconnecting. */
    public String presence() {
        if (link == Link.RECONNECTING) {
            return "reconnecting";
        }
        return switch (stage) {
            case ONLINE -> "online";
            case WAITING -> "waiting";
            case ADMITTED -> "in-room";
        };
    }

    public Seat withStage(Stage next, Instant at) {
        return new Seat(clinicId, roomId, appointmentId, appointmentType, start, end, closesAt, personId, displayName, role,
                hostIds, next, link, nodeId, connectionId, devicesChecked, safety, at, linkChangedAt, media, support);
    }

    public Seat connected(String node, String connection, Instant at) {
        return new Seat(clinicId, roomId, appointmentId, appointmentType, start, end, closesAt, personId, displayName, role,
                hostIds, stage, Link.CONNECTED, node, connection, devicesChecked, safety, since, at, media, support);
    }

    public Seat reconnecting(String node, Instant at) {
        return new Seat(clinicId, roomId, appointmentId, appointmentType, start, end, closesAt, personId, displayName, role,
                hostIds, stage, Link.RECONNECTING, node, connectionId, devicesChecked, safety, since, at, media, support);
    }

    public Seat withDevicesChecked(boolean checked) {
        return new Seat(clinicId, roomId, appointmentId, appointmentType, start, end, closesAt, personId, displayName, role,
                hostIds, stage, link, nodeId, connectionId, checked, safety, since, linkChangedAt, media, support);
    }

    public Seat withSafety(JsonObject check) {
        return new Seat(clinicId, roomId, appointmentId, appointmentType, start, end, closesAt, personId, displayName, role,
                hostIds, stage, link, nodeId, connectionId, devicesChecked, check, since, linkChangedAt, media, support);
    }

    public Seat withMedia(JsonObject state) {
        return new Seat(clinicId, roomId, appointmentId, appointmentType, start, end, closesAt, personId, displayName, role,
                hostIds, stage, link, nodeId, connectionId, devicesChecked, safety, since, linkChangedAt, state, support);
    }

    public Seat withSupport(JsonObject state) {
        return new Seat(clinicId, roomId, appointmentId, appointmentType, start, end, closesAt, personId, displayName, role,
                hostIds, stage, link, nodeId, connectionId, devicesChecked, safety, since, linkChangedAt, media, state);
    }

    /** The open or acknowledged support request of this seat's person, or null. */
    public JsonObject supportRequest() {
        return support == null ? null : support.getJsonObject("request");
    }

    /** The private breakout this person is in ({@code breakoutId}, {@code with}), or null. */
    public JsonObject breakout() {
        return support == null ? null : support.getJsonObject("breakout");
    }

    public JsonObject toJson() {
        JsonObject json = new JsonObject().put("clinicId", clinicId).put("roomId", roomId).put("appointmentId", appointmentId)
                .put("appointmentType", appointmentType).put("start", str(start)).put("end", str(end))
                .put("closesAt", str(closesAt)).put("personId", personId).put("displayName", displayName).put("role", role)
                .put("hostIds", new JsonArray(hostIds)).put("stage", stage.name()).put("link", link.name())
                .put("nodeId", nodeId).put("connectionId", connectionId).put("devicesChecked", devicesChecked)
                .put("since", str(since)).put("linkChangedAt", str(linkChangedAt));
        if (safety != null) {
            json.put("safety", safety);
        }
        if (media != null) {
            json.put("media", media);
        }
        if (support != null) {
            json.put("support", support);
        }
        return json;
    }

    public static Seat fromJson(JsonObject json) {
        return new Seat(json.getString("clinicId"), json.getString("roomId"), json.getString("appointmentId"),
                json.getString("appointmentType"), inst(json.getString("start")), inst(json.getString("end")),
                inst(json.getString("closesAt")), json.getString("personId"), json.getString("displayName"),
                json.getString("role"), json.getJsonArray("hostIds", new JsonArray()).stream().map(String::valueOf).toList(),
                Stage.valueOf(json.getString("stage")), Link.valueOf(json.getString("link")), json.getString("nodeId"),
                json.getString("connectionId"), json.getBoolean("devicesChecked", false), json.getJsonObject("safety"),
                inst(json.getString("since")), inst(json.getString("linkChangedAt")), json.getJsonObject("media"),
                json.getJsonObject("support"));
    }

    private static String str(Instant instant) {
        return instant == null ? null : instant.toString();
    }

    private static Instant inst(String text) {
        return text == null ? null : Instant.parse(text);
    }
}
