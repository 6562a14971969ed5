package app.hearth.care.aftercare;

import app.hearth.care.aftercare.PracticeCatalog.ExerciseSummary;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Set;

/** The aftercare plan's values: what services and views handle (plaintext; the store seals). */
public final class AftercareModel {

    public static final int TITLE_MAX = 120;
    public static final int SUMMARY_MAX = 300;
    public static final int BODY_MAX = 20000;
    public static final int INSTRUCTIONS_MAX = 2000;
    public static final int NOTE_MAX = 1000;
    public static final int RESOURCES_MAX = 50;
    public static final Set<String> CATEGORIES = Set.of("rest", "integration", "crisis", "other");
    public static final String DONE = "done";
    public static final String SKIPPED = "skipped";
    public static final String MISSED = "missed";
    public static final String DUE = "due";
    public static final String UPCOMING = "upcoming";

    private AftercareModel() {
    }

    /** A clinic-authored page (rest after dosing, integration tips, crisis lines): the clinic's, not clinical. */
    public record Resource(String id, String title, String summary, String category, String body, boolean archived,
                           Instant updatedAt, String updatedBy) {
    }

    /** What staff send to create or replace a resource. */
    public record ResourceDraft(String title, String summary, String category, String body) {
    }

    /**
     * When a practice falls: {@code daily} from {@code startDate} for {@code days} local dates, or
     * {@code after-dosing} for {@code days} local dates from the date each attended dosing ended
     * ({@code startDate} null).
     */
    public record Schedule(String kind, LocalDate startDate, int days) {
    }

    /** Where the patient stopped playing, to resume there. */
    public record Resume(LocalDate date, long positionMs) {
    }

    /** An exercise assigned to a patient with a schedule. {@code instructions} is sealed at rest. */
    public record Practice(String id, String patientId, ExerciseSummary exercise, Schedule schedule, String instructions,
                           String assignedBy, Instant assignedAt, Instant endedAt, Resume resume) {
        public boolean ended() {
            return endedAt != null;
        }
    }

    /** What the patient recorded for one date: done or skipped, a rating, a note (sealed at rest). */
    public record Completion(String id, String practiceId, LocalDate date, String state, Integer rating, String note,
                             Instant recordedAt) {
    }

    /** One date of a practice and its state; {@code completion} when recorded. */
    public record Occurrence(LocalDate date, String state, Completion completion) {
    }

    public record Adherence(int done, int skipped, int missed, int due, int upcoming) {
    }

    public record PracticeView(Practice practice, String assignedByName, List<Occurrence> occurrences, Adherence adherence) {
    }

    public record TodayItem(String practiceId, LocalDate date, String state, String title) {
    }

    /** The plan as the patient and their therapist see it. */
    public record Plan(LocalDate today, String zone, List<PracticeView> practices, List<TodayItem> todayItems,
                       List<Resource> resources) {
    }

    /** A new practice as the therapist proposes it (the schedule's parts unchecked yet). */
    public record NewPractice(String exerciseId, ProposedSchedule schedule, String instructions) {
    }

    /** A schedule as sent, checked by {@link PracticeSchedule#validate}. */
    public record ProposedSchedule(String kind, String startDate, Integer days) {
    }

    /** A therapist's change: null parts stay; {@code instructionsGiven} with a null or blank text clears them. */
    public record PracticeChange(ProposedSchedule schedule, boolean instructionsGiven, String instructions, boolean end) {
    }

    /** A completion as the patient sends it. */
    public record NewCompletion(String date, String state, Integer rating, String note) {
    }
}
