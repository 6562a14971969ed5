package app.hearth.booking.account;

import app.hearth.booking.people.Person;

/** The result of a sign-in or a refresh: the person, and the next refresh token to keep. */
public record SignedIn(Person person, String refreshToken) {
}
