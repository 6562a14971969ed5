package app.hearth.gateway.rooms;

import app.hearth.room.bridge.CircleMediaServer;
import app.hearth.room.bridge.MediaServerException;
import app.hearth.signaling.colibri.CircleConferences;
import app.hearth.signaling.colibri.CircleUpdate;
import app.hearth.signaling.colibri.ColibriException;
import java.util.List;
import java.util.function.BiConsumer;

/** Circles' media through Jitsi Videobridge: the room layer's port onto the signaling module's Colibri2 code. */
public final class ColibriCircleServer implements CircleMediaServer {

    private final CircleConferences conferences;
    private final app.hearth.gateway.metrics.HearthMetrics metrics;

    public ColibriCircleServer(CircleConferences conferences) {
        this(conferences, null);
    }

    /** With the allocation time of each join on the node's metrics (docs/adr/0025). */
    public ColibriCircleServer(CircleConferences conferences, app.hearth.gateway.metrics.HearthMetrics metrics) {
        this.conferences = conferences;
        this.metrics = metrics;
    }

    @Override
    public boolean configured() {
        return conferences.enabled();
    }

    @Override
    public Change join(String roomId, String personId) throws MediaServerException {
        if (metrics == null) {
            return call(() -> conferences.join(roomId, personId));
        }
        long started = System.nanoTime();
        String outcome = "failed";
        try {
            Change change = call(() -> conferences.join(roomId, personId));
            outcome = "ok";
            return change;
        } catch (MediaServerException e) {
            outcome = e.kind().name().toLowerCase(java.util.Locale.ROOT);
            throw e;
        } finally {
            // labelled by the bridge's place in the configuration, never its URL
            int index = conferences.bridgeOf(roomId).map(uri -> conferences.bridges().all().stream().map(b -> b.base())
                    .toList().indexOf(uri)).orElse(-1);
            metrics.bridgeAllocation(index < 0 ? "none" : Integer.toString(index), outcome,
                    java.time.Duration.ofNanos(System.nanoTime() - started));
        }
    }

    @Override
    public Change answer(String roomId, String personId, String sdp) throws MediaServerException {
        return call(() -> conferences.answer(roomId, personId, sdp));
    }

    @Override
    public Change candidate(String roomId, String personId, String candidate) throws MediaServerException {
        return call(() -> conferences.candidate(roomId, personId, candidate));
    }

    @Override
    public Change mute(String roomId, String personId, boolean audioOn, boolean videoOn) {
        return change(conferences.mute(roomId, personId, audioOn, videoOn));
    }

    @Override
    public Change leave(String roomId, String personId) {
        return change(conferences.leave(roomId, personId));
    }

    @Override
    public List<String> participants(String roomId) {
        return conferences.participants(roomId);
    }

    @Override
    public void close(String roomId) {
        conferences.close(roomId);
    }

    @Override
    public void startHealthChecks(BiConsumer<String, Change> onChange) {
        conferences.startHealthChecks(update -> onChange.accept(update.circleId(), change(update)));
    }

    @Override
    public void stop() {
        conferences.close();
    }

    private interface Call {
        CircleUpdate run() throws ColibriException;
    }

    private static Change call(Call call) throws MediaServerException {
        try {
            return change(call.run());
        } catch (IllegalArgumentException e) {
            throw new MediaServerException(MediaServerException.Kind.INVALID, e.getMessage());
        } catch (ColibriException e) {
            throw new MediaServerException(switch (e.kind()) {
                case NO_BRIDGE, BRIDGE_FAILED -> MediaServerException.Kind.UNAVAILABLE;
                case BRIDGE_TIMEOUT -> MediaServerException.Kind.TIMEOUT;
                case UNKNOWN_PARTICIPANT -> MediaServerException.Kind.NOT_JOINED;
                case BRIDGE_REFUSED -> MediaServerException.Kind.REFUSED;
                case BAD_ANSWER -> MediaServerException.Kind.FAILED;
            }, e.getMessage());
        }
    }

    private static Change change(CircleUpdate update) {
        return new Change(update.offers().stream().map(o -> new Offer(o.participantId(), o.sdp(), o.newConnection(), o.channelUrl())).toList(),
                update.lost());
    }
}
