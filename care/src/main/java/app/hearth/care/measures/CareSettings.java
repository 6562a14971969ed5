package app.hearth.care.measures;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A clinic's settings for measures: when each questionnaire is due, whom a patient in crisis should
 * call, and the totals that alert the therapist besides PHQ-9 item 9.
 */
public record CareSettings(Cadence cadence, List<CrisisResource> crisisResources, Thresholds thresholds) {

    /** Which questionnaires are asked on each occasion, and the follow-up weeks after the last attended dosing. */
    public record Cadence(List<String> baseline, List<String> beforeDosing, List<String> afterIntegration,
                          List<Integer> followUpWeeks, List<String> followUp) {
    }

    /** A service shown to a patient at once when their answers raise an alert. */
    public record CrisisResource(String name, String contact, String description) {
    }

    /** Totals at or above which the therapist is alerted; null turns a threshold off. */
    public record Thresholds(Integer phq9Total, Integer pcl5Total) {
    }

    /**
     * The defaults: every measure at baseline and follow-up, the two short ones around each dosing,
     * follow-ups at 4 and 12 weeks; the US crisis line 988 and 911 for an emergency; no total thresholds
     * (item 9 always alerts).
     */
    public static CareSettings defaults() {
        return new CareSettings(
                new Cadence(List.of(Instruments.PHQ9, Instruments.GAD7, Instruments.PCL5), List.of(Instruments.PHQ9, Instruments.GAD7),
                        List.of(Instruments.PHQ9, Instruments.GAD7), List.of(4, 12),
                        List.of(Instruments.PHQ9, Instruments.GAD7, Instruments.PCL5)),
                List.of(new CrisisResource("988 Suicide & Crisis Lifeline", "Call or text 988",
                                "Free and confidential support, 24 hours a day, every day, in the US."),
                        new CrisisResource("Emergency services", "Call 911", "If you are in immediate danger or have been hurt.")),
                new Thresholds(null, null));
    }

    /**
     * Refuses settings that cannot work, naming the field: unknown instruments or repeats, follow-up
     * weeks outside 1–104 or repeated, no crisis resource or an empty one, a threshold outside the
     * instrument's totals.
     */
    public CareSettings validated(Instruments instruments) {
        if (cadence == null) {
            throw invalid("Give the cadence", "cadence");
        }
        instrumentList(instruments, cadence.baseline(), "cadence.baseline");
        instrumentList(instruments, cadence.beforeDosing(), "cadence.beforeDosing");
        instrumentList(instruments, cadence.afterIntegration(), "cadence.afterIntegration");
        instrumentList(instruments, cadence.followUp(), "cadence.followUp");
        if (cadence.followUpWeeks() == null || cadence.followUpWeeks().size() > 8) {
            throw invalid("Give up to 8 follow-up weeks", "cadence.followUpWeeks");
        }
        Set<Integer> weeks = new HashSet<>();
        for (Integer w : cadence.followUpWeeks()) {
            if (w == null || w < 1 || w > 104 || !weeks.add(w)) {
                throw invalid("Follow-up weeks are distinct whole weeks from 1 to 104", "cadence.followUpWeeks");
            }
        }
        if (crisisResources == null || crisisResources.isEmpty() || crisisResources.size() > 10) {
            throw invalid("Give 1 to 10 crisis resources: a patient whose answers raise an alert must see whom to call", "crisisResources");
        }
        for (int i = 0; i < crisisResources.size(); i++) {
            CrisisResource r = crisisResources.get(i);
            if (r == null || blank(r.name()) || blank(r.contact())) {
                throw invalid("Each crisis resource needs a name and a contact", "crisisResources[" + i + "]");
            }
        }
        Thresholds t = thresholds == null ? new Thresholds(null, null) : thresholds;
        threshold(t.phq9Total(), instruments.get(Instruments.PHQ9).maxTotal(), "thresholds.phq9Total");
        threshold(t.pcl5Total(), instruments.get(Instruments.PCL5).maxTotal(), "thresholds.pcl5Total");
        return new CareSettings(new Cadence(List.copyOf(cadence.baseline()), List.copyOf(cadence.beforeDosing()),
                List.copyOf(cadence.afterIntegration()), cadence.followUpWeeks().stream().sorted().toList(), List.copyOf(cadence.followUp())),
                List.copyOf(crisisResources), t);
    }

    private static void instrumentList(Instruments instruments, List<String> ids, String field) {
        if (ids == null) {
            throw invalid("Give a list of questionnaires (it may be empty)", field);
        }
        Set<String> seen = new HashSet<>();
        for (String id : ids) {
            if (!instruments.known(id) || !seen.add(id)) {
                throw invalid("Questionnaires are phq9, gad7 or pcl5, each once", field);
            }
        }
    }

    private static void threshold(Integer value, int max, String field) {
        if (value != null && (value < 1 || value > max)) {
            throw invalid("A threshold is a total from 1 to " + max + ", or null for none", field);
        }
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }

    private static app.hearth.platform.problem.ProblemException invalid(String detail, String field) {
        return MeasureProblems.INVALID_CARE_SETTINGS.exception(detail, field);
    }
}
