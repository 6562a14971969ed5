package app.hearth.room.library;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import javax.sound.sampled.AudioFormat;
import javax.sound.sampled.AudioInputStream;
import javax.sound.sampled.AudioSystem;
import javax.sound.sampled.UnsupportedAudioFileException;

/** A WAV file read back with the JDK's own parser, and the few measures the tests take of it. */
record Wav(AudioFormat format, short[] samples) {

    static Wav parse(byte[] file) {
        try (AudioInputStream in = AudioSystem.getAudioInputStream(new ByteArrayInputStream(file))) {
            AudioFormat format = in.getFormat();
            assertEquals(AudioFormat.Encoding.PCM_SIGNED, format.getEncoding());
            assertEquals(16, format.getSampleSizeInBits());
            assertEquals(1, format.getChannels());
            byte[] data = in.readAllBytes();
            assertEquals(in.getFrameLength() * 2, data.length, "the header's length matches the data");
            short[] samples = new short[data.length / 2];
            for (int i = 0; i < samples.length; i++) {
                int lo = data[2 * i] & 0xFF;
                int hi = data[2 * i + 1];
                samples[i] = (short) (format.isBigEndian() ? (lo << 8) | (hi & 0xFF) : (hi << 8) | lo);
            }
            return new Wav(format, samples);
        } catch (UnsupportedAudioFileException e) {
            throw new AssertionError("not a WAV file the JDK can read", e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    double seconds() {
        return samples.length / format.getSampleRate();
    }

    /** Samples in the first (or, negative, the last) {@code millis} milliseconds. */
    int frames(double millis) {
        return (int) Math.round(Math.abs(millis) / 1000 * format.getSampleRate());
    }

    double rms() {
        return rms(0, samples.length);
    }

    double rms(int from, int to) {
        double sum = 0;
        for (int i = from; i < to; i++) {
            sum += (double) samples[i] * samples[i];
        }
        return Math.sqrt(sum / Math.max(1, to - from));
    }

    double rmsOfFirst(double millis) {
        return rms(0, frames(millis));
    }

    double rmsOfLast(double millis) {
        return rms(samples.length - frames(millis), samples.length);
    }

    int peak() {
        int peak = 0;
        for (short s : samples) {
            peak = Math.max(peak, Math.abs(s));
        }
        return peak;
    }
}
