package app.hearth.signaling.colibri;

import java.util.List;

/**
 * What a change to a circle means for its browsers.
 *
 * @param circleId the circle
 * @param offers   offers to send, at most one per participant (the newest); empty when nobody's view changed
 * @param moved    the circle's conference was re-created (its bridge failed or lost it): every
 *                 participant has a {@link Offer#newConnection() new-connection} offer in {@code offers}
 * @param lost     the circle has no conference any more and none could be made (no healthy bridge):
 *                 video through a bridge is unavailable for it until someone joins again
 */
public record CircleUpdate(String circleId, List<Offer> offers, boolean moved, boolean lost) {

    public CircleUpdate {
        offers = List.copyOf(offers);
    }

    static CircleUpdate of(String circleId, List<Offer> offers) {
        return new CircleUpdate(circleId, offers, false, false);
    }
}
