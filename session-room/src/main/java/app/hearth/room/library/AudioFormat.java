package app.hearth.room.library;

import java.util.Optional;

/**
 * The audio formats browsers play, recognised by their first bytes rather than by what the upload
 * claims: a wrong or forged Content-Type cannot smuggle another kind of file into the library.
 */
public enum AudioFormat {
    MP3("audio/mpeg"), OGG("audio/ogg"), WAV("audio/wav"), WEBM("audio/webm"), M4A("audio/mp4");

    private final String mediaType;

    AudioFormat(String mediaType) {
        this.mediaType = mediaType;
    }

    public String mediaType() {
        return mediaType;
    }

    public static Optional<AudioFormat> sniff(byte[] head) {
        if (starts(head, "ID3") || (head.length > 1 && (head[0] & 0xFF) == 0xFF && (head[1] & 0xE0) == 0xE0)) {
            return Optional.of(MP3);
        }
        if (starts(head, "OggS")) {
            return Optional.of(OGG);
        }
        if (starts(head, "RIFF") && head.length >= 12 && new String(head, 8, 4, java.nio.charset.StandardCharsets.US_ASCII).equals("WAVE")) {
            return Optional.of(WAV);
        }
        if (head.length >= 4 && (head[0] & 0xFF) == 0x1A && (head[1] & 0xFF) == 0x45 && (head[2] & 0xFF) == 0xDF
                && (head[3] & 0xFF) == 0xA3) {
            return Optional.of(WEBM);
        }
        if (head.length >= 12 && new String(head, 4, 4, java.nio.charset.StandardCharsets.US_ASCII).equals("ftyp")) {
            return Optional.of(M4A);
        }
        return Optional.empty();
    }

    private static boolean starts(byte[] head, String magic) {
        if (head.length < magic.length()) {
            return false;
        }
        for (int i = 0; i < magic.length(); i++) {
            if (head[i] != (byte) magic.charAt(i)) {
                return false;
            }
        }
        return true;
    }
}
