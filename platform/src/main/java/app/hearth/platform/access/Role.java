package app.hearth.platform.access;

import java.util.Locale;
import java.util.Optional;

/** What a person is in their clinic. Stored and sent in lower case. */
public enum Role {
    ADMIN, THERAPIST, PATIENT;

    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<Role> fromWire(String value) {
        if (value == null) {
            return Optional.empty();
        }
        for (Role role : values()) {
            if (role.wire().equals(value)) {
                return Optional.of(role);
            }
        }
        return Optional.empty();
    }
}
