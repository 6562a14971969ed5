package app.hearth.fhir;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.YearMonth;
import java.time.ZoneId;
import java.util.Locale;

/**
 * One FHIR date search value ({@code date=ge2026-03-01}): a prefix and the range its precision
 * implies, [lower, upper). A year, month or day without a zone is a range in the clinic's zone;
 * a time with seconds (or minutes) is that instant, with its offset or else the clinic's zone.
 * Matches one instant (an appointment's start, a response's submission) as FHIR R4 §3.1.1.4.6 does
 * for a value without a range: {@code eq} within, {@code ge} from the lower bound, {@code le}
 * before the upper bound; {@code sa}/{@code eb} are {@code gt}/{@code lt}. {@code ap} is refused.
 */
public record DateParam(Prefix prefix, Instant lower, Instant upper) {

    public enum Prefix { EQ, NE, GT, LT, GE, LE, SA, EB }

    public static DateParam parse(String name, String raw, ZoneId clinicZone) {
        if (raw == null || raw.isBlank()) {
            throw invalid(name, raw);
        }
        Prefix prefix = Prefix.EQ;
        String value = raw;
        if (raw.length() > 2 && Character.isLetter(raw.charAt(0))) {
            String p = raw.substring(0, 2).toUpperCase(Locale.ROOT);
            if ("AP".equals(p)) {
                throw FhirProblems.INVALID_SEARCH.exception("The 'ap' (approximately) prefix is not supported on " + name, name);
            }
            try {
                prefix = Prefix.valueOf(p);
            } catch (IllegalArgumentException e) {
                throw invalid(name, raw);
            }
            value = raw.substring(2);
        }
        try {
            if (value.matches("\\d{4}")) {
                LocalDate start = LocalDate.of(Integer.parseInt(value), 1, 1);
                return new DateParam(prefix, at(start, clinicZone), at(start.plusYears(1), clinicZone));
            }
            if (value.matches("\\d{4}-\\d{2}")) {
                YearMonth month = YearMonth.parse(value);
                return new DateParam(prefix, at(month.atDay(1), clinicZone), at(month.plusMonths(1).atDay(1), clinicZone));
            }
            if (value.matches("\\d{4}-\\d{2}-\\d{2}")) {
                LocalDate day = LocalDate.parse(value);
                return new DateParam(prefix, at(day, clinicZone), at(day.plusDays(1), clinicZone));
            }
            if (value.matches("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}(:\\d{2}(\\.\\d{1,9})?)?(Z|[+-]\\d{2}:\\d{2})?")) {
                boolean zoned = value.endsWith("Z") || value.substring(10).matches(".*[+-]\\d{2}:\\d{2}$");
                Instant instant = zoned ? OffsetDateTime.parse(value).toInstant()
                        : LocalDateTime.parse(value).atZone(clinicZone).toInstant();
                boolean seconds = value.substring(11).matches("\\d{2}:\\d{2}:.*");
                return new DateParam(prefix, instant, instant.plusSeconds(seconds ? 1 : 60));
            }
        } catch (java.time.DateTimeException e) {
            throw invalid(name, raw);
        }
        throw invalid(name, raw);
    }

    private static Instant at(LocalDate date, ZoneId zone) {
        return date.atStartOfDay(zone).toInstant();
    }

    private static app.hearth.platform.problem.ProblemException invalid(String name, String raw) {
        return FhirProblems.INVALID_SEARCH.exception("'" + raw + "' is not a FHIR date search value for " + name
                + " (e.g. ge2026-03-01, lt2026-04, eq2026-03-05T10:00:00Z)", name);
    }

    /** Whether an instant matches this value. */
    public boolean matches(Instant at) {
        return switch (prefix) {
            case EQ -> !at.isBefore(lower) && at.isBefore(upper);
            case NE -> at.isBefore(lower) || !at.isBefore(upper);
            case GT, SA -> !at.isBefore(upper);
            case LT, EB -> at.isBefore(lower);
            case GE -> !at.isBefore(lower);
            case LE -> at.isBefore(upper);
        };
    }

    /** The earliest instant that can match, or null when unbounded below. */
    public Instant from() {
        return switch (prefix) {
            case EQ, GE -> lower;
            case GT, SA -> upper;
            default -> null;
        };
    }

    /** The instant before which every match lies (exclusive), or null when unbounded above. */
    public Instant to() {
        return switch (prefix) {
            case EQ, LE -> upper;
            case LT, EB -> lower;
            default -> null;
        };
    }
}
