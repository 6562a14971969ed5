package app.hearth.care.measures;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import app.hearth.platform.problem.ProblemException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

@DisplayName("PHQ-9, GAD-7 and PCL-5: published wording, scoring and bands")
class InstrumentsTest {

    static final Instruments INSTRUMENTS = Instruments.load();

    /** Answers that add up to {@code total}, filled from the first item, each within the options. */
    static List<Integer> answersFor(Instrument instrument, int total, boolean avoidSafetyItem) {
        List<Integer> answers = new ArrayList<>(Collections.nCopies(instrument.items().size(), 0));
        int left = total;
        for (int i = 0; i < answers.size() && left > 0; i++) {
            if (avoidSafetyItem && instrument.safetyItem() == i + 1 && total < instrument.maxTotal()) {
                continue;
            }
            int a = Math.min(instrument.maxValue(), left);
            answers.set(i, a);
            left -= a;
        }
        assertEquals(0, left, "total " + total + " reachable");
        return answers;
    }

    @Test
    @DisplayName("the three instruments carry their published items, options and difficulty question")
    void wording() {
        Instrument phq9 = INSTRUMENTS.get("phq9");
        assertEquals(9, phq9.items().size());
        assertEquals("Over the last 2 weeks, how often have you been bothered by any of the following problems?", phq9.instructions());
        assertEquals("Thoughts that you would be better off dead or of hurting yourself in some way", phq9.items().get(8).text());
        assertEquals(List.of("Not at all", "Several days", "More than half the days", "Nearly every day"),
                phq9.options().stream().map(Instrument.Option::label).toList());
        assertNotNull(phq9.difficulty());
        assertTrue(phq9.difficulty().text().startsWith("If you checked off any problems"));
        assertEquals(9, phq9.safetyItem());

        Instrument gad7 = INSTRUMENTS.get("gad7");
        assertEquals(7, gad7.items().size());
        assertEquals("Feeling nervous, anxious or on edge", gad7.items().get(0).text());
        assertNotNull(gad7.difficulty());

        Instrument pcl5 = INSTRUMENTS.get("pcl5");
        assertEquals(20, pcl5.items().size());
        assertEquals(List.of("Not at all", "A little bit", "Moderately", "Quite a bit", "Extremely"),
                pcl5.options().stream().map(Instrument.Option::label).toList());
        assertNull(pcl5.difficulty());
        assertEquals(80, pcl5.maxTotal());
        for (Instrument i : INSTRUMENTS.all()) {
            assertFalse(i.source().isBlank(), i.id() + " cites its source");
            for (int n = 0; n < i.items().size(); n++) {
                assertEquals(n + 1, i.items().get(n).number());
            }
        }
    }

    @ParameterizedTest(name = "{0} total {1} → {2}")
    @CsvSource({
            "phq9, 0, minimal", "phq9, 4, minimal", "phq9, 5, mild", "phq9, 9, mild", "phq9, 10, moderate", "phq9, 14, moderate",
            "phq9, 15, moderately-severe", "phq9, 19, moderately-severe", "phq9, 20, severe", "phq9, 27, severe",
            "gad7, 0, minimal", "gad7, 4, minimal", "gad7, 5, mild", "gad7, 9, mild", "gad7, 10, moderate", "gad7, 14, moderate",
            "gad7, 15, severe", "gad7, 21, severe",
            "pcl5, 0, below-cut-point", "pcl5, 32, below-cut-point", "pcl5, 33, probable-ptsd", "pcl5, 80, probable-ptsd"})
    @DisplayName("every published band boundary")
    void bands(String id, int total, String band) {
        Instrument instrument = INSTRUMENTS.get(id);
        Instrument.Score score = instrument.score(answersFor(instrument, total, true), null);
        assertEquals(total, score.total());
        assertEquals(band, score.band().band());
    }

    @Test
    @DisplayName("the PCL-5 labels say what a screen can say: a provisional cut-point, not a diagnosis")
    void pclLabelsAreHonest() {
        Instrument pcl5 = INSTRUMENTS.get("pcl5");
        assertTrue(pcl5.band(33).label().contains("further assessment"), pcl5.band(33).label());
        assertTrue(pcl5.band(32).label().contains("cut-point"), pcl5.band(32).label());
        assertTrue(pcl5.band(32).label().contains("not a diagnosis"), pcl5.band(32).label());
    }

    @Test
    @DisplayName("PHQ-9 item 9 above 0 flags the answers, whatever the total; other items never do")
    void itemNine() {
        Instrument phq9 = INSTRUMENTS.get("phq9");
        assertTrue(phq9.score(List.of(0, 0, 0, 0, 0, 0, 0, 0, 1), null).safetyFlag());
        assertTrue(phq9.score(List.of(0, 0, 0, 0, 0, 0, 0, 0, 3), 0).safetyFlag());
        assertFalse(phq9.score(List.of(3, 3, 3, 3, 3, 3, 3, 3, 0), 3).safetyFlag());
        assertFalse(INSTRUMENTS.get("gad7").score(List.of(3, 3, 3, 3, 3, 3, 3), null).safetyFlag());
        assertFalse(INSTRUMENTS.get("pcl5").score(Collections.nCopies(20, 4), null).safetyFlag());
    }

    @Test
    @DisplayName("a wrong count, an answer out of range or a bad difficulty answer is refused naming the field")
    void invalidAnswers() {
        Instrument phq9 = INSTRUMENTS.get("phq9");
        assertEquals("answers", refused(() -> phq9.score(List.of(0, 0, 0, 0, 0, 0, 0, 0), null)).field());
        assertEquals("answers", refused(() -> phq9.score(Collections.nCopies(10, 0), null)).field());
        assertEquals("answers", refused(() -> phq9.score(null, null)).field());
        assertEquals("answers[3]", refused(() -> phq9.score(List.of(0, 0, 0, 4, 0, 0, 0, 0, 0), null)).field());
        assertEquals("answers[0]", refused(() -> phq9.score(List.of(-1, 0, 0, 0, 0, 0, 0, 0, 0), null)).field());
        assertEquals("difficulty", refused(() -> phq9.score(Collections.nCopies(9, 0), 4)).field());
        assertEquals("difficulty", refused(() -> INSTRUMENTS.get("pcl5").score(Collections.nCopies(20, 0), 1)).field());
        assertEquals("answers[19]", refused(() -> {
            List<Integer> a = new ArrayList<>(Collections.nCopies(20, 4));
            a.set(19, 5);
            return INSTRUMENTS.get("pcl5").score(a, null);
        }).field());
        assertEquals("answers", refused(() -> INSTRUMENTS.get("gad7").score(Collections.nCopies(9, 0), null)).field());
    }

    static ProblemException refused(java.util.function.Supplier<Object> scoring) {
        ProblemException e = assertThrows(ProblemException.class, scoring::get);
        assertEquals("invalid-answers", e.type().slug());
        return e;
    }

    @Test
    @DisplayName("the default settings name 988 and 911, and bad settings are refused naming the field")
    void settings() {
        CareSettings defaults = CareSettings.defaults().validated(INSTRUMENTS);
        assertTrue(defaults.crisisResources().get(0).contact().contains("988"));
        assertTrue(defaults.crisisResources().get(1).contact().contains("911"));
        assertEquals(List.of(4, 12), defaults.cadence().followUpWeeks());
        CareSettings.Cadence c = defaults.cadence();
        ProblemException unknown = assertThrows(ProblemException.class, () -> new CareSettings(new CareSettings.Cadence(
                List.of("phq9", "beck"), c.beforeDosing(), c.afterIntegration(), c.followUpWeeks(), c.followUp()),
                defaults.crisisResources(), defaults.thresholds()).validated(INSTRUMENTS));
        assertEquals("cadence.baseline", unknown.field());
        ProblemException noCrisis = assertThrows(ProblemException.class, () -> new CareSettings(c, List.of(),
                defaults.thresholds()).validated(INSTRUMENTS));
        assertEquals("crisisResources", noCrisis.field());
        ProblemException threshold = assertThrows(ProblemException.class, () -> new CareSettings(c, defaults.crisisResources(),
                new CareSettings.Thresholds(28, null)).validated(INSTRUMENTS));
        assertEquals("thresholds.phq9Total", threshold.field());
        ProblemException weeks = assertThrows(ProblemException.class, () -> new CareSettings(new CareSettings.Cadence(c.baseline(),
                c.beforeDosing(), c.afterIntegration(), List.of(4, 4), c.followUp()), defaults.crisisResources(),
                defaults.thresholds()).validated(INSTRUMENTS));
        assertEquals("cadence.followUpWeeks", weeks.field());
        // a JSON round trip keeps everything
        assertEquals(defaults, CareSettingsJson.fromJson(CareSettingsJson.toJson(defaults)).validated(INSTRUMENTS));
    }

    @Test
    @DisplayName("alerts: item 9 always, the totals only at or above a threshold the clinic set")
    void alertKinds() {
        Instrument phq9 = INSTRUMENTS.get("phq9");
        Instrument pcl5 = INSTRUMENTS.get("pcl5");
        CareSettings.Thresholds none = new CareSettings.Thresholds(null, null);
        assertEquals(List.of("phq9-item9"), MeasuresService.alertKinds(phq9, phq9.score(List.of(0, 0, 0, 0, 0, 0, 0, 0, 1), null), none));
        assertEquals(List.of(), MeasuresService.alertKinds(phq9, phq9.score(List.of(3, 3, 3, 3, 3, 3, 3, 3, 0), null), none));
        CareSettings.Thresholds set = new CareSettings.Thresholds(15, 33);
        assertEquals(List.of("phq9-total"), MeasuresService.alertKinds(phq9, phq9.score(List.of(3, 3, 3, 3, 3, 0, 0, 0, 0), null), set));
        assertEquals(List.of(), MeasuresService.alertKinds(phq9, phq9.score(List.of(3, 3, 3, 3, 2, 0, 0, 0, 0), null), set));
        assertEquals(List.of("pcl5-total"), MeasuresService.alertKinds(pcl5, pcl5.score(answersFor(pcl5, 33, false), null), set));
        assertEquals(List.of(), MeasuresService.alertKinds(pcl5, pcl5.score(answersFor(pcl5, 32, false), null), set));
    }
}
