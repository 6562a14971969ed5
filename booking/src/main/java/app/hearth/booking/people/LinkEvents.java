package app.hearth.booking.people;

import app.hearth.booking.account.SetPasswordLink;

/**
 * A set-password link was issued to a person: on their creation (the invitation) or re-issued by an
 * admin. Called on the store worker right after the link exists, so the mail outbox (issue 15) can
 * queue it; the secret travels only into the message for that person, never into logs.
 */
@FunctionalInterface
public interface LinkEvents {

    /** @param invitation true when the person was just added, false for a re-issued link */
    void issued(Person person, SetPasswordLink link, boolean invitation);

    LinkEvents NONE = (person, link, invitation) -> { };
}
