package app.hearth.notify;

import app.hearth.booking.account.SetPasswordLink;
import app.hearth.booking.clinic.Clinic;
import app.hearth.booking.clinic.ClinicRepository;
import app.hearth.booking.people.LinkEvents;
import app.hearth.booking.people.Person;
import app.hearth.booking.people.PersonRepository;
import app.hearth.booking.schedule.Appointment;
import app.hearth.booking.schedule.BookingEvents;
import app.hearth.platform.security.OpaqueTokens;
import java.time.Clock;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Turns what happened (a link issued, an appointment booked, moved or cancelled) into outbox
 * messages for the people concerned. Runs on the store worker of the change (see the ports'
 * docs), so the messages are in the outbox before the change is answered. Each message's id is
 * its dedupe key, so the same event told twice queues nothing new.
 */
public final class MailNotifications implements BookingEvents, LinkEvents {

    private static final String ICS = "invitation.ics";

    private final PersonRepository people;
    private final ClinicRepository clinics;
    private final Outbox outbox;
    private final CalendarThreads threads;
    private final ClinicMailSettings settings;
    private final String publicBaseUrl;
    private final String from;
    private final Clock clock;

    public MailNotifications(PersonRepository people, ClinicRepository clinics, Outbox outbox, CalendarThreads threads,
                             ClinicMailSettings settings, String publicBaseUrl, String from, Clock clock) {
        this.people = people;
        this.clinics = clinics;
        this.outbox = outbox;
        this.threads = threads;
        this.settings = settings;
        this.publicBaseUrl = publicBaseUrl;
        this.from = from;
        this.clock = clock;
    }

    // ------------------------------------------------------------------ set-password links

    @Override
    public void issued(Person person, SetPasswordLink link, boolean invitation) {
        if (!reachable(person)) {
            return;
        }
        Optional<Clinic> clinic = clinics.find(person.clinicId());
        String clinicName = clinic.map(Clinic::name).orElse("Your clinic");
        ZoneId zone = zoneOf(person, clinic);
        Messages.Content c = invitation ? Messages.invitation(person, clinicName, link.url(), link.expiresAt(), zone)
                : Messages.newLink(person, clinicName, link.url(), link.expiresAt(), zone);
        // one message per link: the digest names the link without carrying its secret
        String id = (invitation ? Messages.INVITATION : Messages.NEW_LINK) + ":" + person.id() + ":"
                + OpaqueTokens.digest(link.url()).substring(0, 16);
        outbox.enqueue(new OutboxMessage(id, person.clinicId(), person.id(), person.email(),
                invitation ? Messages.INVITATION : Messages.NEW_LINK, c.subject(), c.text(), c.html(), List.of(),
                null, link.expiresAt(), null), clock.instant());
    }

    // ------------------------------------------------------------------ appointments

    @Override
    public void booked(Appointment a) {
        CalendarThreads.Thread thread = threads.booked(a.id());
        for (Person p : recipients(a)) {
            changeMessage(Messages.BOOKED, p, a, null, thread);
            reminders(p, a);
        }
    }

    @Override
    public void rescheduled(Appointment from, Appointment to) {
        outbox.withdrawReminders(from.id());
        CalendarThreads.Thread thread = threads.moved(from.id(), to.id());
        for (Person p : recipients(to)) {
            changeMessage(Messages.RESCHEDULED, p, to, from.start(), thread);
            reminders(p, to);
        }
    }

    @Override
    public void cancelled(Appointment a) {
        outbox.withdrawReminders(a.id());
        CalendarThreads.Thread thread = threads.cancelled(a.id());
        for (Person p : recipients(a)) {
            changeMessage(Messages.CANCELLED, p, a, null, thread);
        }
    }

    // ------------------------------------------------------------------ safety alerts

    /**
     * A safety alert was raised for a patient: each recipient (their therapists) gets an email at
     * once. Not subject to any preference. Blocking: call on a store worker.
     */
    public void safetyAlert(String clinicId, String patientId, String alertId, List<String> recipients) {
        for (String id : recipients) {
            people.findInClinic(clinicId, id).filter(MailNotifications::reachable).ifPresent(t -> {
                Messages.Content c = Messages.safetyAlert(t, publicBaseUrl + "/#/patients/" + patientId);
                outbox.enqueue(new OutboxMessage(Messages.SAFETY_ALERT + ":" + alertId + ":" + t.id(), clinicId, t.id(), t.email(),
                        Messages.SAFETY_ALERT, c.subject(), c.text(), c.html(), List.of(), null, null, null), clock.instant());
            });
        }
    }

    // ------------------------------------------------------------------ issue 15: waiting, due, distress

    /**
     * A patient has waited (since {@code waitingSince}) while the session's therapist had no live
     * Hearth connection anywhere in the cluster. One message per waiting episode and therapist: the
     * id names the episode by when the patient's seat started waiting, which every node reads alike,
     * so two nodes deciding at once still queue one. Stale once the room closes. Blocking.
     */
    public void patientWaiting(String clinicId, String appointmentId, String patientId, Instant waitingSince, String therapistId,
                               Instant start, Instant staleAfter) {
        people.findInClinic(clinicId, therapistId).filter(MailNotifications::reachable).ifPresent(t -> {
            ZoneId zone = zoneOf(t, clinics.find(clinicId));
            Messages.Content c = Messages.patientWaiting(t, start, zone, publicBaseUrl + "/#/therapist");
            outbox.enqueue(new OutboxMessage(Messages.PATIENT_WAITING + ":" + appointmentId + ":" + patientId + ":"
                    + waitingSince.toEpochMilli() + ":" + t.id(), clinicId, t.id(), t.email(), Messages.PATIENT_WAITING,
                    c.subject(), c.text(), c.html(), List.of(), null, staleAfter, appointmentId), clock.instant());
        });
    }

    /**
     * A questionnaire occasion of the patient's course is due (since {@code dueAt}): one message per
     * patient, occasion and due date, however many instruments it holds and however often the due
     * list is computed (by any node, before or after a restart). @return whether this call queued it.
     * Blocking.
     */
    public boolean measureDue(Person patient, String occasion, Instant dueAt) {
        if (!reachable(patient) || !patient.isPatient()) {
            return false;
        }
        ZoneId zone = zoneOf(patient, clinics.find(patient.clinicId()));
        Messages.Content c = Messages.measureDue(patient, dueAt, zone, publicBaseUrl + "/#/course");
        String day = dueAt.atZone(java.time.ZoneOffset.UTC).toLocalDate().toString();
        return outbox.enqueue(new OutboxMessage(Messages.MEASURE_DUE + ":" + patient.id() + ":" + occasion + ":" + day,
                patient.clinicId(), patient.id(), patient.email(), Messages.MEASURE_DUE, c.subject(), c.text(), c.html(), List.of(),
                null, null, null), clock.instant());
    }

    /**
     * A patient asked for support (a circle's "I need support", request {@code requestId}): each
     * recipient (the circle's facilitators and the patient's own therapists) gets an email at once,
     * which no preference turns off. Asking again with the same open request queues nothing new.
     * Blocking.
     */
    public void distressAlert(String clinicId, String appointmentId, String patientId, String requestId, Instant start,
                              List<String> recipients) {
        Set<String> ids = new LinkedHashSet<>(recipients);
        people.findInClinic(clinicId, patientId).ifPresent(p -> ids.addAll(p.therapistIds()));
        for (String id : ids) {
            people.findInClinic(clinicId, id).filter(MailNotifications::reachable).filter(t -> !t.isPatient()).ifPresent(t -> {
                ZoneId zone = zoneOf(t, clinics.find(clinicId));
                Messages.Content c = Messages.distressAlert(t, start, zone, publicBaseUrl + "/#/therapist");
                outbox.enqueue(new OutboxMessage(Messages.DISTRESS_ALERT + ":" + requestId + ":" + t.id(), clinicId, t.id(), t.email(),
                        Messages.DISTRESS_ALERT, c.subject(), c.text(), c.html(), List.of(), null, null, appointmentId),
                        clock.instant());
            });
        }
    }

    @Override
    public void seated(Appointment circle, String patientId) {
        CalendarThreads.Thread thread = threads.booked(circle.id());
        Instant seatedAt = circle.attendees().stream().filter(x -> x.patientId().equals(patientId)).map(Appointment.Attendee::joinedAt)
                .findFirst().orElse(clock.instant());
        people.findInClinic(circle.clinicId(), patientId).filter(MailNotifications::reachable).ifPresent(p -> {
            // a patient may leave and take a seat again: each seat is its own message
            changeMessage(Messages.BOOKED, p, circle, null, thread, "seated:" + circle.id() + ":" + p.id() + ":" + seatedAt.toEpochMilli());
            reminders(p, circle);
        });
    }

    @Override
    public void unseated(Appointment circle, String patientId) {
        outbox.withdrawReminders(circle.id(), patientId);
        CalendarThreads.Thread thread = threads.left(circle.id());
        // each leave is its own message, named by when it is in the circle's history, so a replayed
        // notice (docs/adr/0024, addendum) names the same one
        Instant leftAt = circle.history().stream().filter(h -> "circle.left".equals(h.action()) && h.detail() != null
                        && (h.detail().equals(patientId) || h.detail().startsWith(patientId + ":")))
                .map(Appointment.HistoryEntry::at).reduce((first, later) -> later).orElse(clock.instant());
        people.findInClinic(circle.clinicId(), patientId).filter(MailNotifications::reachable).ifPresent(p ->
                changeMessage(Messages.CANCELLED, p, circle, null, thread,
                        "unseated:" + circle.id() + ":" + p.id() + ":" + leftAt.toEpochMilli()));
    }

    private void changeMessage(String kind, Person p, Appointment a, Instant previousStart, CalendarThreads.Thread thread) {
        changeMessage(kind, p, a, previousStart, thread, kind + ":" + a.id() + ":" + p.id());
    }

    private void changeMessage(String kind, Person p, Appointment a, Instant previousStart, CalendarThreads.Thread thread,
                               String id) {
        ZoneId zone = zoneOf(p, clinics.find(a.clinicId()));
        Messages.Content c = Messages.change(kind, p, a, previousStart, zone, link());
        String title = Messages.title(p, a);
        String ics;
        String method;
        if (Messages.CANCELLED.equals(kind)) {
            ics = Invites.cancel(thread, a.start(), a.end(), title, from, p.email());
            method = "CANCEL";
        } else {
            ics = Invites.request(thread, a.start(), a.end(), title, a.location(), Messages.where(a) + " " + link(), from, p.email());
            method = "REQUEST";
        }
        outbox.enqueue(new OutboxMessage(id, a.clinicId(), p.id(), p.email(), kind,
                c.subject(), c.text(), c.html(),
                List.of(new OutboxMessage.Attachment(ICS, "text/calendar; charset=UTF-8; method=" + method, ics)),
                null, null, null), clock.instant());
    }

    /** The clinic's reminders that are still ahead; each withdrawn if the appointment is cancelled or moved. */
    private void reminders(Person p, Appointment a) {
        ClinicMailSettings.Settings clinicSettings = settings.of(a.clinicId());
        Instant now = clock.instant();
        ZoneId zone = zoneOf(p, clinics.find(a.clinicId()));
        for (Duration before : clinicSettings.reminderOffsets()) {
            Instant due = reminderTime(a.start(), before, zone);
            if (!due.isAfter(now)) {
                continue; // booked closer than this: that reminder has nothing to add
            }
            Messages.Content c = Messages.reminder(p, a, before, zone, link(), clinicSettings.dosingInstructions());
            outbox.enqueue(new OutboxMessage(Messages.REMINDER + ":" + a.id() + ":" + p.id() + ":" + before, a.clinicId(), p.id(),
                    p.email(), Messages.REMINDER, c.subject(), c.text(), c.html(), List.of(), due, a.start(), a.id()), now);
        }
    }

    /**
     * When a reminder {@code before} the start goes out, in the recipient's zone (docs/adr/0024,
     * addendum): an offset of whole days is calendar days on the wall clock ("24 h before" a 10:00
     * session is 10:00 the day before, even across a DST change); any other offset is that many real
     * hours and minutes. A wall-clock time that does not exist that day (the skipped hour) moves
     * forward by the gap, and one that exists twice (the repeated hour) is the earlier.
     */
    static Instant reminderTime(Instant start, Duration before, ZoneId zone) {
        long minutes = before.toMinutes();
        if (minutes > 0 && minutes % (24 * 60) == 0 && before.equals(Duration.ofMinutes(minutes))) {
            return start.atZone(zone).minusDays(minutes / (24 * 60)).toInstant();
        }
        return start.minus(before);
    }

    /** The appointment's therapists and its patient, or a circle's seated patients; those who can get mail. */
    private List<Person> recipients(Appointment a) {
        Set<String> ids = new LinkedHashSet<>(a.therapistIds());
        if (a.patientId() != null) {
            ids.add(a.patientId());
        }
        a.attendees().stream().filter(x -> x.state() == Appointment.AttendeeState.SEATED).forEach(x -> ids.add(x.patientId()));
        List<Person> found = new ArrayList<>();
        for (String id : ids) {
            people.findInClinic(a.clinicId(), id).filter(MailNotifications::reachable).ifPresent(found::add);
        }
        return found;
    }

    private static boolean reachable(Person p) {
        return p.email() != null && !p.email().isBlank() && !p.isDeactivated();
    }

    private String link() {
        return publicBaseUrl + "/#/";
    }

    /** The person's own zone, else the clinic's, else UTC. */
    static ZoneId zoneOf(Person p, Optional<Clinic> clinic) {
        for (String id : new String[] {p.timeZone(), clinic.map(Clinic::timeZone).orElse(null)}) {
            if (id != null && !id.isBlank()) {
                try {
                    return ZoneId.of(id);
                } catch (DateTimeException e) {
                    // an unknown zone id: fall through to the next
                }
            }
        }
        return ZoneId.of("UTC");
    }
}
