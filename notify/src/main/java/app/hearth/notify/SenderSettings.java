package app.hearth.notify;

import java.time.Duration;

/**
 * How each node's sender works the outbox.
 *
 * @param pollInterval how often it looks for due messages (a message is due within about this long)
 * @param lease        how long a claim holds a message: a node that dies holding one lets it go after this
 * @param retryBase    the wait after a first failed attempt; doubled by each further failure
 * @param retryMax     the longest wait between attempts while the SMTP server is down
 * @param removeSentLinks blank the parts of sent messages that carried a set-password link (everywhere but the
 *                     development default, whose mail page shows them so the demo can be followed)
 */
public record SenderSettings(Duration pollInterval, Duration lease, Duration retryBase, Duration retryMax,
                             boolean removeSentLinks) {

    /** Removing sent links, as production does. */
    public SenderSettings(Duration pollInterval, Duration lease, Duration retryBase, Duration retryMax) {
        this(pollInterval, lease, retryBase, retryMax, true);
    }

    /** These settings, keeping or removing sent links. */
    public SenderSettings removingSentLinks(boolean remove) {
        return new SenderSettings(pollInterval, lease, retryBase, retryMax, remove);
    }

    /** The wait before attempt {@code attempts + 1}, after {@code attempts} failed ones (1 or more). */
    public Duration backoff(int attempts) {
        Duration wait = retryBase;
        for (int i = 1; i < attempts && wait.compareTo(retryMax) < 0; i++) {
            wait = wait.multipliedBy(2);
        }
        return wait.compareTo(retryMax) > 0 ? retryMax : wait;
    }
}
