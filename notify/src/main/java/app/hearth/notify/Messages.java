package app.hearth.notify;

import app.hearth.booking.people.Person;
import app.hearth.booking.schedule.Appointment;
import app.hearth.booking.schedule.AppointmentType;
import app.hearth.platform.access.Role;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/**
 * The words of each message, in plain text and HTML. Minimum necessary: no diagnosis, scores,
 * intake answers, journal text or session notes, and no other person's name; the kind of session
 * for staff, "a session with your care team" for patients (mail passes through other companies'
 * servers, like calendar feeds: see CalendarFeeds); a link into Hearth for everything else. Times
 * in the recipient's own zone, with the zone named.
 */
public final class Messages {

    public static final String INVITATION = "invitation";
    public static final String NEW_LINK = "set-password-link";
    public static final String BOOKED = "booked";
    public static final String RESCHEDULED = "rescheduled";
    public static final String CANCELLED = "cancelled";
    public static final String REMINDER = "reminder";
    public static final String SAFETY_ALERT = "safety-alert";
    /** A questionnaire of the patient's course fell due (issue 15; optional: a person may turn it off). */
    public static final String MEASURE_DUE = "measure-due";
    /** A patient waits and the session's therapist has no Hearth page open anywhere (optional). */
    public static final String PATIENT_WAITING = "patient-waiting";
    /** A patient asked for support ("I need support" in a circle); like safety alerts, never turned off. */
    public static final String DISTRESS_ALERT = "distress-alert";

    private static final DateTimeFormatter WHEN = DateTimeFormatter.ofPattern("EEEE d MMMM yyyy, HH:mm", Locale.ENGLISH);

    /** Subject, text and HTML of one message. */
    public record Content(String subject, String text, String html) {
    }

    private Messages() {
    }

    public static Content invitation(Person person, String clinicName, String url, Instant expires, ZoneId zone) {
        String subject = "Your invitation to Hearth from " + clinicName;
        String intro = clinicName + " invited you to Hearth, where you book and join your sessions.";
        String action = "Set your password with this link (it works once, until " + when(expires, zone) + "):";
        return linkMessage(subject, person, intro, action, url);
    }

    public static Content newLink(Person person, String clinicName, String url, Instant expires, ZoneId zone) {
        String subject = "A new link to set your Hearth password";
        String intro = clinicName + " sent you a new link to set your Hearth password; earlier links no longer work.";
        String action = "Set your password with this link (it works once, until " + when(expires, zone) + "):";
        return linkMessage(subject, person, intro, action, url);
    }

    private static Content linkMessage(String subject, Person person, String intro, String action, String url) {
        String text = "Hello " + person.displayName() + ",\n\n" + intro + "\n\n" + action + "\n" + url
                + "\n\nIf you did not expect this email, you can ignore it.\n";
        String html = page("<p>Hello " + esc(person.displayName()) + ",</p><p>" + esc(intro) + "</p><p>" + esc(action)
                + "<br><a href=\"" + esc(url) + "\">" + esc(url) + "</a></p><p>If you did not expect this email, you can ignore it.</p>");
        return new Content(subject, text, html);
    }

    /** booked, rescheduled or cancelled; {@code previousStart} only for a reschedule. */
    public static Content change(String kind, Person to, Appointment a, Instant previousStart, ZoneId zone, String link) {
        String title = title(to, a);
        String at = when(a.start(), zone);
        String subject;
        String line;
        switch (kind) {
            case BOOKED -> {
                subject = "Booked: " + title + ", " + shortWhen(a.start(), zone);
                line = title + " is booked for " + at + ".";
            }
            case RESCHEDULED -> {
                subject = "Moved: " + title + ", now " + shortWhen(a.start(), zone);
                line = title + " has moved from " + when(previousStart, zone) + " to " + at + ".";
            }
            default -> {
                subject = "Cancelled: " + title + ", " + shortWhen(a.start(), zone);
                line = title + " on " + at + " is cancelled.";
            }
        }
        String where = where(a);
        String calendar = CANCELLED.equals(kind) ? "The attached calendar file removes it from your calendar."
                : "The attached invitation adds it to your calendar.";
        String text = "Hello " + to.displayName() + ",\n\n" + line + "\n" + where + "\n\nDetails in Hearth: " + link + "\n\n"
                + calendar + "\n";
        String html = page("<p>Hello " + esc(to.displayName()) + ",</p><p>" + esc(line) + "<br>" + esc(where) + "</p><p><a href=\""
                + esc(link) + "\">Open Hearth</a> for the details.</p><p>" + esc(calendar) + "</p>");
        return new Content(subject, text, html);
    }

    /** A reminder {@code before} the start; dosing reminders carry the clinic's preparation instructions. */
    public static Content reminder(Person to, Appointment a, Duration before, ZoneId zone, String link, String dosingInstructions) {
        String title = title(to, a);
        String in = before.toHours() >= 24 && before.toHours() % 24 == 0 ? (before.toHours() == 24 ? "tomorrow" : "in " + before.toDays() + " days")
                : before.toMinutes() >= 60 && before.toMinutes() % 60 == 0 ? (before.toHours() == 1 ? "in an hour" : "in " + before.toHours() + " hours")
                : "in " + before.toMinutes() + " minutes";
        String subject = "Reminder: " + title + " " + in + " (" + shortWhen(a.start(), zone) + ")";
        String line = title + " is " + in + ", at " + when(a.start(), zone) + ".";
        String where = where(a);
        String prepare = a.type() == AppointmentType.DOSING && to.role() == Role.PATIENT && dosingInstructions != null
                ? dosingInstructions : null;
        String text = "Hello " + to.displayName() + ",\n\n" + line + "\n" + where + "\n"
                + (prepare == null ? "" : "\nTo prepare: " + prepare + "\n") + "\nDetails in Hearth: " + link + "\n";
        String html = page("<p>Hello " + esc(to.displayName()) + ",</p><p>" + esc(line) + "<br>" + esc(where) + "</p>"
                + (prepare == null ? "" : "<p><strong>To prepare:</strong> " + esc(prepare) + "</p>")
                + "<p><a href=\"" + esc(link) + "\">Open Hearth</a> for the details.</p>");
        return new Content(subject, text, html);
    }

    /**
     * A safety alert to a patient's therapist: that there is one, and the link to the patient's
     * course. Not which patient by name, not the answer or score (the mail passes other servers).
     */
    public static Content safetyAlert(Person therapist, String link) {
        String subject = "Hearth: a safety alert needs your attention";
        String line = "One of your patients' answers raised a safety alert in Hearth. Please review it today.";
        String text = "Hello " + therapist.displayName() + ",\n\n" + line + "\n\nOpen it in Hearth: " + link
                + "\n\nSafety alerts are always emailed; this cannot be turned off.\n";
        String html = page("<p>Hello " + esc(therapist.displayName()) + ",</p><p>" + esc(line) + "</p><p><a href=\"" + esc(link)
                + "\">Open it in Hearth</a></p><p>Safety alerts are always emailed; this cannot be turned off.</p>");
        return new Content(subject, text, html);
    }

    /**
     * To a session's therapist who has no Hearth page open: a patient waits for the session that
     * starts at {@code start} (the time only, in the therapist's zone). Not which patient: staff mail
     * never names one (the mail passes other servers); the waiting room in Hearth does.
     */
    public static Content patientWaiting(Person therapist, Instant start, ZoneId zone, String link) {
        String hhmm = DateTimeFormatter.ofPattern("HH:mm", Locale.ENGLISH).format(start.atZone(zone));
        String subject = "A patient is waiting for your session at " + hhmm;
        String line = "A patient is waiting in the waiting room of your session at " + hhmm + " (" + zone.getId()
                + "), and you have no Hearth page open.";
        String text = "Hello " + therapist.displayName() + ",\n\n" + line + "\n\nOpen Hearth to let them in: " + link + "\n";
        String html = page("<p>Hello " + esc(therapist.displayName()) + ",</p><p>" + esc(line) + "</p><p><a href=\"" + esc(link)
                + "\">Open Hearth</a> to let them in.</p>");
        return new Content(subject, text, html);
    }

    /**
     * To a patient: a questionnaire of their course is due. Not which one: a measure's name says
     * what it screens for (depression, anxiety, PTSD), which is clinical; "a short check-in" only.
     */
    public static Content measureDue(Person patient, Instant dueAt, ZoneId zone, String link) {
        String subject = "Hearth: a short check-in questionnaire is ready for you";
        String line = "Your care team asks you to fill in a short check-in questionnaire (ready since "
                + when(dueAt, zone) + "). It takes a few minutes.";
        String text = "Hello " + patient.displayName() + ",\n\n" + line + "\n\nOpen it in Hearth: " + link + "\n";
        String html = page("<p>Hello " + esc(patient.displayName()) + ",</p><p>" + esc(line) + "</p><p><a href=\"" + esc(link)
                + "\">Open it in Hearth</a></p>");
        return new Content(subject, text, html);
    }

    /**
     * To a circle's facilitators (and the patient's therapists): a patient asked for support. Not
     * who (staff mail names no patient), no reason (none is asked); the session's time and a link.
     */
    public static Content distressAlert(Person therapist, Instant start, ZoneId zone, String link) {
        String hhmm = DateTimeFormatter.ofPattern("HH:mm", Locale.ENGLISH).format(start.atZone(zone));
        String subject = "Hearth: a patient asked for support";
        String line = "A patient in your session at " + hhmm + " (" + zone.getId() + ") asked for support in Hearth. "
                + "Please look at it now.";
        String text = "Hello " + therapist.displayName() + ",\n\n" + line + "\n\nOpen Hearth: " + link
                + "\n\nSupport requests are always emailed; this cannot be turned off.\n";
        String html = page("<p>Hello " + esc(therapist.displayName()) + ",</p><p>" + esc(line) + "</p><p><a href=\"" + esc(link)
                + "\">Open Hearth</a></p><p>Support requests are always emailed; this cannot be turned off.</p>");
        return new Content(subject, text, html);
    }

    /** No clinical words for patients; staff see the kind of session, never a patient's name (as CalendarFeeds). */
    public static String title(Person viewer, Appointment a) {
        if (viewer.role() == Role.PATIENT) {
            return switch (a.type()) {
                case DOSING -> "Clinic visit";
                case CIRCLE -> "Group session";
                default -> "Session with your care team";
            };
        }
        return switch (a.type()) {
            case PREPARATION -> "Preparation session";
            case INTEGRATION -> "Integration session";
            case CIRCLE -> "Integration circle";
            case DOSING -> "In-clinic dosing";
        };
    }

    static String where(Appointment a) {
        if (a.type() == AppointmentType.DOSING) {
            return "At the clinic" + (a.location() == null ? "." : ", " + a.location() + ".");
        }
        return "Online: join from Hearth when it is time.";
    }

    static String when(Instant instant, ZoneId zone) {
        return WHEN.format(instant.atZone(zone)) + " (" + zone.getId() + ")";
    }

    private static String shortWhen(Instant instant, ZoneId zone) {
        return DateTimeFormatter.ofPattern("EEE d MMM, HH:mm", Locale.ENGLISH).format(instant.atZone(zone));
    }

    private static String page(String body) {
        return "<!doctype html><html><body style=\"font-family:sans-serif;line-height:1.5\">" + body + "</body></html>";
    }

    static String esc(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
