package app.hearth.gateway.mail;

import app.hearth.booking.people.Person;
import app.hearth.booking.people.PersonRepository;
import app.hearth.care.CareEvents;
import app.hearth.care.measures.CareAlerts;
import app.hearth.notify.MailNotifications;
import app.hearth.platform.store.Blocking;
import io.vertx.core.Future;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The care events of the cluster, plus email for safety alerts (issue 15): an alert raised for a
 * patient also queues a mail to each of their therapists, which nobody can turn off. The care
 * module stays free of mail; identifiers only cross here.
 *
 * <p>The alert is stored with its mail marked as owed ({@link CareAlerts#MAIL_PENDING}, in the
 * alert's own insert); the marker is cleared once the mail is queued. A node dying in between leaves
 * the marker, and every node's sweep ({@link #replayPending()}) queues the mail again. The outbox ids
 * are per alert and recipient, so a replay after a queue that did finish sends nothing twice.
 */
public final class MailingCareEvents implements CareEvents {

    private static final Logger LOG = LoggerFactory.getLogger(MailingCareEvents.class);

    /** How old an owed mail must be before the sweep takes it: the live path has long finished by then. */
    public static final Duration GRACE = Duration.ofMinutes(1);
    /** How long one node's sweep holds an alert; a sweep that dies lets it go after this. */
    static final Duration LEASE = Duration.ofMinutes(2);

    private final CareEvents live;
    private final MailNotifications mail;
    private final Blocking store;
    private final CareAlerts alerts;
    private final PersonRepository people;
    private final Clock clock;

    public MailingCareEvents(CareEvents live, MailNotifications mail, Blocking store, CareAlerts alerts, PersonRepository people,
                             Clock clock) {
        this.live = live;
        this.mail = mail;
        this.store = store;
        this.alerts = alerts;
        this.people = people;
        this.clock = clock;
    }

    @Override
    public void alertRaised(String clinicId, String patientId, String alertId, List<String> recipients) {
        live.alertRaised(clinicId, patientId, alertId, recipients);
        store.run(() -> {
            mail.safetyAlert(clinicId, patientId, alertId, recipients);
            alerts.clearMailPending(alertId);
            return null;
        }).onFailure(e -> LOG.warn("Queuing the mail of alert {} failed (the sweep retries): {}", alertId, e.getClass().getSimpleName()));
    }

    @Override
    public void alertAcknowledged(String clinicId, String patientId, String alertId, List<String> recipients) {
        live.alertAcknowledged(clinicId, patientId, alertId, recipients);
    }

    @Override
    public void recordChanged(String clinicId, String patientId, String record, List<String> recipients) {
        live.recordChanged(clinicId, patientId, record, recipients);
    }

    /** Queues the mail of alerts owed for longer than {@link #GRACE}; every node calls it periodically. */
    public Future<Integer> replayPending() {
        return replayPending(clock.instant().minus(GRACE));
    }

    /**
     * Queues the mail of alerts stored before {@code writtenBefore} whose marker was never cleared (the
     * node died after the insert, or the queue failed), one claimed alert at a time, and clears it. The
     * recipients are the patient's therapists as they are now (as the live path reads them when the
     * alert is raised). A replay that throws keeps the marker and the lease: tried again after the lease.
     *
     * @return how many alerts' mail was queued
     */
    public Future<Integer> replayPending(Instant writtenBefore) {
        return store.run(() -> {
            int replayed = 0;
            for (int i = 0; i < 100; i++) {
                Instant now = clock.instant();
                CareAlerts.PendingMail owed = alerts.claimMailPending(writtenBefore, now, now.plus(LEASE)).orElse(null);
                if (owed == null) {
                    break;
                }
                try {
                    List<String> therapists = people.findInClinic(owed.clinicId(), owed.patientId()).map(Person::therapistIds)
                            .orElse(List.of());
                    mail.safetyAlert(owed.clinicId(), owed.patientId(), owed.alertId(), therapists);
                    alerts.clearMailPending(owed.alertId());
                    replayed++;
                } catch (RuntimeException e) {
                    LOG.warn("Replaying the mail of alert {} failed (kept for the next sweep): {}", owed.alertId(),
                            e.getClass().getSimpleName());
                }
            }
            if (replayed > 0) {
                LOG.info("Queued the mail of {} safety alerts that a crash or a failure may have lost", replayed);
            }
            return replayed;
        });
    }
}
