package app.hearth.signaling.turn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("TURN credentials in coturn's REST-API scheme")
class TurnCredentialsTest {

    static final Clock CLOCK = Clock.fixed(Instant.parse("2026-01-01T00:00:00Z").minusSeconds(3600), ZoneOffset.UTC);

    @Test
    @DisplayName("username is <expiry>:<person>@<room>; password is base64 HMAC-SHA1 of it (checked against an independent HMAC)")
    void coturnScheme() {
        TurnCredentials.Credential credential = new TurnCredentials("north-star-secret", Duration.ofHours(1), CLOCK)
                .mint("demo-patient-1", "room-1");
        assertEquals("1767225600:demo-patient-1@room-1", credential.username());
        assertEquals(1767225600L, credential.expiresAtEpochSecond());
        // computed with Python's hmac/hashlib/base64, which is what coturn's check amounts to
        assertEquals("Nfjig4QxtYI5xwJpPWYvMdjR3gA=", credential.password());
    }

    @Test
    @DisplayName("another secret or another person gives another password; weak secrets are refused")
    void distinct() {
        TurnCredentials a = new TurnCredentials("north-star-secret", Duration.ofHours(1), CLOCK);
        TurnCredentials b = new TurnCredentials("south-star-secret", Duration.ofHours(1), CLOCK);
        assertNotEquals(a.mint("p", "r").password(), b.mint("p", "r").password());
        assertNotEquals(a.mint("p", "r").password(), a.mint("q", "r").password());
        assertThrows(IllegalArgumentException.class, () -> new TurnCredentials("short", Duration.ofHours(1), CLOCK));
    }
}
