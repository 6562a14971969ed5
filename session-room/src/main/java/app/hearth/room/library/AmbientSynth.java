package app.hearth.room.library;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Random;

/**
 * The starter library's music, made by Hearth itself: soft pads, low drones and bells rendered from
 * sine partials into 16-bit mono WAV at 22,050 Hz. Deterministic (fixed seeds): the same recipe
 * always gives the same bytes. Nothing recorded or borrowed.
 */
public final class AmbientSynth {

    public static final int SAMPLE_RATE = 22_050;
    private static final double TWO_PI = Math.PI * 2;
    private static final double FADE_SECONDS = 2.0;
    private static final double PEAK = 0.6;

    private AmbientSynth() {
    }

    /** A recipe: kind pad, drone or bell; length; root frequency; chord ratios; seed; bells sprinkled in. */
    public record Recipe(String kind, double seconds, double rootHz, double[] chord, long seed, int chimes) {
    }

    public static byte[] render(Recipe recipe) {
        int frames = (int) Math.round(recipe.seconds() * SAMPLE_RATE);
        double[] out = new double[frames];
        switch (recipe.kind()) {
            case "bell" -> bell(out, 0, recipe.rootHz(), 1.0);
            case "pad", "drone" -> {
                pad(out, recipe, "drone".equals(recipe.kind()));
                Random random = new Random(recipe.seed() * 31 + 7);
                for (int i = 0; i < recipe.chimes(); i++) {
                    int at = (int) ((3 + random.nextDouble() * (recipe.seconds() - 9)) * SAMPLE_RATE);
                    bell(out, at, recipe.rootHz() * (4 + random.nextInt(3)) * recipe.chord()[random.nextInt(recipe.chord().length)] / 2, 0.25);
                }
                fade(out);
            }
            default -> throw new IllegalArgumentException("unknown sound kind " + recipe.kind());
        }
        normalize(out);
        return wav(out);
    }

    /** Detuned sine stacks per chord tone, each breathing with its own slow LFO; drones sit an octave lower and move less. */
    private static void pad(double[] out, Recipe recipe, boolean drone) {
        Random random = new Random(recipe.seed());
        for (double ratio : recipe.chord()) {
            double base = recipe.rootHz() * ratio * (drone ? 0.5 : 1.0);
            for (int voice = 0; voice < 3; voice++) {
                double detune = 1 + (random.nextDouble() - 0.5) * 0.006;
                double phase = random.nextDouble() * TWO_PI;
                double lfoRate = 0.03 + random.nextDouble() * (drone ? 0.03 : 0.08);
                double lfoPhase = random.nextDouble() * TWO_PI;
                double level = (voice == 0 ? 1.0 : 0.6) / (1 + ratio);
                double step = TWO_PI * base * detune / SAMPLE_RATE;
                double lfoStep = TWO_PI * lfoRate / SAMPLE_RATE;
                for (int i = 0; i < out.length; i++) {
                    double swell = 0.65 + 0.35 * Math.sin(lfoPhase + lfoStep * i);
                    double s = Math.sin(phase + step * i);
                    // a touch of the second harmonic for warmth, kept low so nothing sounds harsh
                    out[i] += level * swell * (s + 0.12 * Math.sin(2 * (phase + step * i)));
                }
            }
        }
        lowPass(out, drone ? 0.05 : 0.09);
    }

    /** Inharmonic partials with exponential decays: a small bowl-like bell. */
    private static void bell(double[] out, int start, double hz, double gain) {
        double[] partials = {1.0, 2.76, 5.40, 8.93};
        double[] levels = {1.0, 0.5, 0.25, 0.12};
        double[] decays = {1.1, 0.8, 0.5, 0.3};
        int length = Math.min(out.length - start, (int) (4.0 * SAMPLE_RATE));
        for (int p = 0; p < partials.length; p++) {
            double step = TWO_PI * hz * partials[p] / SAMPLE_RATE;
            for (int i = 0; i < length; i++) {
                double t = (double) i / SAMPLE_RATE;
                double attack = Math.min(1.0, t / 0.004);
                out[start + i] += gain * levels[p] * attack * Math.exp(-t / decays[p]) * Math.sin(step * i);
            }
        }
    }

    private static void lowPass(double[] out, double alpha) {
        double y = 0;
        for (int i = 0; i < out.length; i++) {
            y += alpha * (out[i] - y);
            out[i] = y;
        }
    }

    private static void fade(double[] out) {
        int n = (int) Math.min(FADE_SECONDS * SAMPLE_RATE, out.length / 2.0);
        for (int i = 0; i < n; i++) {
            double g = 0.5 - 0.5 * Math.cos(Math.PI * i / n);
            out[i] *= g;
            out[out.length - 1 - i] *= g;
        }
    }

    private static void normalize(double[] out) {
        double max = 1e-9;
        for (double v : out) {
            max = Math.max(max, Math.abs(v));
        }
        double scale = PEAK / max;
        for (int i = 0; i < out.length; i++) {
            out[i] = Math.tanh(out[i] * scale * 1.1) / Math.tanh(1.1); // soft knee: never clips
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
            b.putShort((short) Math.round(Math.max(-1, Math.min(1, s)) * 32767 * 0.98));
        }
        return b.array();
    }
}
