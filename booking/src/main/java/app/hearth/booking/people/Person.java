package app.hearth.booking.people;

import app.hearth.platform.access.Role;
import java.time.Instant;
import java.util.List;

/**
 * A member of one clinic. Patients have assigned therapists (the first is their primary therapist,
 * {@code therapistId}) and an emergency contact; therapists and admins have neither.
 * {@code version} counts the record's edits, for conditional updates (a stale edit is refused).
 */
public record Person(
        String id,
        String clinicId,
        Role role,
        String displayName,
        String email,
        String phone,
        String timeZone,
        String therapistId,
        EmergencyContact emergencyContact,
        PersonStatus status,
        Instant createdAt,
        List<String> therapistIds,
        long version) {

    public Person {
        if (therapistIds == null || therapistIds.isEmpty()) {
            therapistIds = therapistId == null ? List.of() : List.of(therapistId);
        } else {
            therapistIds = List.copyOf(therapistIds);
            therapistId = therapistIds.get(0);
        }
    }

    /** A person with one therapist at most, before any edit. */
    public Person(String id, String clinicId, Role role, String displayName, String email, String phone, String timeZone,
                  String therapistId, EmergencyContact emergencyContact, PersonStatus status, Instant createdAt) {
        this(id, clinicId, role, displayName, email, phone, timeZone, therapistId, emergencyContact, status, createdAt,
                null, 1);
    }

    public boolean isPatient() {
        return role == Role.PATIENT;
    }

    public boolean isDeactivated() {
        return status == PersonStatus.DEACTIVATED;
    }

    /** Whether this patient is in the care of that therapist (any of their assigned therapists). */
    public boolean isAssignedTo(String therapistId) {
        return therapistId != null && therapistIds.contains(therapistId);
    }
}
