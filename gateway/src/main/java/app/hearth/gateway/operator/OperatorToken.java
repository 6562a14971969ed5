package app.hearth.gateway.operator;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * {@code HEARTH_OPERATOR_TOKEN} as the node keeps it (docs/adr/0027): only its SHA-256 digest. A
 * presented token is digested and compared in constant time, so neither the comparison's timing nor
 * a heap dump gives the secret away, and it prints as a placeholder wherever the config is shown.
 */
public final class OperatorToken {

    /** Shorter secrets are refused at start-up: {@code openssl rand -hex 32} gives 64 characters. */
    public static final int MIN_LENGTH = 24;

    private final byte[] digest;

    private OperatorToken(byte[] digest) {
        this.digest = digest;
    }

    public static OperatorToken of(String secret) {
        return new OperatorToken(sha256(secret));
    }

    /** @param presented the bearer token of a request, or null when it had none */
    public boolean matches(String presented) {
        // digest even when absent, so a missing token costs what a wrong one does
        return MessageDigest.isEqual(digest, sha256(presented == null ? "" : presented)) && presented != null;
    }

    private static byte[] sha256(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public String toString() {
        return "OperatorToken[set]";
    }
}
