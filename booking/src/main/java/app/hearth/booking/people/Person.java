package app.hearth.booking.people;

import app.hearth.platform.access.Role;
import java.time.Instant;

/**
 * A member of one clinic. Patients name their primary therapist and an emergency contact;
 * therapists and admins have neither.
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
        Instant createdAt) {

    public boolean isPatient() {
        return role == Role.PATIENT;
    }
}
