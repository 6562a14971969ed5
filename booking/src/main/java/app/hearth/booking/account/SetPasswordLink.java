package app.hearth.booking.account;

import java.time.Instant;

/** A link to hand to a person once; the secret is in the URL fragment so it never reaches server logs. */
public record SetPasswordLink(String url, Instant expiresAt) {
}
