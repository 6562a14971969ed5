package app.hearth.care.measures;

import java.util.ArrayList;
import java.util.List;

/**
 * One published questionnaire (PHQ-9, GAD-7, PCL-5) as {@code care/instruments.json} holds it: its
 * wording, its response options, how it is scored and the bands the total falls into.
 *
 * @param difficulty the PHQ's closing question on how difficult the problems made life; null for PCL-5
 * @param safetyItem the item whose answer above 0 raises a safety alert (PHQ-9 item 9), or 0 for none
 */
public record Instrument(String id, String name, String title, String source, String instructions, List<Option> options,
                         List<Item> items, Difficulty difficulty, List<Band> bands, int safetyItem) {

    public record Option(int value, String label) {
    }

    public record Item(int number, String text) {
    }

    public record Difficulty(String text, List<Option> options) {
    }

    /** A closed range of totals and what it means. */
    public record Band(int min, int max, String band, String label) {
    }

    /** What a set of answers comes to. {@code safetyFlag}: the safety item was answered above 0. */
    public record Score(int total, Band band, boolean safetyFlag) {
    }

    public int minValue() {
        return options.stream().mapToInt(Option::value).min().orElseThrow();
    }

    public int maxValue() {
        return options.stream().mapToInt(Option::value).max().orElseThrow();
    }

    public int maxTotal() {
        return items.size() * maxValue();
    }

    /**
     * Checks and scores a set of answers, one per item in item order (the published sum scoring of
     * all three instruments). The difficulty answer is checked but never counted, as published.
     *
     * @throws app.hearth.platform.problem.ProblemException {@link MeasureProblems#INVALID_ANSWERS}, naming
     *         {@code answers}, {@code answers[i]} or {@code difficulty}
     */
    public Score score(List<Integer> answers, Integer difficultyAnswer) {
        if (answers == null || answers.size() != items.size()) {
            throw MeasureProblems.INVALID_ANSWERS.exception(name + " has " + items.size() + " items: send one answer for each, "
                    + "in order", "answers");
        }
        int min = minValue();
        int max = maxValue();
        int total = 0;
        List<Integer> checked = new ArrayList<>(answers);
        for (int i = 0; i < checked.size(); i++) {
            Integer a = checked.get(i);
            if (a == null || a < min || a > max) {
                throw MeasureProblems.INVALID_ANSWERS.exception("Item " + (i + 1) + " of " + name + " takes " + min + " to " + max,
                        "answers[" + i + "]");
            }
            total += a;
        }
        if (difficultyAnswer != null) {
            if (difficulty == null) {
                throw MeasureProblems.INVALID_ANSWERS.exception(name + " has no difficulty question", "difficulty");
            }
            int dMin = difficulty.options().stream().mapToInt(Option::value).min().orElseThrow();
            int dMax = difficulty.options().stream().mapToInt(Option::value).max().orElseThrow();
            if (difficultyAnswer < dMin || difficultyAnswer > dMax) {
                throw MeasureProblems.INVALID_ANSWERS.exception("The difficulty answer takes " + dMin + " to " + dMax, "difficulty");
            }
        }
        boolean flag = safetyItem > 0 && checked.get(safetyItem - 1) > 0;
        return new Score(total, band(total), flag);
    }

    /** The band a total falls into (totals outside 0..max are a bug, not input). */
    public Band band(int total) {
        return bands.stream().filter(b -> total >= b.min() && total <= b.max()).findFirst()
                .orElseThrow(() -> new IllegalArgumentException(name + " has no band for " + total));
    }
}
