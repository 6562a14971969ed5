package app.hearth.booking.people;

import app.hearth.platform.access.Role;
import app.hearth.platform.problem.CommonProblems;
import java.time.DateTimeException;
import java.time.ZoneId;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * A request to add a therapist or a patient. It checks itself on construction, so a NewPerson that
 * exists is valid apart from what only the store can tell (a taken email, an unknown therapist).
 */
public record NewPerson(Role role, String displayName, String email, String phone, String timeZone,
                        String therapistId, EmergencyContact emergencyContact) {

    // Deliberately simple: one @, something on each side, a dot in the domain. Real proof of an
    // address is the set-password link arriving there.
    private static final Pattern EMAIL = Pattern.compile("^[^@\\s]{1,64}@[^@\\s]+\\.[^@\\s]+$");

    public NewPerson {
        if (role == null || role == Role.ADMIN) {
            throw CommonProblems.INVALID_REQUEST.exception("role must be therapist or patient", "role");
        }
        displayName = displayName == null ? "" : displayName.strip();
        if (displayName.isEmpty()) {
            throw CommonProblems.INVALID_REQUEST.exception("Give the person's full name", "displayName");
        }
        email = email == null ? "" : email.strip();
        if (!EMAIL.matcher(email).matches()) {
            throw CommonProblems.INVALID_REQUEST.exception("That is not an email address", "email");
        }
        if (timeZone != null) {
            try {
                ZoneId.of(timeZone);
            } catch (DateTimeException e) {
                throw CommonProblems.INVALID_REQUEST.exception("Unknown time zone '" + timeZone
                        + "'; use an IANA name such as America/New_York", "timeZone");
            }
        }
        if (role != Role.PATIENT && (therapistId != null || emergencyContact != null)) {
            String field = therapistId != null ? "therapistId" : "emergencyContact";
            throw CommonProblems.INVALID_REQUEST.exception("Only patients have a therapist and an emergency contact", field);
        }
    }

    public String emailKey() {
        return normalizeEmail(email);
    }

    public static String normalizeEmail(String email) {
        return email == null ? "" : email.strip().toLowerCase(Locale.ROOT);
    }
}
