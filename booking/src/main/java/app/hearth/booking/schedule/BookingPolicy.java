package app.hearth.booking.schedule;

import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;

/**
 * A clinic's booking rules, editable by its admins: how long each type lasts, the buffers kept free
 * around it, the integration window after a dosing, the cancellation cutoff for patients, the
 * default circle size, and whether patients may book offered slots themselves.
 */
public record BookingPolicy(Map<AppointmentType, TypeRules> types, int integrationWindowMinDays,
                            int integrationWindowMaxDays, Duration patientCancellationCutoff, int defaultCircleCapacity,
                            boolean patientsMayBook, Duration roomOpensBefore) {

    /** @param duration how long the appointment lasts; buffers are kept free before and after it */
    public record TypeRules(Duration duration, Duration bufferBefore, Duration bufferAfter) {
        public TypeRules {
            for (Duration d : new Duration[] {duration, bufferBefore, bufferAfter}) {
                if (d.isNegative() || d.toMinutes() % 5 != 0 || d.toSeconds() % 60 != 0) {
                    throw ScheduleProblems.INVALID_POLICY.exception(
                            "Durations and buffers are whole multiples of 5 minutes", "types");
                }
            }
            if (duration.isZero() || duration.compareTo(Duration.ofHours(12)) > 0) {
                throw ScheduleProblems.INVALID_POLICY.exception("A duration is between 5 minutes and 12 hours", "types");
            }
        }
    }

    public BookingPolicy {
        types = Map.copyOf(types);
        for (AppointmentType type : AppointmentType.values()) {
            if (!types.containsKey(type)) {
                throw ScheduleProblems.INVALID_POLICY.exception("Rules for " + type.wire() + " are missing", "types");
            }
        }
        if (integrationWindowMinDays < 0 || integrationWindowMaxDays < integrationWindowMinDays || integrationWindowMaxDays > 365) {
            throw ScheduleProblems.INVALID_POLICY.exception("The integration window is 0 ≤ min ≤ max ≤ 365 days",
                    "integrationWindowMaxDays");
        }
        if (defaultCircleCapacity < 2 || defaultCircleCapacity > 50) {
            throw ScheduleProblems.INVALID_POLICY.exception("A circle seats 2 to 50 people", "defaultCircleCapacity");
        }
        if (patientCancellationCutoff.isNegative()) {
            throw ScheduleProblems.INVALID_POLICY.exception("The cancellation cutoff cannot be negative", "patientCancellationCutoffHours");
        }
    }

    public static BookingPolicy defaults() {
        Map<AppointmentType, TypeRules> types = new EnumMap<>(AppointmentType.class);
        types.put(AppointmentType.PREPARATION, new TypeRules(Duration.ofMinutes(60), Duration.ZERO, Duration.ofMinutes(15)));
        types.put(AppointmentType.INTEGRATION, new TypeRules(Duration.ofMinutes(60), Duration.ZERO, Duration.ofMinutes(15)));
        types.put(AppointmentType.CIRCLE, new TypeRules(Duration.ofMinutes(90), Duration.ofMinutes(15), Duration.ofMinutes(15)));
        types.put(AppointmentType.DOSING, new TypeRules(Duration.ofMinutes(180), Duration.ofMinutes(30), Duration.ofMinutes(30)));
        return new BookingPolicy(types, 0, 14, Duration.ofHours(24), 8, false, Duration.ofMinutes(10));
    }

    public TypeRules rules(AppointmentType type) {
        return types.get(type);
    }
}
