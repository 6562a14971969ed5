package app.hearth.room.library;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import java.util.Set;

/**
 * The starter library's music, made by Hearth itself: soft pads, low drones and bells rendered from
 * sine partials into 16-bit mono WAV at 22,050 Hz. Nothing recorded or borrowed.
 *
 * <p>Deterministic on every JVM: fixed seeds, and the per-sample work is only addition,
 * multiplication and square roots (oscillators turn by complex rotation, decays by a constant factor;
 * {@link StrictMath} computes those constants), so two nodes rendering the same recipe write the same
 * bytes. Rotation rather than {@code Math.sin} per sample is also what keeps rendering the whole
 * starter library to a second or two.
 */
public final class AmbientSynth {

    public static final int SAMPLE_RATE = 22_050;
    /** The kinds a {@link Recipe} may name. */
    public static final Set<String> KINDS = Set.of("pad", "drone", "bell");

    private static final double TWO_PI = Math.PI * 2;
    private static final double FADE_SECONDS = 2.0;
    /** A loop does not fall silent at its seam; it breathes down to this share of its level and back. */
    private static final double LOOP_FLOOR = 0.1;
    private static final double TARGET_RMS = 0.18;
    private static final double MAX_PEAK = 0.7;
    private static final double BELL_SECONDS = 4.0;
    private static final double BELL_TAPER_SECONDS = 0.4;

    private AmbientSynth() {
    }

    /**
     * What to render.
     *
     * @param kind    {@code pad} (detuned chord), {@code drone} (the same an octave lower, moving less) or
     *                {@code bell} (one struck bell at {@code rootHz})
     * @param seconds length of the file
     * @param rootHz  the chord's root, or the bell's pitch
     * @param chord   frequency ratios to the root (pads and drones)
     * @param seed    fixes detuning, phases and where chimes fall
     * @param chimes  soft bells sprinkled over a pad or drone
     * @param loop    made to be played in a loop (background tracks): the end runs on into the start
     *                without a click, and the level dips gently at the seam instead of fading to silence
     */
    public record Recipe(String kind, double seconds, double rootHz, double[] chord, long seed, int chimes, boolean loop) {
        public Recipe {
            if (!KINDS.contains(kind)) {
                throw new IllegalArgumentException("unknown sound kind " + kind);
            }
            if (!(seconds >= 1 && seconds <= 600) || !(rootHz > 0) || chord == null || chord.length == 0 || chimes < 0) {
                throw new IllegalArgumentException("a recipe needs 1-600 s, a root above 0 Hz, a chord and no negative chimes");
            }
            if (chimes > 0 && seconds < 12) {
                throw new IllegalArgumentException("chimes need at least 12 s to fall between the fades");
            }
            chord = chord.clone();
        }

        /** Samples in the file: its exact length is {@code frames() / SAMPLE_RATE} seconds. */
        public int frames() {
            return (int) Math.round(seconds * SAMPLE_RATE);
        }
    }

    /** The recipe rendered as a complete WAV file (RIFF header included). */
    public static byte[] render(Recipe recipe) {
        double[] out = tone(recipe);
        if (!"bell".equals(recipe.kind())) {
            if (recipe.loop()) {
                seamDip(out);
            } else {
                fade(out);
            }
        }
        level(out);
        return wav(out);
    }

    /** The sound before its fades and levelling (a loop's tone is periodic over the file). */
    static double[] tone(Recipe recipe) {
        double[] out = new double[recipe.frames()];
        if ("bell".equals(recipe.kind())) {
            bell(out, 0, recipe.rootHz(), 1.0, out.length);
            return out;
        }
        pad(out, recipe);
        Random random = new Random(recipe.seed() * 31 + 7);
        for (int i = 0; i < recipe.chimes(); i++) {
            // chimes ring out (and taper) well before the fades, so they never touch the edges
            int at = (int) ((3 + random.nextDouble() * (recipe.seconds() - 3 - BELL_SECONDS - FADE_SECONDS - 3)) * SAMPLE_RATE);
            double ratio = recipe.chord()[random.nextInt(recipe.chord().length)];
            bell(out, at, recipe.rootHz() * (4 + random.nextInt(3)) * ratio / 2, 0.25, (int) (BELL_SECONDS * SAMPLE_RATE));
        }
        return out;
    }

    /** Detuned sine stacks per chord tone, each breathing with its own slow LFO, then a soft two-pole low-pass. */
    private static void pad(double[] out, Recipe recipe) {
        boolean drone = "drone".equals(recipe.kind());
        double loopSeconds = (double) out.length / SAMPLE_RATE;
        Random random = new Random(recipe.seed());
        for (double ratio : recipe.chord()) {
            double base = recipe.rootHz() * ratio * (drone ? 0.5 : 1.0);
            for (int voice = 0; voice < 3; voice++) {
                double hz = base * (1 + (random.nextDouble() - 0.5) * 0.006);
                double phase = random.nextDouble() * TWO_PI;
                double lfoHz = 0.03 + random.nextDouble() * (drone ? 0.03 : 0.08);
                double lfoPhase = random.nextDouble() * TWO_PI;
                if (recipe.loop()) {
                    // whole cycles over the file, so sample n+1 after the last is sample 0 again
                    hz = wholeCycles(hz, loopSeconds);
                    lfoHz = wholeCycles(lfoHz, loopSeconds);
                }
                double level = (voice == 0 ? 1.0 : 0.6) / (1 + ratio);
                voice(out, hz, phase, lfoHz, lfoPhase, level);
            }
        }
        double alpha = drone ? 0.07 : 0.12;
        lowPass(out, alpha, recipe.loop());
        lowPass(out, alpha, recipe.loop());
    }

    private static double wholeCycles(double hz, double seconds) {
        return Math.max(1, Math.round(hz * seconds)) / seconds;
    }

    /** Adds one voice: a sine with a little second and third harmonic for warmth, its level swelling with the LFO. */
    private static void voice(double[] out, double hz, double phase, double lfoHz, double lfoPhase, double level) {
        Rotor carrier = new Rotor(hz, phase);
        Rotor lfo = new Rotor(lfoHz, lfoPhase);
        for (int i = 0; i < out.length; i++) {
            double s = carrier.sin;
            double swell = 0.65 + 0.35 * lfo.sin;
            // sin 2x = 2 sin x cos x; sin 3x = 3 sin x − 4 sin³ x: harmonics without another oscillator
            out[i] += level * swell * (s + 0.24 * s * carrier.cos + 0.04 * s * (3 - 4 * s * s));
            carrier.turn(i);
            lfo.turn(i);
        }
    }

    /** Inharmonic partials, each a slightly beating pair with its own exponential decay: a small bowl-like bell. */
    private static void bell(double[] out, int start, double hz, double gain, int maxLength) {
        double[] partials = {1.0, 2.76, 5.40, 8.93};
        double[] levels = {1.0, 0.5, 0.25, 0.12};
        double[] decays = {1.1, 0.8, 0.5, 0.3};
        int length = Math.min(out.length - start, maxLength);
        int attack = (int) (0.004 * SAMPLE_RATE);
        int taper = Math.min(length / 2, (int) (BELL_TAPER_SECONDS * SAMPLE_RATE));
        for (int p = 0; p < partials.length; p++) {
            for (double beat : new double[] {1.0, 1.0017}) {
                double partialHz = hz * partials[p] * beat;
                if (partialHz > 0.45 * SAMPLE_RATE) {
                    continue;
                }
                Rotor tone = new Rotor(partialHz, 0);
                double decay = StrictMath.exp(-1.0 / (decays[p] * SAMPLE_RATE));
                double envelope = gain * levels[p] * 0.5;
                for (int i = 0; i < length; i++) {
                    double shape = i < attack ? (double) i / attack : 1.0;
                    if (i >= length - taper) {
                        shape *= raisedCosine(length - 1 - i, taper); // rings down to exactly nothing
                    }
                    out[start + i] += envelope * shape * tone.sin;
                    envelope *= decay;
                    tone.turn(i);
                }
            }
        }
    }

    /**
     * One-pole low-pass. For a loop the filter starts from the state it reaches at the end of the file
     * (its memory is a few dozen samples; a few thousand are run first), so the seam stays continuous.
     */
    private static void lowPass(double[] out, double alpha, boolean circular) {
        double y = 0;
        if (circular) {
            for (int i = Math.max(0, out.length - 4096); i < out.length; i++) {
                y += alpha * (out[i] - y);
            }
        }
        for (int i = 0; i < out.length; i++) {
            y += alpha * (out[i] - y);
            out[i] = y;
        }
    }

    /** Raised-cosine fade from and to silence, for files played once. */
    private static void fade(double[] out) {
        int n = (int) Math.min(FADE_SECONDS * SAMPLE_RATE, out.length / 2.0);
        for (int i = 0; i < n; i++) {
            double g = raisedCosine(i, n);
            out[i] *= g;
            out[out.length - 1 - i] *= g;
        }
    }

    /** For loops: the level sinks to {@link #LOOP_FLOOR} at the seam and rises again, the same on both sides. */
    private static void seamDip(double[] out) {
        int n = (int) Math.min(FADE_SECONDS * SAMPLE_RATE, out.length / 2.0);
        for (int i = 0; i < n; i++) {
            double g = LOOP_FLOOR + (1 - LOOP_FLOOR) * raisedCosine(i, n);
            out[i] *= g;
            out[out.length - 1 - i] *= LOOP_FLOOR + (1 - LOOP_FLOOR) * raisedCosine(i + 1, n);
        }
    }

    /** 0 at {@code i = 0}, rising smoothly to 1 at {@code i = n}. */
    private static double raisedCosine(int i, int n) {
        return 0.5 - 0.5 * StrictMath.cos(Math.PI * Math.min(i, n) / n);
    }

    /** Brings every file to about the same loudness, never letting a peak pass {@link #MAX_PEAK}. */
    private static void level(double[] out) {
        double max = 1e-9;
        double sum = 0;
        for (double v : out) {
            max = Math.max(max, Math.abs(v));
            sum += v * v;
        }
        double rms = Math.sqrt(sum / out.length);
        double scale = Math.min(TARGET_RMS / Math.max(rms, 1e-9), MAX_PEAK / max);
        for (int i = 0; i < out.length; i++) {
            out[i] *= scale;
        }
    }

    private static byte[] wav(double[] samples) {
        int dataBytes = samples.length * 2;
        ByteBuffer b = ByteBuffer.allocate(44 + dataBytes).order(ByteOrder.LITTLE_ENDIAN);
        b.put("RIFF".getBytes(StandardCharsets.US_ASCII)).putInt(36 + dataBytes).put("WAVE".getBytes(StandardCharsets.US_ASCII));
        b.put("fmt ".getBytes(StandardCharsets.US_ASCII)).putInt(16).putShort((short) 1).putShort((short) 1)
                .putInt(SAMPLE_RATE).putInt(SAMPLE_RATE * 2).putShort((short) 2).putShort((short) 16);
        b.put("data".getBytes(StandardCharsets.US_ASCII)).putInt(dataBytes);
        for (double s : samples) {
            b.putShort((short) Math.round(Math.max(-1, Math.min(1, s)) * 32767));
        }
        return b.array();
    }

    /**
     * A sine oscillator that turns a unit vector by a fixed angle per sample (two multiplications
     * and two additions instead of a sine), renormalised now and then so rounding cannot make it
     * grow or shrink.
     */
    private static final class Rotor {
        private final double stepCos;
        private final double stepSin;
        double cos;
        double sin;

        Rotor(double hz, double phase) {
            double step = TWO_PI * hz / SAMPLE_RATE;
            stepCos = StrictMath.cos(step);
            stepSin = StrictMath.sin(step);
            cos = StrictMath.cos(phase);
            sin = StrictMath.sin(phase);
        }

        void turn(int sample) {
            double c = cos * stepCos - sin * stepSin;
            sin = sin * stepCos + cos * stepSin;
            cos = c;
            if ((sample & 1023) == 1023) {
                double norm = 1 / Math.sqrt(cos * cos + sin * sin);
                cos *= norm;
                sin *= norm;
            }
        }
    }
}
