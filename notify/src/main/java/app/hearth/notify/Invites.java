package app.hearth.notify;

import java.net.URI;
import java.time.Instant;
import net.fortuna.ical4j.model.Calendar;
import net.fortuna.ical4j.model.component.VEvent;
import net.fortuna.ical4j.model.property.Attendee;
import net.fortuna.ical4j.model.property.Description;
import net.fortuna.ical4j.model.property.Location;
import net.fortuna.ical4j.model.property.Method;
import net.fortuna.ical4j.model.property.Organizer;
import net.fortuna.ical4j.model.property.Sequence;
import net.fortuna.ical4j.model.property.Status;
import net.fortuna.ical4j.model.property.Uid;

/**
 * iCalendar invitations (RFC 5545 with the iTIP methods of RFC 5546) made with ical4j: one VEVENT
 * per message, REQUEST to add or update it, CANCEL to remove it, with the appointment's stable UID
 * and a SEQUENCE that grows with each change, ORGANIZER (the clinic's sender address) and the
 * recipient as ATTENDEE, which Google, Outlook and Apple calendars need to treat it as an update.
 * Times are UTC (the calendar shows them in its owner's zone); titles carry no clinical words.
 */
public final class Invites {

    private Invites() {
    }

    public static String request(CalendarThreads.Thread thread, Instant start, Instant end, String title, String location,
                                 String description, String organizer, String attendee) {
        return calendar("REQUEST", "CONFIRMED", thread, start, end, title, location, description, organizer, attendee);
    }

    public static String cancel(CalendarThreads.Thread thread, Instant start, Instant end, String title, String organizer,
                                String attendee) {
        return calendar("CANCEL", "CANCELLED", thread, start, end, title, null, "Cancelled.", organizer, attendee);
    }

    private static String calendar(String method, String status, CalendarThreads.Thread thread, Instant start, Instant end,
                                   String title, String location, String description, String organizer, String attendee) {
        Calendar calendar = new Calendar()
                .withProdId("-//Hearth//Hearth mail//EN")
                .withDefaults()
                .getFluentTarget();
        calendar.add(new Method(method));
        VEvent event = new VEvent(start, end, title);
        event.add(new Uid(thread.uid()));
        event.add(new Sequence(thread.sequence()));
        event.add(new Status(status));
        event.add(new Organizer(URI.create("mailto:" + organizer)));
        event.add(new Attendee(URI.create("mailto:" + attendee)));
        if (location != null) {
            event.add(new Location(location));
        }
        if (description != null) {
            event.add(new Description(description));
        }
        calendar.add(event);
        return calendar.toString();
    }
}
