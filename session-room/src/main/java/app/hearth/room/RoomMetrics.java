package app.hearth.room;

import java.time.Duration;

/**
 * What the live rooms tell the node's metrics (docs/adr/0025). Identifiers never pass through here:
 * only kinds of events and durations, so no label can name a person, room or appointment.
 */
public interface RoomMetrics {

    /**
     * A room event reached one of this node's connections.
     *
     * @param kind       the event's kind (deliver, admitted, left): a fixed set
     * @param sinceSent  from the publish on the sending node to this delivery (across nodes, as far
     *                   as their clocks agree)
     */
    void delivered(String kind, Duration sinceSent);

    /** A room's roster went out to this node's connections in it, this long after the change that caused it. */
    void rosterPushed(Duration sinceChange);

    RoomMetrics NONE = new RoomMetrics() {
        @Override
        public void delivered(String kind, Duration sinceSent) {
        }

        @Override
        public void rosterPushed(Duration sinceChange) {
        }
    };
}
