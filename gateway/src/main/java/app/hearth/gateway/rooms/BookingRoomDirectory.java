package app.hearth.gateway.rooms;

import app.hearth.booking.people.Person;
import app.hearth.booking.people.PersonRepository;
import app.hearth.booking.schedule.Appointment;
import app.hearth.booking.schedule.JoinTickets;
import app.hearth.booking.schedule.ScheduleStore;
import app.hearth.platform.access.Actor;
import app.hearth.platform.store.Blocking;
import app.hearth.protocol.ws.WsErrorCode;
import app.hearth.room.RoomAccess;
import app.hearth.room.RoomDirectory;
import app.hearth.room.RoomException;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.time.Instant;

/** Booking seen through the room's port: spends join tickets and describes their appointment. */
public final class BookingRoomDirectory implements RoomDirectory {

    private final JoinTickets joinTickets;
    private final ScheduleStore schedule;
    private final PersonRepository people;
    private final Blocking blocking;
    private final Clock clock;

    public BookingRoomDirectory(JoinTickets joinTickets, ScheduleStore schedule, PersonRepository people, Blocking blocking,
                                Clock clock) {
        this.joinTickets = joinTickets;
        this.schedule = schedule;
        this.people = people;
        this.blocking = blocking;
        this.clock = clock;
    }

    @Override
    public Future<RoomAccess> redeem(Actor actor, String joinTicket) {
        return blocking.run(() -> {
            // Spent whoever presents it: a ticket that reached the wrong person is burned, not kept.
            JoinTickets.Grant grant = joinTickets.spend(joinTicket, clock.instant()).orElseThrow(() -> new RoomException(
                    WsErrorCode.TICKET_INVALID, "This join link has expired or was already used: press Join again"));
            if (!grant.personId().equals(actor.personId()) || !grant.clinicId().equals(actor.clinicId())) {
                throw new RoomException(WsErrorCode.TICKET_INVALID, "This join link was made for someone else");
            }
            Appointment appointment = schedule.find(grant.clinicId(), grant.appointmentId())
                    .filter(a -> a.status() == Appointment.Status.BOOKED && a.roomId() != null)
                    .filter(a -> a.therapistIds().contains(actor.personId()) || actor.personId().equals(a.patientId())
                            || a.attendees().stream().anyMatch(s -> s.patientId().equals(actor.personId())
                            && s.state() == Appointment.AttendeeState.SEATED))
                    .orElseThrow(() -> new RoomException(WsErrorCode.NOT_FOUND, "This appointment is no longer booked for you"));
            Person person = people.findInClinic(actor.clinicId(), actor.personId())
                    .orElseThrow(() -> new RoomException(WsErrorCode.NOT_FOUND, "Your account was not found"));
            JsonObject contact = null;
            if (person.isPatient() && person.emergencyContact() != null) {
                contact = new JsonObject().put("name", person.emergencyContact().name()).put("phone", person.emergencyContact().phone());
                if (person.emergencyContact().relationship() != null) {
                    contact.put("relationship", person.emergencyContact().relationship());
                }
            }
            return new RoomAccess(appointment.clinicId(), appointment.roomId(), appointment.id(), appointment.type().wire(),
                    appointment.start(), appointment.end(), appointment.therapistIds(), person.id(), person.displayName(),
                    person.role().wire(), contact, hostNames(appointment));
        });
    }

    /** The appointment's therapists by name, for the waiting room (one lookup per therapist; a missing one is left out). */
    private java.util.Map<String, String> hostNames(Appointment appointment) {
        java.util.Map<String, String> names = new java.util.LinkedHashMap<>();
        for (String therapistId : appointment.therapistIds()) {
            people.findInClinic(appointment.clinicId(), therapistId).ifPresent(p -> names.put(p.id(), p.displayName()));
        }
        return names;
    }

    @Override
    public Future<Void> sessionEnded(String clinicId, String appointmentId, String endedBy, Instant at) {
        return blocking.run(() -> {
            schedule.sessionEnded(clinicId, appointmentId, endedBy, at);
            return null;
        });
    }
}
