package app.hearth.room;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * The payload on {@link app.hearth.protocol.EventBusAddresses#ROOM_EVENTS}. Identifiers only, except
 * a chat line, which exists nowhere else.
 *
 * @param kind         changed (re-read the room), admitted, left (personId null: everyone), replaced,
 *                     deliver (a message for some members only: a chat line, a WebRTC negotiation),
 *                     exercise (the room's exercise state changed: push it)
 * @param connectionId for replaced: the connection that lost its seat
 * @param reason       for left: denied, removed, ended, closed; for deliver: {@value #TO_ADMITTED} when the
 *                     message is for every admitted member (a chat line), so that each node also delivers
 *                     to whom it knows to be admitted, not only to whom the sending node knew
 * @param recipients   for deliver: who gets {@code chat} (the message, despite its field name)
 * @param appointmentId for left with reason ended: the appointment whose session ended (each
 *                      person's page goes on to what follows it: the patient's end page, the note)
 */
public record RoomEvent(String kind, String clinicId, String roomId, String personId, String connectionId, String reason,
                        String message, List<String> recipients, JsonObject chat, String appointmentId) {

    public RoomEvent(String kind, String clinicId, String roomId, String personId, String connectionId, String reason,
                     String message, List<String> recipients, JsonObject chat) {
        this(kind, clinicId, roomId, personId, connectionId, reason, message, recipients, chat, null);
    }

    public static RoomEvent changed(String clinicId, String roomId) {
        return new RoomEvent("changed", clinicId, roomId, null, null, null, null, List.of(), null);
    }

    /** Re-read the clinic's lobby (no room of this node's changed, but its boards must be fresh). */
    public static RoomEvent lobbyChanged(String clinicId) {
        return changed(clinicId, "");
    }

    public static RoomEvent admitted(String clinicId, String roomId, String personId) {
        return new RoomEvent("admitted", clinicId, roomId, personId, null, null, null, List.of(), null);
    }

    public static RoomEvent left(String clinicId, String roomId, String personId, String reason, String message) {
        return new RoomEvent("left", clinicId, roomId, personId, null, reason, message, List.of(), null);
    }

    /** Everyone leaves: the host ended the appointment's session. */
    public static RoomEvent ended(String clinicId, String roomId, String appointmentId) {
        return new RoomEvent("left", clinicId, roomId, null, null, "ended", null, List.of(), null, appointmentId);
    }

    public static RoomEvent replaced(String clinicId, String roomId, String personId, String connectionId) {
        return new RoomEvent("replaced", clinicId, roomId, personId, connectionId, null, null, List.of(), null);
    }

    /**
     * A message for every admitted member: {@code admitted} is who the sending node knows to be; each
     * receiving node adds whom it knows (an admission it has handled and the sender's node not yet).
     */
    public static RoomEvent toAdmitted(String clinicId, String roomId, List<String> admitted, JsonObject message) {
        return new RoomEvent("deliver", clinicId, roomId, null, null, TO_ADMITTED, null, admitted, message);
    }

    public static final String TO_ADMITTED = "admitted";

    /** A message for some members of the room only, on whichever node they are connected to. */
    public static RoomEvent deliver(String clinicId, String roomId, List<String> recipients, JsonObject message) {
        return new RoomEvent("deliver", clinicId, roomId, null, null, null, null, recipients, message);
    }

    public JsonObject toJson() {
        JsonObject json = new JsonObject().put("kind", kind).put("clinicId", clinicId).put("roomId", roomId);
        put(json, "personId", personId);
        put(json, "connectionId", connectionId);
        put(json, "reason", reason);
        put(json, "message", message);
        put(json, "appointmentId", appointmentId);
        if (!recipients.isEmpty()) {
            json.put("recipients", new JsonArray(recipients));
        }
        if (chat != null) {
            json.put("chat", chat);
        }
        return json;
    }

    public static RoomEvent fromJson(JsonObject json) {
        return new RoomEvent(json.getString("kind"), json.getString("clinicId"), json.getString("roomId"),
                json.getString("personId"), json.getString("connectionId"), json.getString("reason"), json.getString("message"),
                json.getJsonArray("recipients", new JsonArray()).stream().map(String::valueOf).toList(), json.getJsonObject("chat"),
                json.getString("appointmentId"));
    }

    private static void put(JsonObject json, String key, String value) {
        if (value != null) {
            json.put(key, value);
        }
    }
}
