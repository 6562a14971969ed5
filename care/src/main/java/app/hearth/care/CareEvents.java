package app.hearth.care;

import java.util.List;

/**
 * What the clinical record tells the live side of the cluster. Implemented by the node with the
 * clustered event bus ({@code EventBusAddresses.CARE_EVENTS}); every node pushes to its own open
 * sockets of the recipients. Identifiers only: no clinical content ever travels on the bus.
 */
public interface CareEvents {

    /** A safety alert was raised for a patient; {@code recipients} are their therapists. */
    void alertRaised(String clinicId, String patientId, String alertId, List<String> recipients);

    /** A therapist acknowledged an alert; the others' banners clear. */
    void alertAcknowledged(String clinicId, String patientId, String alertId, List<String> recipients);

    /**
     * A record changed (e.g. {@code "intentions"}, {@code "journal"}, {@code "intake"}, {@code "measures"},
     * {@code "dosing"}): open pages of the recipients re-read it.
     */
    void recordChanged(String clinicId, String patientId, String record, List<String> recipients);

    /** For tests and tools that need none of the live side. */
    CareEvents NONE = new CareEvents() {
        @Override
        public void alertRaised(String clinicId, String patientId, String alertId, List<String> recipients) {
        }

        @Override
        public void alertAcknowledged(String clinicId, String patientId, String alertId, List<String> recipients) {
        }

        @Override
        public void recordChanged(String clinicId, String patientId, String record, List<String> recipients) {
        }
    };
}
