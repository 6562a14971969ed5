package app.hearth.gateway.care;

import app.hearth.booking.account.CredentialRepository;
import app.hearth.booking.people.Person;
import app.hearth.booking.people.PersonRepository;
import app.hearth.booking.people.PersonStatus;
import app.hearth.booking.schedule.Appointment;
import app.hearth.booking.schedule.AppointmentType;
import app.hearth.booking.schedule.ScheduleStore;
import app.hearth.gateway.testing.ApiClient;
import app.hearth.gateway.testing.TestNode;
import app.hearth.platform.access.Role;
import app.hearth.platform.security.OpaqueTokens;
import app.hearth.platform.security.PasswordHasher;
import app.hearth.platform.store.Store;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * Writes what the API cannot make on demand straight into the node's store through the MongoDB
 * driver: patients with a password (each test its own, so tests do not share a record), and
 * appointments in the past (a dosing that has started, a preparation that took place).
 */
final class CareFixtures {

    static final String PASSWORD = "care test password";
    private static final PasswordHasher HASHER = PasswordHasher.recommended();

    private final TestNode node;
    private final ApiClient api;

    CareFixtures(TestNode node, ApiClient api) {
        this.node = node;
        this.api = api;
    }

    /** A new patient of {@code therapistId} in {@code clinicId}; returns its id (its email is id@care.test). */
    String patient(String clinicId, String therapistId) {
        String id = "p-" + Long.toString(System.nanoTime(), 36) + Integer.toString(java.util.concurrent.ThreadLocalRandom.current().nextInt(1000, 9999));
        Instant now = Instant.now();
        try (Store store = Store.connect(node.storeUri(), node.databaseName())) {
            new PersonRepository(store).insert(new Person(id, clinicId, Role.PATIENT, "Patient " + id, id + "@care.test", null,
                    "America/New_York", therapistId, null, PersonStatus.ACTIVE, now), "test");
            new CredentialRepository(store).setPasswordHash(id, HASHER.hash(PASSWORD), now);
        }
        return id;
    }

    String signIn(String patientId) {
        return api.accessToken(patientId + "@care.test", PASSWORD);
    }

    /** An appointment written as booked, at any time (booking's own rules would refuse the past). */
    Appointment appointment(AppointmentType type, String therapistId, String patientId, Instant start, Duration length,
                            String dosingId) {
        Appointment a = new Appointment(OpaqueTokens.newId(), "demo", type, Appointment.Status.BOOKED, start, start.plus(length),
                List.of(therapistId), type == AppointmentType.CIRCLE ? null : patientId,
                type == AppointmentType.DOSING ? "Room 2" : null, type.remote() ? OpaqueTokens.newId() : null, dosingId,
                type == AppointmentType.CIRCLE ? 8 : 0,
                type == AppointmentType.CIRCLE ? List.of(new Appointment.Attendee(patientId, Appointment.AttendeeState.SEATED, start))
                        : List.of(),
                List.of(new Appointment.HistoryEntry(Instant.now(), "test", "appointment.booked", null)));
        try (Store store = Store.connect(node.storeUri(), node.databaseName())) {
            new ScheduleStore(store).insert(a);
        }
        return a;
    }
}
