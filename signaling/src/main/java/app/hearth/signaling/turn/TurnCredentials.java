package app.hearth.signaling.turn;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.Objects;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * TURN credentials in the coturn REST-API scheme ({@code use-auth-secret}): the username is
 * {@code <unix expiry>:<user>} and the password is base64(HMAC-SHA1(shared secret, username)). The
 * TURN server recomputes the HMAC, so it stores no passwords and a credential stops working by
 * itself at its expiry: the TURN server is never open to anyone without a fresh one from Hearth.
 */
public final class TurnCredentials {

    /** A username and password for RTCIceServer. */
    public record Credential(String username, String password, long expiresAtEpochSecond) {
    }

    private final byte[] secret;
    private final Duration ttl;
    private final Clock clock;

    public TurnCredentials(String sharedSecret, Duration ttl, Clock clock) {
        if (sharedSecret == null || sharedSecret.length() < 16) {
            throw new IllegalArgumentException("the TURN shared secret must be at least 16 characters");
        }
        if (ttl.isNegative() || ttl.isZero()) {
            throw new IllegalArgumentException("TURN credentials need a positive lifetime");
        }
        this.secret = sharedSecret.getBytes(StandardCharsets.UTF_8);
        this.ttl = ttl;
        this.clock = clock;
    }

    /**
     * A credential for one person in one room. The user part names both (ids only, never names), so
     * the TURN server's logs and quotas can tell sessions apart.
     */
    public Credential mint(String personId, String roomId) {
        Objects.requireNonNull(personId, "personId");
        Objects.requireNonNull(roomId, "roomId");
        long expires = clock.instant().plus(ttl).getEpochSecond();
        String username = expires + ":" + personId + "@" + roomId;
        return new Credential(username, sign(username), expires);
    }

    /** The password coturn expects for a REST-API username. */
    public String sign(String username) {
        try {
            Mac mac = Mac.getInstance("HmacSHA1");
            mac.init(new SecretKeySpec(secret, "HmacSHA1"));
            return Base64.getEncoder().encodeToString(mac.doFinal(username.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HMAC-SHA1 is part of every JDK", e);
        }
    }
}
