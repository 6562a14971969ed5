package app.hearth.booking.demo;

import app.hearth.booking.account.CredentialRepository;
import app.hearth.booking.clinic.Clinic;
import app.hearth.booking.clinic.ClinicRepository;
import app.hearth.booking.people.EmergencyContact;
import app.hearth.booking.people.Person;
import app.hearth.booking.people.PersonRepository;
import app.hearth.booking.people.PersonStatus;
import app.hearth.platform.access.Role;
import app.hearth.platform.security.PasswordHasher;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.LocalTime;
import app.hearth.booking.schedule.Availability;
import app.hearth.booking.schedule.ScheduleStore;
import app.hearth.booking.schedule.WeeklyHours;

/**
 * The demo clinic of the embedded default: one admin, two therapists, four patients, all with the
 * password {@value #PASSWORD}. Seeded once into an empty store and never in production mode (the
 * node refuses to start that way). The clinic's fixed id makes seeding safe when two nodes start at
 * once on one store: the second insert of the clinic fails on its primary key and seeds nothing.
 */
public final class DemoClinic {

    public static final String CLINIC_ID = "demo";
    public static final String PASSWORD = "hearth-demo";
    public static final String ADMIN_EMAIL = "admin@demo.hearth";
    public static final List<String> EMAILS = List.of(ADMIN_EMAIL, "therapist@demo.hearth", "therapist2@demo.hearth",
            "patient1@demo.hearth", "patient2@demo.hearth", "patient3@demo.hearth", "patient4@demo.hearth");

    private DemoClinic() {
    }

    /** The demo therapist a newcomer books first (README, "Try a live room"). */
    public static final String FIRST_RUN_THERAPIST_ID = "demo-therapist-1";

    /** @return true when this call seeded the clinic, false when the store already had it */
    public static boolean seedIfAbsent(ClinicRepository clinics, PersonRepository people, CredentialRepository credentials,
                                       ScheduleStore schedule, PasswordHasher hasher, Clock clock) {
        return seedIfAbsent(clinics, people, credentials, schedule, hasher, clock, false);
    }

    /**
     * @param bookNow the first run: Dr. Okafor bookable every day around the clock in her zone, without
     *                notice, so a newcomer can book a session for now at any time of day and join it
     *                within minutes (rooms open before the start). Otherwise weekday office hours with
     *                a day's notice, like every other therapist (the tests' setting).
     * @return true when this call seeded the clinic, false when the store already had it
     */
    public static boolean seedIfAbsent(ClinicRepository clinics, PersonRepository people, CredentialRepository credentials,
                                       ScheduleStore schedule, PasswordHasher hasher, Clock clock, boolean bookNow) {
        if (!clinics.insertIfAbsent(new Clinic(CLINIC_ID, "Demo Clinic", "America/New_York"))) {
            return false;
        }
        Instant now = clock.instant();
        String tz = "America/New_York";
        List<Person> staffAndPatients = List.of(
                person("demo-admin", Role.ADMIN, "Alex Morgan", ADMIN_EMAIL, null, null, tz, now),
                person("demo-therapist-1", Role.THERAPIST, "Dr. Maya Okafor", "therapist@demo.hearth", null, null, tz, now),
                person("demo-therapist-2", Role.THERAPIST, "Dr. Sam Rivera", "therapist2@demo.hearth", null, null,
                        "Europe/Berlin", now),
                person("demo-patient-1", Role.PATIENT, "Jordan Lee", "patient1@demo.hearth", "demo-therapist-1",
                        new EmergencyContact("Casey Lee", "+1 555 0101", "sibling"), tz, now),
                person("demo-patient-2", Role.PATIENT, "Priya Shah", "patient2@demo.hearth", "demo-therapist-1",
                        new EmergencyContact("Arun Shah", "+1 555 0102", "partner"), tz, now),
                person("demo-patient-3", Role.PATIENT, "Tomás García", "patient3@demo.hearth", "demo-therapist-2",
                        new EmergencyContact("Lucía García", "+1 555 0103", "parent"), "America/Chicago", now),
                person("demo-patient-4", Role.PATIENT, "Robin Novak", "patient4@demo.hearth", "demo-therapist-2",
                        new EmergencyContact("Dana Novak", "+1 555 0104", "friend"), "Europe/Berlin", now));
        for (Person p : staffAndPatients) {
            people.insert(p, "demo-seed");
            credentials.setPasswordHash(p.id(), hasher.hash(PASSWORD), now);
        }
        // Weekday office hours in each therapist's own zone, so slots can be booked at once.
        for (Person p : staffAndPatients) {
            if (bookNow && p.id().equals(FIRST_RUN_THERAPIST_ID)) {
                List<WeeklyHours> everyDay = java.util.Arrays.stream(DayOfWeek.values())
                        .map(d -> new WeeklyHours(d, LocalTime.MIDNIGHT, LocalTime.of(23, 55))).toList();
                schedule.saveAvailability(CLINIC_ID, new Availability(p.id(), p.timeZone(), everyDay, List.of(), Duration.ZERO,
                        Duration.ZERO, Duration.ZERO, Duration.ofDays(90)));
            } else if (p.role() == Role.THERAPIST) {
                List<WeeklyHours> weekdays = java.util.stream.Stream.of(DayOfWeek.MONDAY, DayOfWeek.TUESDAY, DayOfWeek.WEDNESDAY,
                        DayOfWeek.THURSDAY, DayOfWeek.FRIDAY).map(d -> new WeeklyHours(d, LocalTime.of(9, 0), LocalTime.of(17, 0))).toList();
                schedule.saveAvailability(CLINIC_ID, new Availability(p.id(), p.timeZone(), weekdays, List.of(), Duration.ZERO,
                        Duration.ZERO, Duration.ofHours(24), Duration.ofDays(90)));
            }
        }
        return true;
    }

    private static Person person(String id, Role role, String name, String email, String therapistId,
                                 EmergencyContact contact, String timeZone, Instant now) {
        return new Person(id, CLINIC_ID, role, name, email, role == Role.PATIENT ? "+1 555 01" + id.charAt(id.length() - 1) + "0" : null,
                timeZone, therapistId, contact, PersonStatus.ACTIVE, now);
    }
}
