package app.hearth.booking.schedule;

import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.Date;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.bson.Document;

/** Mapping of scheduling records to and from MongoDB documents, in one place. */
final class ScheduleDocuments {

    private ScheduleDocuments() {
    }

    static Document policy(String clinicId, BookingPolicy p) {
        Document types = new Document();
        p.types().forEach((type, rules) -> types.append(type.wire(), new Document("durationMinutes", rules.duration().toMinutes())
                .append("bufferBeforeMinutes", rules.bufferBefore().toMinutes())
                .append("bufferAfterMinutes", rules.bufferAfter().toMinutes())));
        return new Document("_id", clinicId).append("types", types)
                .append("integrationWindowMinDays", p.integrationWindowMinDays())
                .append("integrationWindowMaxDays", p.integrationWindowMaxDays())
                .append("patientCancellationCutoffMinutes", p.patientCancellationCutoff().toMinutes())
                .append("defaultCircleCapacity", p.defaultCircleCapacity())
                .append("patientsMayBook", p.patientsMayBook())
                .append("roomOpensBeforeMinutes", p.roomOpensBefore().toMinutes());
    }

    static BookingPolicy policy(Document d) {
        Map<AppointmentType, BookingPolicy.TypeRules> types = new EnumMap<>(AppointmentType.class);
        Document t = d.get("types", Document.class);
        for (AppointmentType type : AppointmentType.values()) {
            Document r = t.get(type.wire(), Document.class);
            types.put(type, new BookingPolicy.TypeRules(minutes(r, "durationMinutes"), minutes(r, "bufferBeforeMinutes"),
                    minutes(r, "bufferAfterMinutes")));
        }
        return new BookingPolicy(types, d.getInteger("integrationWindowMinDays"), d.getInteger("integrationWindowMaxDays"),
                minutes(d, "patientCancellationCutoffMinutes"), d.getInteger("defaultCircleCapacity"),
                d.getBoolean("patientsMayBook"), minutes(d, "roomOpensBeforeMinutes"));
    }

    static Document availability(String clinicId, Availability a) {
        List<Document> weekly = a.weekly().stream().map(w -> new Document("day", w.day().name())
                .append("start", w.start().toString()).append("end", w.end().toString())).toList();
        List<Document> exceptions = a.exceptions().stream().map(e -> {
            Document doc = new Document("date", e.date().toString()).append("kind", e.kind().name());
            if (e.start() != null) {
                doc.append("start", e.start().toString()).append("end", e.end().toString());
            }
            return doc;
        }).toList();
        return new Document("_id", a.therapistId()).append("clinicId", clinicId).append("timeZone", a.timeZone())
                .append("weekly", weekly).append("exceptions", exceptions)
                .append("bufferBeforeMinutes", a.bufferBefore().toMinutes())
                .append("bufferAfterMinutes", a.bufferAfter().toMinutes())
                .append("minimumNoticeMinutes", a.minimumNotice().toMinutes())
                .append("horizonDays", a.horizon().toDays());
    }

    static Availability availability(Document d) {
        List<WeeklyHours> weekly = new ArrayList<>();
        for (Document w : d.getList("weekly", Document.class)) {
            weekly.add(new WeeklyHours(DayOfWeek.valueOf(w.getString("day")), LocalTime.parse(w.getString("start")),
                    LocalTime.parse(w.getString("end"))));
        }
        List<DateException> exceptions = new ArrayList<>();
        for (Document e : d.getList("exceptions", Document.class)) {
            exceptions.add(new DateException(LocalDate.parse(e.getString("date")), DateException.Kind.valueOf(e.getString("kind")),
                    e.getString("start") == null ? null : LocalTime.parse(e.getString("start")),
                    e.getString("end") == null ? null : LocalTime.parse(e.getString("end"))));
        }
        return new Availability(d.getString("_id"), d.getString("timeZone"), weekly, exceptions,
                minutes(d, "bufferBeforeMinutes"), minutes(d, "bufferAfterMinutes"), minutes(d, "minimumNoticeMinutes"),
                Duration.ofDays(((Number) d.get("horizonDays")).longValue()));
    }

    static Document appointment(Appointment a) {
        Document doc = new Document("_id", a.id()).append("clinicId", a.clinicId()).append("type", a.type().wire())
                .append("status", a.status().name().toLowerCase(Locale.ROOT))
                .append("start", Date.from(a.start())).append("end", Date.from(a.end()))
                .append("therapistIds", a.therapistIds())
                .append("patientId", a.patientId())
                .append("location", a.location())
                .append("roomId", a.roomId())
                .append("dosingAppointmentId", a.dosingAppointmentId())
                .append("capacity", a.capacity())
                .append("seatCount", a.seatsTaken())
                .append("attendees", a.attendees().stream().map(ScheduleDocuments::attendee).toList())
                .append("history", a.history().stream().map(ScheduleDocuments::history).toList());
        return doc;
    }

    static Document attendee(Appointment.Attendee a) {
        return new Document("patientId", a.patientId()).append("state", a.state().name().toLowerCase(Locale.ROOT))
                .append("joinedAt", Date.from(a.joinedAt()));
    }

    static Document history(Appointment.HistoryEntry h) {
        Document doc = new Document("at", Date.from(h.at())).append("actorId", h.actorId()).append("action", h.action());
        if (h.detail() != null) {
            doc.append("detail", h.detail());
        }
        return doc;
    }

    static Appointment appointment(Document d) {
        List<Appointment.Attendee> attendees = new ArrayList<>();
        for (Document a : d.getList("attendees", Document.class, List.of())) {
            attendees.add(new Appointment.Attendee(a.getString("patientId"),
                    Appointment.AttendeeState.valueOf(a.getString("state").toUpperCase(Locale.ROOT)), a.getDate("joinedAt").toInstant()));
        }
        List<Appointment.HistoryEntry> history = new ArrayList<>();
        for (Document h : d.getList("history", Document.class, List.of())) {
            history.add(new Appointment.HistoryEntry(h.getDate("at").toInstant(), h.getString("actorId"), h.getString("action"),
                    h.getString("detail")));
        }
        return new Appointment(d.getString("_id"), d.getString("clinicId"),
                AppointmentType.fromWire(d.getString("type")).orElseThrow(),
                Appointment.Status.valueOf(d.getString("status").toUpperCase(Locale.ROOT)),
                d.getDate("start").toInstant(), d.getDate("end").toInstant(), d.getList("therapistIds", String.class),
                d.getString("patientId"), d.getString("location"), d.getString("roomId"), d.getString("dosingAppointmentId"),
                d.getInteger("capacity", 0), attendees, history).withSessionEndedAt(instant(d, "sessionEndedAt"));
    }

    static Instant instant(Document d, String key) {
        Date date = d.getDate(key);
        return date == null ? null : date.toInstant();
    }

    private static Duration minutes(Document d, String key) {
        return Duration.ofMinutes(((Number) d.get(key)).longValue());
    }
}
