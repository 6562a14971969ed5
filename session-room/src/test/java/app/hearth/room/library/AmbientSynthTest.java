package app.hearth.room.library;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("The ambient synthesizer")
class AmbientSynthTest {

    static AmbientSynth.Recipe pad(double seconds, long seed, int chimes, boolean loop) {
        return new AmbientSynth.Recipe("pad", seconds, 110, new double[] {1, 1.5, 2}, seed, chimes, loop);
    }

    /** The jump from the last sample to the first is no bigger than neighbouring samples near the seam differ. */
    static void assertSeamless(String what, Wav wav) {
        short[] s = wav.samples();
        int near = wav.frames(50);
        int largestStep = 0;
        for (int i = 0; i < near; i++) {
            largestStep = Math.max(largestStep, Math.abs(s[i + 1] - s[i]));
            largestStep = Math.max(largestStep, Math.abs(s[s.length - 1 - i] - s[s.length - 2 - i]));
        }
        int seam = Math.abs(s[0] - s[s.length - 1]);
        assertTrue(seam <= largestStep, what + " jumps by " + seam + " at the seam, neighbours by at most " + largestStep);
    }

    /**
     * The tone under a loop's seam dip changes across the seam no more abruptly than anywhere near it
     * (third differences, which still show a wave cut off mid-cycle after the low-pass has rounded it).
     */
    static void assertPeriodic(String what, double[] s) {
        int n = s.length;
        double nearby = 0;
        for (int i = 1; i < AmbientSynth.SAMPLE_RATE / 10; i++) {
            nearby = Math.max(nearby, Math.abs(thirdDifference(s, i)));
            nearby = Math.max(nearby, Math.abs(thirdDifference(s, n - 2 - i)));
        }
        double seam = 0;
        for (int i = n - 2; i <= n; i++) {
            seam = Math.max(seam, Math.abs(thirdDifference(s, i)));
        }
        assertTrue(seam <= nearby, what + " changes by " + seam + " at the seam, nearby by at most " + nearby);
    }

    /** s[i+2] − 3 s[i+1] + 3 s[i] − s[i−1], running on past the end into the start. */
    private static double thirdDifference(double[] s, int i) {
        int n = s.length;
        return s[(i + 2) % n] - 3 * s[(i + 1) % n] + 3 * s[i % n] - s[(i - 1 + n) % n];
    }

    @Test
    @DisplayName("a file is exactly as long as its recipe says, and the same recipe gives the same bytes; another seed, other bytes")
    void deterministic() {
        AmbientSynth.Recipe recipe = pad(20, 5, 1, false);
        byte[] once = AmbientSynth.render(recipe);
        assertEquals(44 + 2 * 20 * AmbientSynth.SAMPLE_RATE, once.length);
        assertEquals(20.0, Wav.parse(once).seconds(), 1e-9);
        assertArrayEquals(once, AmbientSynth.render(pad(20, 5, 1, false)));
        assertFalse(Arrays.equals(once, AmbientSynth.render(pad(20, 6, 1, false))));
    }

    @Test
    @DisplayName("a loop runs on into its own start as smoothly as neighbouring samples, and dips rather than falls silent at the seam")
    void loop() {
        Wav loop = Wav.parse(AmbientSynth.render(pad(30, 9, 0, true)));
        assertSeamless("a looping pad", loop);
        for (long seed = 1; seed <= 3; seed++) {
            assertPeriodic("a looping pad's tone (seed " + seed + ")", AmbientSynth.tone(pad(30, seed, 2, true)));
        }
        assertTrue(loop.rmsOfFirst(50) > 0, "a loop is never quite silent");
        assertTrue(loop.rmsOfFirst(50) < loop.rms() / 4 && loop.rmsOfLast(50) < loop.rms() / 4, "but played once it starts and ends softly");
        Wav once = Wav.parse(AmbientSynth.render(pad(30, 9, 0, false)));
        assertEquals(0, once.samples()[0], "a file played once starts from silence");
        assertEquals(0, once.samples()[once.samples().length - 1], "and ends in it");
    }

    @Test
    @DisplayName("a bell strikes from silence and rings down to nothing")
    void bell() {
        Wav bell = Wav.parse(AmbientSynth.render(new AmbientSynth.Recipe("bell", 3, 440, new double[] {1}, 1, 0, false)));
        assertEquals(0, bell.samples()[0]);
        assertEquals(0, bell.samples()[bell.samples().length - 1]);
        assertTrue(bell.rms(0, bell.frames(500)) > 4 * bell.rmsOfLast(500), "it decays");
    }

    @Test
    @DisplayName("a recipe it cannot make is refused with the reason")
    void refused() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new AmbientSynth.Recipe("flute", 10, 440, new double[] {1}, 1, 0, false))
                .getMessage().contains("flute"));
        assertThrows(IllegalArgumentException.class, () -> pad(0, 1, 0, false));
        assertThrows(IllegalArgumentException.class, () -> new AmbientSynth.Recipe("pad", 10, 110, new double[0], 1, 0, false));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> pad(8, 1, 2, false)).getMessage().contains("chimes"));
    }
}
