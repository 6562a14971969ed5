package app.hearth.room;

import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.List;

/**
 * What a spent join ticket grants: one person into one appointment's room, with what the room needs
 * to know about both. Identifiers, times and the person's own name; the emergency contact on file
 * is there only for the patient to confirm.
 *
 * @param appointmentType        preparation, integration or circle (never dosing: it has no room)
 * @param therapistIds           the appointment's therapists, who are the room's hosts
 * @param emergencyContactOnFile {name, phone, relationship?} from the patient's profile, or null
 * @param hostNames              the therapists' display names by id (the waiting room names whom the
 *                               patient waits for); empty when not known
 */
public record RoomAccess(String clinicId, String roomId, String appointmentId, String appointmentType, Instant start,
                         Instant end, List<String> therapistIds, String personId, String displayName, String role,
                         JsonObject emergencyContactOnFile, java.util.Map<String, String> hostNames) {

    public RoomAccess {
        therapistIds = List.copyOf(therapistIds);
        hostNames = hostNames == null ? java.util.Map.of() : java.util.Map.copyOf(hostNames);
    }

    /** Without the therapists' names (test fakes, older callers). */
    public RoomAccess(String clinicId, String roomId, String appointmentId, String appointmentType, Instant start,
                      Instant end, List<String> therapistIds, String personId, String displayName, String role,
                      JsonObject emergencyContactOnFile) {
        this(clinicId, roomId, appointmentId, appointmentType, start, end, therapistIds, personId, displayName, role,
                emergencyContactOnFile, java.util.Map.of());
    }
}
