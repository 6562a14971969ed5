package app.hearth.booking.account;

import app.hearth.booking.people.Person;

/**
 * The result of a sign-in or a refresh: the person, the next refresh token to keep, and the session
 * (the refresh-token family) that access tokens minted for it name in their {@code sid} claim.
 */
public record SignedIn(Person person, String refreshToken, String sessionId) {
}
