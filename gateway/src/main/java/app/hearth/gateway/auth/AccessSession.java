package app.hearth.gateway.auth;

import java.time.Instant;

/**
 * The session an access token belongs to: its {@code sid} claim (the refresh-token family it was
 * minted for), whose token it is, and when that token was issued ({@code iat}). Revocations name
 * sessions, or a person and an instant before which their tokens no longer count.
 */
public record AccessSession(String id, String personId, Instant issuedAt) {
}
