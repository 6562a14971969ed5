package app.hearth.booking.calendar;

import app.hearth.booking.people.Person;
import app.hearth.booking.people.PersonRepository;
import app.hearth.booking.schedule.Appointment;
import app.hearth.booking.schedule.AppointmentType;
import app.hearth.booking.schedule.ScheduleStore;
import app.hearth.platform.access.Actor;
import app.hearth.platform.access.Role;
import app.hearth.platform.audit.AuditEntry;
import app.hearth.platform.audit.AuditLog;
import app.hearth.platform.problem.ProblemType;
import app.hearth.platform.security.OpaqueTokens;
import app.hearth.platform.store.Blocking;
import app.hearth.platform.store.Store;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Updates;
import io.vertx.core.Future;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.Date;
import net.fortuna.ical4j.model.Calendar;
import net.fortuna.ical4j.model.TimeZoneRegistry;
import net.fortuna.ical4j.model.TimeZoneRegistryFactory;
import net.fortuna.ical4j.model.component.VEvent;
import net.fortuna.ical4j.model.property.Description;
import net.fortuna.ical4j.model.property.Location;
import net.fortuna.ical4j.model.property.Uid;
import org.bson.Document;

/**
 * iCalendar (RFC 5545) feeds with a secret, revocable URL per person, made with ical4j. Events are
 * written in the person's own zone (TZID plus its VTIMEZONE). Titles carry no clinical detail —
 * calendars sync to other companies' servers — so a patient sees "Session with your care team",
 * never "ketamine" or "integration".
 */
public final class CalendarFeeds {

    public static final String COLLECTION = "calendar_feeds";
    public static final ProblemType FEED_NOT_FOUND = new ProblemType("calendar-feed-not-found", 404, "No such calendar feed");
    static final Duration PAST = Duration.ofDays(30);
    static final Duration AHEAD = Duration.ofDays(365);

    private final MongoCollection<Document> feeds;
    private final ScheduleStore schedule;
    private final PersonRepository people;
    private final AuditLog audit;
    private final Blocking store;
    private final Clock clock;

    public CalendarFeeds(Store db, ScheduleStore schedule, PersonRepository people, AuditLog audit, Blocking store, Clock clock) {
        this.feeds = db.collection(COLLECTION);
        this.schedule = schedule;
        this.people = people;
        this.audit = audit;
        this.store = store;
        this.clock = clock;
    }

    public void ensureIndexes() {
        feeds.createIndex(new Document("personId", 1));
    }

    /** Makes a new secret feed token for the caller; their earlier feed URLs stop working. */
    public Future<String> rotate(Actor actor) {
        return store.run(() -> {
            revokeBlocking(actor.personId());
            String secret = OpaqueTokens.newSecret();
            feeds.insertOne(new Document("_id", OpaqueTokens.digest(secret)).append("personId", actor.personId())
                    .append("clinicId", actor.clinicId()).append("createdAt", Date.from(clock.instant())).append("revokedAt", null));
            return secret;
        }).compose(s -> audit.record(AuditEntry.of(actor, clock.instant(), "calendar-feed.create", "person", actor.personId(),
                AuditEntry.Outcome.SUCCESS)).map(s));
    }

    public Future<Void> revoke(Actor actor) {
        return store.run(() -> {
            revokeBlocking(actor.personId());
            return null;
        });
    }

    /** The feed as iCalendar text; unknown or revoked tokens are not found. */
    public Future<String> render(String secret) {
        return store.run(() -> {
            Document feed = feeds.find(Filters.and(Filters.eq("_id", OpaqueTokens.digest(secret)), Filters.eq("revokedAt", null))).first();
            if (feed == null) {
                throw FEED_NOT_FOUND.exception(null);
            }
            Person person = people.findInClinic(feed.getString("clinicId"), feed.getString("personId"))
                    .orElseThrow(() -> FEED_NOT_FOUND.exception(null));
            Instant now = clock.instant();
            String therapist = person.role() == Role.THERAPIST ? person.id() : null;
            String patient = person.role() == Role.PATIENT ? person.id() : null;
            return new Rendered(person, schedule.between(person.clinicId(), now.minus(PAST), now.plus(AHEAD), therapist, patient, false));
        }).compose(r -> audit.record(new AuditEntry(null, clock.instant(), r.person.id(), r.person.role().wire(), r.person.clinicId(),
                        "calendar-feed.read", "person", r.person.id(), AuditEntry.Outcome.SUCCESS, null))
                .map(v -> toICalendar(r.person, r.appointments)));
    }

    private record Rendered(Person person, java.util.List<Appointment> appointments) {
    }

    static String toICalendar(Person person, java.util.List<Appointment> appointments) {
        ZoneId zone = ZoneId.of(person.timeZone() == null ? "UTC" : person.timeZone());
        TimeZoneRegistry registry = TimeZoneRegistryFactory.getInstance().createRegistry();
        Calendar calendar = new Calendar()
                .withProdId("-//Hearth//Hearth calendar//EN")
                .withDefaults()
                .getFluentTarget();
        boolean needsZone = !zone.getId().equals("UTC");
        if (needsZone) {
            calendar.add(registry.getTimeZone(zone.getId()).getVTimeZone());
        }
        for (Appointment a : appointments) {
            VEvent event = new VEvent(ZonedDateTime.ofInstant(a.start(), zone), ZonedDateTime.ofInstant(a.end(), zone),
                    title(person, a));
            event.add(new Uid(a.id() + "@hearth"));
            if (a.type() == AppointmentType.DOSING && a.location() != null) {
                event.add(new Location(a.location()));
            }
            event.add(new Description(a.type().remote() ? "Join from Hearth when it is time." : "At the clinic."));
            calendar.add(event);
        }
        return calendar.toString();
    }

    /** No clinical words for patients; therapists see the kind of session but no patient names. */
    static String title(Person viewer, Appointment a) {
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

    private void revokeBlocking(String personId) {
        feeds.updateMany(Filters.and(Filters.eq("personId", personId), Filters.eq("revokedAt", null)),
                Updates.set("revokedAt", Date.from(clock.instant())));
    }
}
