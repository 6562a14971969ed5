package app.hearth.gateway.mail;

import app.hearth.care.CareEvents;
import app.hearth.notify.MailNotifications;
import app.hearth.platform.store.Blocking;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The care events of the cluster, plus email for safety alerts (issue 15): an alert raised for a
 * patient also queues a mail to each of their therapists, which nobody can turn off. The care
 * module stays free of mail; identifiers only cross here.
 */
public final class MailingCareEvents implements CareEvents {

    private static final Logger LOG = LoggerFactory.getLogger(MailingCareEvents.class);

    private final CareEvents live;
    private final MailNotifications mail;
    private final Blocking store;

    public MailingCareEvents(CareEvents live, MailNotifications mail, Blocking store) {
        this.live = live;
        this.mail = mail;
        this.store = store;
    }

    @Override
    public void alertRaised(String clinicId, String patientId, String alertId, List<String> recipients) {
        live.alertRaised(clinicId, patientId, alertId, recipients);
        store.run(() -> {
            mail.safetyAlert(clinicId, patientId, alertId, recipients);
            return null;
        }).onFailure(e -> LOG.warn("Queuing the mail of alert {} failed: {}", alertId, e.getClass().getSimpleName()));
    }

    @Override
    public void alertAcknowledged(String clinicId, String patientId, String alertId, List<String> recipients) {
        live.alertAcknowledged(clinicId, patientId, alertId, recipients);
    }

    @Override
    public void recordChanged(String clinicId, String patientId, String record, List<String> recipients) {
        live.recordChanged(clinicId, patientId, record, recipients);
    }
}
