package app.hearth.signaling.colibri;

import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Picks the bridge for a new circle (jicofo's BridgeSelectionStrategy, without regions or
 * multi-bridge cascades: a circle lives on one bridge).
 */
@FunctionalInterface
public interface BridgeSelectionStrategy {

    /**
     * @param healthy the bridges currently in use, in configuration order; never contains an unhealthy one
     * @return the bridge for the circle, or empty when none will do
     */
    Optional<Bridge> select(List<Bridge> healthy);

    /** The healthy bridge with the fewest endpoints; ties go to the first configured. */
    static BridgeSelectionStrategy leastLoaded() {
        return healthy -> healthy.stream().min(Comparator.comparingInt(Bridge::endpoints));
    }
}
