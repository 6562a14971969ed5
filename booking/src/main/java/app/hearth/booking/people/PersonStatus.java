package app.hearth.booking.people;

/**
 * {@code INVITED} until the person sets a password through their link; then {@code ACTIVE}.
 * {@code DEACTIVATED} when an admin ends their membership: they cannot sign in, their sessions are
 * revoked, and they are offered for no booking; an admin may reactivate them (docs/adr/0021).
 */
public enum PersonStatus {
    INVITED, ACTIVE, DEACTIVATED
}
