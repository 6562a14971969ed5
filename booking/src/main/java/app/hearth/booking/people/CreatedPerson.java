package app.hearth.booking.people;

import app.hearth.booking.account.SetPasswordLink;

/** A new person and the one-time link they set their password with. */
public record CreatedPerson(Person person, SetPasswordLink setPasswordLink) {
}
