package app.hearth.booking.clinic;

import app.hearth.booking.account.SetPasswordLink;
import app.hearth.booking.people.Person;

/** A new clinic, its first admin and the one-time link the admin sets their password with. */
public record CreatedClinic(Clinic clinic, Person admin, SetPasswordLink setPasswordLink) {
}
