package app.hearth.booking.people;

/** Tells the rest of the cluster that people changed; the node wires this to the event bus. */
@FunctionalInterface
public interface PeopleEvents {

    void created(Person person);

    PeopleEvents NONE = person -> { };
}
