package app.hearth.gateway.api;

import app.hearth.booking.account.SetPasswordLink;
import app.hearth.booking.people.EmergencyContact;
import app.hearth.booking.people.Person;
import app.hearth.booking.schedule.Appointment;
import app.hearth.booking.schedule.AppointmentType;
import app.hearth.platform.access.Actor;
import app.hearth.platform.access.Role;
import app.hearth.platform.audit.AuditEntry;
import app.hearth.platform.audit.AuditPage;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Locale;

/** Domain records → the JSON shapes of the OpenAPI contract (components/schemas). */
final class JsonViews {

    private JsonViews() {
    }

    static JsonObject person(Person p) {
        JsonObject json = new JsonObject()
                .put("id", p.id())
                .put("clinicId", p.clinicId())
                .put("role", p.role().wire())
                .put("displayName", p.displayName())
                .put("email", p.email())
                .put("status", p.status().name().toLowerCase(Locale.ROOT));
        putIfPresent(json, "phone", p.phone());
        putIfPresent(json, "timeZone", p.timeZone());
        putIfPresent(json, "therapistId", p.therapistId());
        json.put("therapistIds", new JsonArray(p.therapistIds())).put("version", p.version());
        if (p.emergencyContact() != null) {
            json.put("emergencyContact", emergencyContact(p.emergencyContact()));
        }
        if (p.createdAt() != null) {
            json.put("createdAt", p.createdAt().toString());
        }
        return json;
    }

    static JsonObject people(List<Person> people) {
        return new JsonObject().put("items", new JsonArray(people.stream().map(JsonViews::person).toList()));
    }

    static JsonObject link(SetPasswordLink link) {
        return new JsonObject().put("url", link.url()).put("expiresAt", link.expiresAt().toString());
    }

    static JsonObject auditPage(AuditPage page) {
        JsonObject json = new JsonObject().put("items", new JsonArray(page.items().stream().map(JsonViews::auditEntry).toList()));
        putIfPresent(json, "nextBefore", page.nextBefore());
        return json;
    }

    private static JsonObject auditEntry(AuditEntry e) {
        JsonObject json = new JsonObject()
                .put("id", e.id())
                .put("at", e.at().toString())
                .put("actorId", e.actorId())
                .put("actorRole", e.actorRole())
                .put("clinicId", e.clinicId())
                .put("action", e.action())
                .put("outcome", e.outcome().name().toLowerCase(Locale.ROOT));
        putIfPresent(json, "resourceType", e.resourceType());
        putIfPresent(json, "resourceId", e.resourceId());
        putIfPresent(json, "sourceAddress", e.sourceAddress());
        if (!e.changed().isEmpty()) {
            json.put("changed", new JsonArray(e.changed()));
        }
        return json;
    }

    /**
     * An appointment as {@code viewer} may see it; every answer that carries an appointment goes
     * through here. A patient sees a circle's true seat and waitlist counts and their own place, never
     * the other attendees (ids, join times) nor the circle's history (whose entries name them); the
     * care team and admins see the whole record.
     */
    static JsonObject appointment(Actor viewer, Appointment a) {
        boolean redacted = viewer.is(Role.PATIENT) && a.type() == AppointmentType.CIRCLE;
        JsonObject json = new JsonObject().put("id", a.id()).put("type", a.type().wire())
                .put("status", a.status().name().toLowerCase(Locale.ROOT))
                .put("start", a.start().toString()).put("end", a.end().toString())
                .put("therapistIds", new JsonArray(a.therapistIds()))
                .put("mode", a.type().remote() ? "remote" : "in-clinic");
        if (!redacted) {
            putIfPresent(json, "patientId", a.patientId());
            putIfPresent(json, "dosingAppointmentId", a.dosingAppointmentId());
        }
        putIfPresent(json, "location", a.location());
        putIfPresent(json, "roomId", a.roomId());
        // when a host ended the live session ("End for everyone"); null until then, for every viewer
        json.put("sessionEndedAt", a.sessionEndedAt() == null ? null : a.sessionEndedAt().toString());
        if (a.type() == AppointmentType.CIRCLE) {
            List<Appointment.Attendee> attendees = redacted
                    ? a.attendees().stream().filter(x -> x.patientId().equals(viewer.personId())).toList()
                    : a.attendees();
            json.put("capacity", a.capacity())
                    // counts of the whole circle, even when attendees holds only the patient's own place
                    .put("seatsTaken", a.seatsTaken())
                    .put("waitlistLength", a.waitlistLength())
                    .put("attendees", new JsonArray(attendees.stream().map(x -> new JsonObject().put("patientId", x.patientId())
                            .put("state", x.state().name().toLowerCase(Locale.ROOT)).put("joinedAt", x.joinedAt().toString())).toList()));
        }
        json.put("history", new JsonArray(redacted ? List.of() : a.history().stream().map(h -> {
            JsonObject entry = new JsonObject().put("at", h.at().toString()).put("actorId", h.actorId()).put("action", h.action());
            putIfPresent(entry, "detail", h.detail());
            return entry;
        }).toList()));
        return json;
    }

    /**
     * As {@link #appointment(Actor, Appointment)}, with the dosing's record when there is one and the
     * viewer is staff (the record is the clinic's; patients never get it).
     */
    static JsonObject appointment(Actor viewer, Appointment a, app.hearth.booking.schedule.DosingRecord record) {
        JsonObject json = appointment(viewer, a);
        if (record != null && !viewer.is(Role.PATIENT)) {
            json.put("dosingRecord", dosingRecord(record));
        }
        return json;
    }

    /** A dosing record as staff see it (patients never get one). */
    static JsonObject dosingRecord(app.hearth.booking.schedule.DosingRecord r) {
        return new JsonObject().put("appointmentId", r.appointmentId()).put("attended", r.attended())
                .put("route", r.route() == null ? null : r.route().wire())
                .put("startedAt", r.startedAt() == null ? null : r.startedAt().toString())
                .put("endedAt", r.endedAt() == null ? null : r.endedAt().toString())
                .put("supervisedBy", r.supervisedBy()).put("reason", r.reason()).put("recordedBy", r.recordedBy())
                .put("recordedAt", r.recordedAt() == null ? null : r.recordedAt().toString());
    }

    private static JsonObject emergencyContact(EmergencyContact c) {
        JsonObject json = new JsonObject().put("name", c.name()).put("phone", c.phone());
        putIfPresent(json, "relationship", c.relationship());
        return json;
    }

    private static void putIfPresent(JsonObject json, String key, Object value) {
        if (value != null) {
            json.put(key, value);
        }
    }
}
