package app.hearth.gateway.mail;

import app.hearth.booking.people.Person;
import app.hearth.booking.people.PersonRepository;
import app.hearth.care.measures.Cadence;
import app.hearth.care.measures.MeasuresService;
import app.hearth.gateway.config.NodeConfig;
import app.hearth.notify.MailNotifications;
import app.hearth.platform.access.Actor;
import app.hearth.platform.access.Role;
import app.hearth.platform.audit.AuditEntry;
import app.hearth.platform.audit.AuditLog;
import app.hearth.platform.store.Blocking;
import app.hearth.platform.store.ClusterTurns;
import app.hearth.room.RoomHub;
import app.hearth.room.UnattendedWaiting;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The mail that no request asks for (issue 15, docs/adr/0030), wired where rooms, care and mail
 * meet (none of them knows the others): a patient waiting while their therapist has no Hearth page
 * open anywhere, a questionnaire that fell due, and a circle's "I need support". Each queues through
 * {@link MailNotifications} on a store worker; the outbox's ids make each message once per cluster.
 * Only identifiers cross here, and nothing clinical reaches a log.
 */
public final class MailTriggers implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(MailTriggers.class);
    /** The measure-due scan's turn in {@link ClusterTurns}. */
    static final String MEASURE_SCAN = "mail.measure-due-scan";

    private final Vertx vertx;
    private final UnattendedWaiting waiting;
    private final long scanTimer;
    private final AtomicBoolean scanning = new AtomicBoolean();

    private MailTriggers(Vertx vertx, UnattendedWaiting waiting, long scanTimer) {
        this.vertx = vertx;
        this.waiting = waiting;
        this.scanTimer = scanTimer;
    }

    public static MailTriggers start(Vertx vertx, NodeConfig.MailTriggers config, RoomHub rooms, MailNotifications mail,
                                     MeasuresService measures, PersonRepository people, AuditLog audit, Blocking store,
                                     ClusterTurns turns, Clock clock) {
        // 1. a patient waits, and a therapist of the session has no live connection anywhere for the delay
        UnattendedWaiting waiting = new UnattendedWaiting(vertx, rooms::seatsHere, rooms.liveConnections(), config.waitingDelay(),
                (seat, host) -> store.run(() -> {
                    mail.patientWaiting(seat.clinicId(), seat.appointmentId(), seat.personId(), seat.since(), host, seat.start(),
                            seat.closesAt());
                    return null;
                }).onFailure(e -> LOG.warn("Queuing a patient-waiting mail failed: {}", e.getClass().getSimpleName())),
                clock).start();

        // 3. distress: a circle's "I need support" mails the facilitators and the patient's therapists at once
        rooms.onSupportRequested((seat, requestId) -> store.run(() -> {
            mail.distressAlert(seat.clinicId(), seat.appointmentId(), seat.personId(), requestId, seat.start(), seat.hostIds());
            return null;
        }).onFailure(e -> LOG.warn("Queuing the mail of support request {} failed: {}", requestId, e.getClass().getSimpleName())));

        MailTriggers[] self = new MailTriggers[1];
        // 2. questionnaires that fell due: computed from the store each time, so restarts lose nothing
        long every = config.measureScan().toMillis();
        long timer = vertx.setPeriodic(every, every, id -> {
            try {
                self[0].scanMeasures(measures, people, mail, audit, store, turns, config.measureScan().dividedBy(2), clock);
            } catch (java.util.concurrent.RejectedExecutionException e) {
                vertx.cancelTimer(id); // the node is shutting down: its pools are closed
            }
        });
        self[0] = new MailTriggers(vertx, waiting, timer);
        return self[0];
    }

    private record Queued(Person patient, String occasion) {
    }

    /**
     * Every active patient's due occasions, one message per occasion and due date (several
     * questionnaires of one occasion are one "check-in"). Each queued message is audited as a
     * disclosure to the patient that something is due; computing without queuing reads nothing
     * anyone sees. One scan at a time on this node, and one node per half interval in the cluster
     * (a turn in the store: every node reading every patient would repeat the same reads); a scan
     * that still overlaps another meets the outbox's ids.
     */
    private void scanMeasures(MeasuresService measures, PersonRepository people, MailNotifications mail, AuditLog audit,
                              Blocking store, ClusterTurns turns, Duration turn, Clock clock) {
        if (!scanning.compareAndSet(false, true)) {
            return;
        }
        io.vertx.core.Future<List<Queued>> scan;
        try {
            scan = store.run(() -> turns.take(MEASURE_SCAN, clock.instant(), turn) ? queueDue(measures, people, mail) : List.of());
        } catch (RuntimeException e) {
            scanning.set(false);
            throw e;
        }
        scan.onSuccess(queued -> queued.forEach(q -> audit.record(AuditEntry.of(
                new Actor(q.patient().id(), q.patient().clinicId(), Role.PATIENT, null), clock.instant(), "care.measures.due.mail",
                "care.measures", q.patient().id(), AuditEntry.Outcome.SUCCESS))))
                .onFailure(e -> LOG.warn("The measure-due scan failed: {}", e.getClass().getSimpleName()))
                .onComplete(done -> scanning.set(false));
    }

    private static List<Queued> queueDue(MeasuresService measures, PersonRepository people, MailNotifications mail) {
        List<Queued> queued = new ArrayList<>();
        for (Person patient : people.activePatients()) {
            if (Thread.currentThread().isInterrupted()) {
                break; // the node is shutting down; the next scan (here or elsewhere) goes on
            }
            try {
                Map<String, Cadence.Due> byOccasion = new LinkedHashMap<>();
                measures.dueNow(patient).stream().sorted(Comparator.comparing(Cadence.Due::dueAt))
                        .forEach(d -> byOccasion.putIfAbsent(d.occasion(), d));
                for (Cadence.Due due : byOccasion.values()) {
                    if (mail.measureDue(patient, due.occasion(), due.dueAt())) {
                        queued.add(new Queued(patient, due.occasion()));
                    }
                }
            } catch (RuntimeException e) {
                LOG.warn("Looking for a patient's due questionnaires failed: {}", e.getClass().getSimpleName());
            }
        }
        return queued;
    }

    @Override
    public void close() {
        waiting.stop();
        vertx.cancelTimer(scanTimer);
    }
}
