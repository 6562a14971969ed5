package app.hearth.booking.people;

/** {@code INVITED} until the person sets a password through their link; then {@code ACTIVE}. */
public enum PersonStatus {
    INVITED, ACTIVE
}
