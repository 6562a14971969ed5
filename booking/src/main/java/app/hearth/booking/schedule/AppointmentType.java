package app.hearth.booking.schedule;

import java.util.Locale;
import java.util.Optional;

/**
 * The kinds of appointment in a KAP course. Dosing happens in the clinic, supervised, and never gets
 * a video room; everything around it is remote.
 */
public enum AppointmentType {
    PREPARATION(true),
    INTEGRATION(true),
    CIRCLE(true),
    DOSING(false);

    private final boolean remote;

    AppointmentType(boolean remote) {
        this.remote = remote;
    }

    public boolean remote() {
        return remote;
    }

    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<AppointmentType> fromWire(String value) {
        for (AppointmentType type : values()) {
            if (type.wire().equals(value)) {
                return Optional.of(type);
            }
        }
        return Optional.empty();
    }
}
