package app.hearth.care.measures;

import java.time.Instant;
import java.util.List;

/**
 * A safety alert: a patient's answers crossed a line (PHQ-9 item 9 above 0, or a clinic threshold).
 * It stays open for the patient's therapists until one of them acknowledges it; the first
 * acknowledgement stands.
 *
 * @param kind       {@code phq9-item9}, {@code phq9-total} or {@code pcl5-total}
 * @param recipients the patient's therapists when it was raised: who sees it and may acknowledge it
 */
public record CareAlert(String id, String clinicId, String patientId, String patientName, String kind, String responseId,
                        List<String> recipients, Instant raisedAt, Instant acknowledgedAt, String acknowledgedBy) {

    public static final String PHQ9_ITEM9 = "phq9-item9";
    public static final String PHQ9_TOTAL = "phq9-total";
    public static final String PCL5_TOTAL = "pcl5-total";

    public boolean open() {
        return acknowledgedAt == null;
    }
}
