package app.hearth.booking.people;

import app.hearth.platform.problem.CommonProblems;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * An admin's edit of one person, applied only to the version it was made from. A field that is not
 * {@code present} stays as it is; {@code phone} and {@code emergencyContact} present as null are
 * cleared. It checks itself on construction, like {@link NewPerson}.
 *
 * @param therapistIds the patient's assigned therapists, primary first (replaces the whole list)
 */
public record PersonEdit(long version, Set<String> present, String displayName, String email, String phone,
                         EmergencyContact emergencyContact, List<String> therapistIds) {

    public static final Set<String> FIELDS = Set.of("displayName", "email", "phone", "emergencyContact", "therapistIds");
    private static final Pattern EMAIL = Pattern.compile("^[^@\\s]{1,64}@[^@\\s]+\\.[^@\\s]+$");
    private static final Pattern PHONE = Pattern.compile("^[0-9+() .-]{3,40}$");

    public PersonEdit {
        if (version < 1) {
            throw CommonProblems.INVALID_REQUEST.exception(
                    "Say which version of the person you edited (the 'version' you read, or If-Match)", "version");
        }
        present = Set.copyOf(present);
        if (present.isEmpty()) {
            throw CommonProblems.INVALID_REQUEST.exception("Nothing to change", null);
        }
        if (present.contains("displayName")) {
            displayName = displayName == null ? "" : displayName.strip();
            if (displayName.isEmpty()) {
                throw CommonProblems.INVALID_REQUEST.exception("Give the person's full name", "displayName");
            }
        }
        if (present.contains("email")) {
            email = email == null ? "" : email.strip();
            if (!EMAIL.matcher(email).matches()) {
                throw CommonProblems.INVALID_REQUEST.exception("That is not an email address", "email");
            }
        }
        if (present.contains("phone") && phone != null) {
            phone = phone.strip();
            if (phone.isEmpty()) {
                phone = null;
            } else if (!PHONE.matcher(phone).matches()) {
                throw CommonProblems.INVALID_REQUEST.exception("A phone number has digits, spaces and + ( ) . - only", "phone");
            }
        }
        if (present.contains("therapistIds")) {
            therapistIds = therapistIds == null ? List.of() : List.copyOf(new LinkedHashSet<>(therapistIds));
        }
    }

    public boolean has(String field) {
        return present.contains(field);
    }
}
