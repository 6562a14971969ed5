package app.hearth.care.measures;

import java.time.Instant;
import java.util.List;

/**
 * A patient's answers to one questionnaire for one occasion. Only the identifiers, the time and
 * {@code flagged} are stored in plaintext; the answers, difficulty and total are sealed.
 *
 * @param flagged the answers raised a safety alert (item 9 above 0 or a clinic threshold)
 */
public record MeasureResponse(String id, String clinicId, String patientId, String instrument, String occasion,
                              Instant submittedAt, boolean flagged, List<Integer> answers, Integer difficulty, int total) {
}
