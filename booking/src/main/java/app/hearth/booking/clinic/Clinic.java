package app.hearth.booking.clinic;

/** A tenant: every person, appointment and record belongs to exactly one clinic. */
public record Clinic(String id, String name, String timeZone) {
}
