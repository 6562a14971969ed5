package app.hearth.booking.clinic;

import app.hearth.booking.people.NewPerson;
import app.hearth.platform.problem.CommonProblems;
import java.time.ZoneId;
import java.util.regex.Pattern;

/**
 * An operator's request for a clinic with its first admin (docs/adr/0027). It checks itself on
 * construction, like {@link NewPerson}: a NewClinic that exists is valid apart from what only the
 * store can tell (an admin email already in use).
 *
 * @param timeZone an IANA region name (America/New_York): the clinic's calendar and the admin's zone
 */
public record NewClinic(String name, String timeZone, String adminName, String adminEmail) {

    public static final int MAX_NAME = 120;
    /** Area/Location names only (other zone-rule providers on the class path may add ids of their own). */
    private static final Pattern REGION = Pattern.compile("^[A-Za-z]+(?:/[A-Za-z0-9_+\\-]+)+$");
    private static final Pattern EMAIL = Pattern.compile("^[^@\\s]{1,64}@[^@\\s]+\\.[^@\\s]+$");

    public NewClinic {
        name = name == null ? "" : name.strip();
        if (name.isEmpty() || name.length() > MAX_NAME || name.chars().anyMatch(Character::isISOControl)) {
            throw CommonProblems.INVALID_REQUEST.exception("Give the clinic's name (1-" + MAX_NAME + " characters)", "name");
        }
        timeZone = timeZone == null ? "" : timeZone.strip();
        // Region names only: "UTC+5" or "GMT" are zones too but no clinic's local time
        if (!REGION.matcher(timeZone).matches() || !ZoneId.getAvailableZoneIds().contains(timeZone)) {
            throw CommonProblems.INVALID_REQUEST.exception("Unknown time zone '" + timeZone
                    + "'; use an IANA name such as America/New_York", "timeZone");
        }
        adminName = adminName == null ? "" : adminName.strip();
        if (adminName.isEmpty() || adminName.length() > MAX_NAME || adminName.chars().anyMatch(Character::isISOControl)) {
            throw CommonProblems.INVALID_REQUEST.exception("Give the admin's full name (1-" + MAX_NAME + " characters)",
                    "admin.displayName");
        }
        adminEmail = adminEmail == null ? "" : adminEmail.strip();
        if (adminEmail.length() > 254 || !EMAIL.matcher(adminEmail).matches()) {
            throw CommonProblems.INVALID_REQUEST.exception("That is not an email address", "admin.email");
        }
    }
}
