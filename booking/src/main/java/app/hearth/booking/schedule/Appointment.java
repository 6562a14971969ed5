package app.hearth.booking.schedule;

import java.time.Instant;
import java.util.List;

/**
 * One booked time. 1:1 appointments have one therapist and one patient; circles have one or two
 * facilitators and seats. Dosing has a location in the clinic and never a room; every remote
 * appointment has a room id for its live room.
 *
 * <p>{@code seatsTaken} and {@code waitlistLength} count the whole circle. They equal the counts of
 * {@code attendees} for the stored record; a view redacted for a patient keeps only that patient's
 * own place in {@code attendees} but still carries the circle's true counts.
 *
 * <p>{@code sessionEndedAt} is when a host ended the live session for everyone (null otherwise):
 * the room cannot be entered again, and lists show the session as ended before its booked end.
 */
public record Appointment(
        String id,
        String clinicId,
        AppointmentType type,
        Status status,
        Instant start,
        Instant end,
        List<String> therapistIds,
        String patientId,
        String location,
        String roomId,
        String dosingAppointmentId,
        int capacity,
        List<Attendee> attendees,
        List<HistoryEntry> history,
        int seatsTaken,
        int waitlistLength,
        Instant sessionEndedAt) {

    /** The full record: the counts are those of {@code attendees}. */
    public Appointment(String id, String clinicId, AppointmentType type, Status status, Instant start, Instant end,
                       List<String> therapistIds, String patientId, String location, String roomId, String dosingAppointmentId,
                       int capacity, List<Attendee> attendees, List<HistoryEntry> history) {
        this(id, clinicId, type, status, start, end, therapistIds, patientId, location, roomId, dosingAppointmentId, capacity,
                attendees, history, count(attendees, AttendeeState.SEATED), count(attendees, AttendeeState.WAITLISTED), null);
    }

    /** As the canonical constructor, for a session not ended by its host. */
    public Appointment(String id, String clinicId, AppointmentType type, Status status, Instant start, Instant end,
                       List<String> therapistIds, String patientId, String location, String roomId, String dosingAppointmentId,
                       int capacity, List<Attendee> attendees, List<HistoryEntry> history, int seatsTaken, int waitlistLength) {
        this(id, clinicId, type, status, start, end, therapistIds, patientId, location, roomId, dosingAppointmentId, capacity,
                attendees, history, seatsTaken, waitlistLength, null);
    }

    /** This appointment with when its host ended the live session ("End for everyone"). */
    public Appointment withSessionEndedAt(Instant at) {
        return new Appointment(id, clinicId, type, status, start, end, therapistIds, patientId, location, roomId,
                dosingAppointmentId, capacity, attendees, history, seatsTaken, waitlistLength, at);
    }

    private static int count(List<Attendee> attendees, AttendeeState state) {
        return (int) attendees.stream().filter(a -> a.state() == state).count();
    }

    public enum Status { BOOKED, CANCELLED }

    /** A circle participant in join order; waitlisted ones are promoted first-come first-served. */
    public record Attendee(String patientId, AttendeeState state, Instant joinedAt) {
    }

    public enum AttendeeState { SEATED, WAITLISTED }

    /** What happened to the appointment, by whom; identifiers only. */
    public record HistoryEntry(Instant at, String actorId, String action, String detail) {
    }

    public TimeRange range() {
        return new TimeRange(start, end);
    }

    public boolean involves(String personId) {
        return therapistIds.contains(personId) || personId.equals(patientId)
                || attendees.stream().anyMatch(a -> a.patientId().equals(personId));
    }
}
