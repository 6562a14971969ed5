package app.hearth.room.bridge;

import app.hearth.protocol.EventBusAddresses;
import app.hearth.protocol.ws.WsErrorCode;
import app.hearth.room.RoomException;
import app.hearth.room.presence.PresenceStore;
import app.hearth.room.presence.Seat;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonObject;
import io.vertx.core.shareddata.AsyncMap;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Circles whose video goes through a media server, across the cluster.
 *
 * <p>A circle's conference state (which bridge, whose sources on which m-line) lives in the memory of
 * one node, its <em>driver</em>: the first node that needed it claims the circle in a cluster-wide map,
 * and every node sends that circle's media requests to the driver over the event bus. The driver
 * reconciles the conference with the room's admitted seats (read from presence, the cluster's truth
 * about who is in) and delivers the resulting SDP offers to the participants, wherever they are
 * connected. When the driver node is gone, the next node that needs the circle takes it over and
 * builds the conference anew: every participant gets a new connection (a short gap in the video, no
 * clicks). See docs/adr/0010-circle-media-through-one-driving-node.md.
 */
public final class BridgedCircles {

    /** Sends a message to some people of a room, on whichever node they are connected. */
    public interface Delivery {
        void deliver(String clinicId, String roomId, List<String> personIds, JsonObject message);
    }

    private static final Logger LOG = LoggerFactory.getLogger(BridgedCircles.class);
    private static final String DRIVERS_MAP = "hearth-circle-drivers";
    /** A driver entry outlives any session; it only bounds what a crashed cluster leaves behind. */
    private static final long DRIVER_TTL_MS = TimeUnit.HOURS.toMillis(24);
    private static final long RECONCILE_DELAY_MS = 100;
    /** The server's own retries of connections that could not be set up: 1 s, doubling, at most 30 s. */
    static final long RETRY_FIRST_MS = 1_000;
    static final long RETRY_MAX_MS = 30_000;

    private final Vertx vertx;
    private final PresenceStore presence;
    private final CircleMediaServer server;
    private final String nodeId;
    private final Delivery delivery;
    private final Duration requestTimeout;
    private final WorkerExecutor workers;
    /** Rooms this node drives → their clinic. */
    private final Map<String, String> driven = new ConcurrentHashMap<>();
    /** Striped locks: one circle's work runs one at a time; a fixed set, however many circles come and go. */
    private final Object[] locks = new Object[64];
    private final Set<String> reconcilePending = ConcurrentHashMap.newKeySet();
    /** Cluster members known to have left: circles they drove are taken over at once, without asking them. */
    private final Set<String> departed = ConcurrentHashMap.newKeySet();
    /** Rooms this node drives → people whose connection could not be set up and is retried by the server. */
    private final Map<String, Waiting> waiting = new ConcurrentHashMap<>();
    private MessageConsumer<JsonObject> consumer;
    private volatile boolean stopped;

    /**
     * @param requestTimeout how long a node waits for the driver; longer than a few bridge round trips
     *                       (a join may move a circle to another bridge on the way)
     */
    public BridgedCircles(Vertx vertx, PresenceStore presence, CircleMediaServer server, String nodeId, Delivery delivery,
                          Duration requestTimeout) {
        this.vertx = vertx;
        this.presence = presence;
        this.server = server;
        this.nodeId = nodeId;
        this.delivery = delivery;
        this.requestTimeout = requestTimeout;
        this.workers = vertx.createSharedWorkerExecutor("hearth-circle-media", 4);
        for (int i = 0; i < locks.length; i++) {
            locks[i] = new Object();
        }
    }

    /** Whether circles go through a media server at all. */
    public boolean available() {
        return server.configured();
    }

    public Future<Void> start() {
        if (!available()) {
            return Future.succeededFuture();
        }
        consumer = vertx.eventBus().consumer(EventBusAddresses.circleMediaRequests(nodeId), this::onRequest);
        server.startHealthChecks(this::serverChanged);
        return consumer.completion();
    }

    public Future<Void> stop() {
        stopped = true;
        server.stop();
        workers.close();
        return consumer == null ? Future.succeededFuture() : consumer.unregister();
    }

    /** The person's browser wants a (new) connection to the circle's media server; its offer follows as a push. */
    public Future<Void> join(Seat seat) {
        return route(seat, new JsonObject().put("op", "join"));
    }

    public Future<Void> answer(Seat seat, String sdp) {
        return route(seat, new JsonObject().put("op", "answer").put("sdp", sdp));
    }

    public Future<Void> candidate(Seat seat, String candidate) {
        return route(seat, new JsonObject().put("op", "candidate").put("candidate", candidate));
    }

    /**
     * Something changed in a room (seen by every node): the driver drops the connections of people no
     * longer admitted, and closes the conference once nobody is left. Coalesced per room.
     */
    public void roomChanged(String roomId) {
        if (stopped || !driven.containsKey(roomId) || !reconcilePending.add(roomId)) {
            return;
        }
        vertx.setTimer(RECONCILE_DELAY_MS, id -> {
            reconcilePending.remove(roomId);
            String clinicId = driven.get(roomId);
            if (clinicId != null) {
                perform(clinicId, roomId, null, new JsonObject().put("op", "reconcile"), false)
                        .onFailure(e -> LOG.warn("Could not reconcile a circle's media: {}", e.getMessage()));
            }
        });
    }

    /** A cluster member left: the circles it drove go to whichever node needs them next. */
    public void nodeLeft(String nodeId) {
        departed.add(nodeId);
    }

    /** A member is back (a cluster merge keeps node ids): its circles are its own again, asked as usual. */
    public void nodeReturned(String nodeId) {
        departed.remove(nodeId);
    }

    // ------------------------------------------------------------------ routing to the driver

    private Future<Void> route(Seat seat, JsonObject op) {
        op.put("clinicId", seat.clinicId()).put("roomId", seat.roomId()).put("personId", seat.personId());
        return drivers().compose(map -> map.get(seat.roomId()).compose(current -> {
            if (current != null) {
                return Future.succeededFuture(current);
            }
            return map.putIfAbsent(seat.roomId(), nodeId, DRIVER_TTL_MS).map(existing -> existing == null ? nodeId : existing);
        }).compose(driver -> send(map, driver, seat, op, true)));
    }

    private Future<Void> send(AsyncMap<String, String> map, String driver, Seat seat, JsonObject op, boolean mayTakeOver) {
        if (driver.equals(nodeId)) {
            return perform(seat.clinicId(), seat.roomId(), seat.personId(), op, false);
        }
        if (departed.contains(driver) && mayTakeOver) {
            return takeOver(map, driver, seat, op);
        }
        DeliveryOptions options = new DeliveryOptions().setSendTimeout(requestTimeout.toMillis());
        return vertx.eventBus().<JsonObject>request(EventBusAddresses.circleMediaRequests(driver), op, options)
                .<Void>compose(reply -> reply.body().containsKey("code")
                        ? Future.failedFuture(new RoomException(WsErrorCode.fromWire(reply.body().getString("code")),
                                reply.body().getString("message")))
                        : Future.succeededFuture())
                .recover(e -> {
                    if (e instanceof RoomException) {
                        return Future.failedFuture(e);
                    }
                    if (e instanceof ReplyException reply && reply.failureType() == ReplyFailure.NO_HANDLERS && mayTakeOver) {
                        return takeOver(map, driver, seat, op); // its node stopped, or is on its way out
                    }
                    return Future.failedFuture(new RoomException(WsErrorCode.UNAVAILABLE,
                            "The circle's video service did not answer; please try again"));
                });
    }

    /** The driver is gone: whoever needs the circle first takes it and builds its conference anew. */
    private Future<Void> takeOver(AsyncMap<String, String> map, String driver, Seat seat, JsonObject op) {
        return map.replaceIfPresent(seat.roomId(), driver, nodeId).compose(taken -> {
            if (taken) {
                LOG.info("Taking over the media of a circle from departed node {}", driver);
                return perform(seat.clinicId(), seat.roomId(), seat.personId(), op, true);
            }
            return map.get(seat.roomId()).compose(now -> send(map, now == null ? nodeId : now, seat, op, false));
        });
    }

    private void onRequest(Message<JsonObject> message) {
        JsonObject op = message.body();
        perform(op.getString("clinicId"), op.getString("roomId"), op.getString("personId"), op, false).onComplete(done -> {
            if (done.succeeded()) {
                message.reply(new JsonObject());
            } else if (done.cause() instanceof RoomException refused) {
                message.reply(new JsonObject().put("code", refused.code().wire()).put("message", refused.getMessage()));
            } else {
                message.reply(new JsonObject().put("code", WsErrorCode.UNAVAILABLE.wire())
                        .put("message", "The circle's video service had a problem; please try again"));
            }
        });
    }

    private Future<AsyncMap<String, String>> drivers() {
        return vertx.sharedData().getAsyncMap(DRIVERS_MAP);
    }

    // ------------------------------------------------------------------ the driver's work

    /**
     * One operation on a circle this node drives, on a worker, one at a time per circle. The admitted
     * seats are read inside the circle's lock, so a reconciliation never undoes a join it did not see.
     *
     * @param rebuild this node just took the circle over: everyone admitted gets a new connection first
     */
    private Future<Void> perform(String clinicId, String roomId, String personId, JsonObject op, boolean rebuild) {
        if (stopped) {
            return Future.failedFuture(new RoomException(WsErrorCode.UNAVAILABLE, "This server is shutting down; please try again"));
        }
        driven.put(roomId, clinicId);
        return workers.<Outcome>executeBlocking(() -> {
            synchronized (locks[Math.floorMod(roomId.hashCode(), locks.length)]) {
                return apply(roomId, personId, op, rebuild);
            }
        }, false).compose(outcome -> {
            outcome.offers.forEach(offer -> delivery.deliver(clinicId, roomId, List.of(offer.personId()), offerMessage(roomId, offer)));
            outcome.errors.forEach(error -> delivery.deliver(clinicId, roomId, error.people(), errorMessage(roomId, error)));
            if (outcome.lost) {
                lost(clinicId, roomId, outcome.people);
            }
            if (outcome.closed) {
                driven.remove(roomId);
                return drivers().compose(map -> map.removeIfPresent(roomId, nodeId)).mapEmpty();
            }
            return Future.<Void>succeededFuture();
        });
    }

    /** What one operation produced for the browsers. */
    private record Outcome(List<CircleMediaServer.Offer> offers, boolean lost, boolean closed, List<String> people,
                           List<BridgeError> errors) {
        Outcome(List<CircleMediaServer.Offer> offers, boolean lost, boolean closed, List<String> people) {
            this(offers, lost, closed, people, List.of());
        }
    }

    /** An rtc.bridge.error for some people; {@code retryInMs} null: the server does not retry. */
    private record BridgeError(List<String> people, String code, String message, Long retryInMs) {
    }

    /** People of one room waiting for the server's next attempt at their connection. Guarded by itself. */
    private static final class Waiting {
        final String clinicId;
        final Set<String> people = new LinkedHashSet<>();
        int attempts;
        long dueAt;
        boolean scheduled;

        Waiting(String clinicId) {
            this.clinicId = clinicId;
        }
    }

    private Outcome apply(String roomId, String personId, JsonObject op, boolean rebuild) throws Exception {
        Set<String> admitted = new LinkedHashSet<>();
        List<Seat> admittedSeats = new ArrayList<>();
        for (Seat seat : presence.inRoom(roomId).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS)) {
            if (seat.stage() == Seat.Stage.ADMITTED && seat.breakout() == null) { // a private breakout is outside the circle's media
                admitted.add(seat.personId());
                admittedSeats.add(seat);
            }
        }
        Offers offers = new Offers();
        List<BridgeError> errors = new ArrayList<>();
        boolean lost = false;
        // people no longer admitted stop waiting for a retry, and lose their connection (left, removed,
        // gone after the grace, ended)
        Waiting waits = waiting.get(roomId);
        if (waits != null) {
            synchronized (waits) {
                waits.people.retainAll(admitted);
                if (waits.people.isEmpty()) {
                    waiting.remove(roomId, waits);
                }
            }
        }
        for (String participant : server.participants(roomId)) {
            if (!admitted.contains(participant)) {
                offers.add(server.leave(roomId, participant));
            }
        }
        if (admitted.isEmpty()) {
            server.close(roomId);
            return new Outcome(List.of(), false, true, List.of());
        }
        try {
            if (rebuild) {
                // Everyone starts a new connection to a new conference; whatever the caller sent belonged
                // to the old one and is moot.
                for (String person : admitted) {
                    lost |= offers.add(server.join(roomId, person));
                }
                syncMutes(roomId, admittedSeats, offers);
                return new Outcome(offers.list(), lost, false, List.copyOf(admitted));
            }
            switch (op.getString("op")) {
                case "join" -> {
                    requireAdmitted(admitted, personId);
                    try {
                        lost |= offers.add(server.join(roomId, personId));
                        stopWaiting(roomId, personId);
                    } catch (MediaServerException e) {
                        if (!retried(e)) {
                            throw e;
                        }
                        // the server tries again by itself; the page shows why and waits for its offer
                        errors.add(waitFor(roomId, List.of(personId), e));
                        return new Outcome(offers.list(), lost, false, List.copyOf(admitted), errors);
                    }
                    if (waiting.containsKey(roomId)) {
                        lost |= retryWaiting(roomId, admitted, offers, errors); // it works again: the others need not wait
                    }
                }
                case "retry" -> lost |= retryWaiting(roomId, admitted, offers, errors);
                case "answer" -> {
                    requireAdmitted(admitted, personId);
                    joinedOrRefuse(roomId, personId);
                    lost |= offers.add(server.answer(roomId, personId, op.getString("sdp")));
                }
                case "candidate" -> {
                    requireAdmitted(admitted, personId);
                    joinedOrRefuse(roomId, personId);
                    lost |= offers.add(server.candidate(roomId, personId, op.getString("candidate")));
                }
                default -> { } // reconcile: done above
            }
            syncMutes(roomId, admittedSeats, offers);
        } catch (MediaServerException e) {
            LOG.info("A circle's media request failed: {} {}", e.kind(), e.getMessage());
            throw switch (e.kind()) {
                case INVALID -> new RoomException(WsErrorCode.INVALID_MESSAGE, e.getMessage());
                case NOT_JOINED -> new RoomException(WsErrorCode.MEDIA_NOT_JOINED, "Your video connection is being renewed; join it again");
                case UNAVAILABLE -> new RoomException(WsErrorCode.MEDIA_SERVER_UNAVAILABLE,
                        "The clinic's video service for circles is not reachable right now; please try again shortly");
                case FAILED, REFUSED -> new RoomException(WsErrorCode.UNAVAILABLE, "The circle's video could not be set up; please try again");
                case TIMEOUT -> new RoomException(WsErrorCode.UNAVAILABLE, "The circle's video service did not answer in time; please try again");
            };
        }
        return new Outcome(offers.list(), lost, false, List.copyOf(admitted), errors);
    }

    /** Failures the server retries by itself (the browser's own mistakes are not among them). */
    private static boolean retried(MediaServerException e) {
        return switch (e.kind()) {
            case UNAVAILABLE, TIMEOUT, REFUSED, FAILED -> true;
            case INVALID, NOT_JOINED -> false;
        };
    }

    /**
     * Another attempt for everyone of the room still waiting (and admitted): each who gets a connection
     * gets their offer now; whoever still has none hears why and when the next attempt is.
     *
     * @return whether the circle was lost on the way
     */
    private boolean retryWaiting(String roomId, Set<String> admitted, Offers offers, List<BridgeError> errors) {
        Waiting waits = waiting.get(roomId);
        if (waits == null) {
            return false;
        }
        List<String> people;
        synchronized (waits) {
            people = waits.people.stream().filter(admitted::contains).toList();
        }
        boolean lost = false;
        List<String> still = new ArrayList<>();
        MediaServerException last = null;
        for (String person : people) {
            if (server.participants(roomId).contains(person)) {
                stopWaiting(roomId, person); // joined meanwhile
                continue;
            }
            try {
                lost |= offers.add(server.join(roomId, person));
                stopWaiting(roomId, person);
            } catch (MediaServerException e) {
                last = e;
                if (retried(e)) {
                    still.add(person);
                } else {
                    stopWaiting(roomId, person);
                    errors.add(new BridgeError(List.of(person), "media-server-refused",
                            "The circle's video could not be set up; please rejoin the video", null));
                }
            }
        }
        if (!still.isEmpty()) {
            errors.add(waitFor(roomId, still, last));
        } else {
            synchronized (waits) {
                if (waits.people.isEmpty()) {
                    waiting.remove(roomId, waits);
                }
            }
        }
        return lost;
    }

    private void stopWaiting(String roomId, String personId) {
        Waiting waits = waiting.get(roomId);
        if (waits != null) {
            synchronized (waits) {
                waits.people.remove(personId);
                if (waits.people.isEmpty()) {
                    waits.attempts = 0;
                }
            }
        }
    }

    /**
     * These people wait for the server's next attempt (scheduled unless one already is, with backoff):
     * the rtc.bridge.error to tell them.
     */
    private BridgeError waitFor(String roomId, List<String> people, MediaServerException cause) {
        String clinicId = driven.get(roomId);
        Waiting waits = waiting.computeIfAbsent(roomId, r -> new Waiting(clinicId));
        long retryIn;
        synchronized (waits) {
            waits.people.addAll(people);
            if (!waits.scheduled) {
                long delay = Math.min(RETRY_MAX_MS, RETRY_FIRST_MS << Math.min(waits.attempts, 10));
                waits.attempts++;
                waits.scheduled = true;
                waits.dueAt = System.currentTimeMillis() + delay;
                vertx.setTimer(delay, id -> retryNow(roomId, waits));
            }
            retryIn = Math.max(0, waits.dueAt - System.currentTimeMillis());
        }
        LOG.warn("A circle's video connection could not be set up ({}); {} waiting, next attempt in {} ms", cause.kind(),
                people.size(), retryIn);
        return switch (cause.kind()) {
            case TIMEOUT -> new BridgeError(people, "media-server-timeout",
                    "The circle's video service is starting up slowly; trying again shortly", retryIn);
            case UNAVAILABLE -> new BridgeError(people, "media-server-unavailable",
                    "The circle's video service is not reachable right now; trying again shortly", retryIn);
            default -> new BridgeError(people, "media-server-refused",
                    "The circle's video could not be set up; trying again shortly", retryIn);
        };
    }

    private void retryNow(String roomId, Waiting waits) {
        synchronized (waits) {
            waits.scheduled = false;
            if (waits.people.isEmpty() || stopped || waiting.get(roomId) != waits) {
                return;
            }
        }
        perform(waits.clinicId, roomId, null, new JsonObject().put("op", "retry"), false).onFailure(e -> {
            LOG.warn("A retry of a circle's video connections failed: {}", e.getMessage());
            synchronized (waits) {
                if (!waits.scheduled && !waits.people.isEmpty() && !stopped) {
                    long delay = Math.min(RETRY_MAX_MS, RETRY_FIRST_MS << Math.min(waits.attempts++, 10));
                    waits.scheduled = true;
                    waits.dueAt = System.currentTimeMillis() + delay;
                    vertx.setTimer(delay, id -> retryNow(roomId, waits));
                }
            }
        });
    }

    /**
     * Microphones and cameras turned off (from each seat's media state, which every media.state
     * updates and announces as a room change) take the person's source out of the others' offers.
     */
    private void syncMutes(String roomId, List<Seat> seats, Offers offers) {
        List<String> joined = server.participants(roomId);
        for (Seat seat : seats) {
            JsonObject media = seat.media();
            if (media != null && joined.contains(seat.personId())) {
                boolean videoOn = media.getBoolean("video", true) || media.getBoolean("screen", false);
                offers.add(server.mute(roomId, seat.personId(), media.getBoolean("audio", true), videoOn));
            }
        }
    }

    private void joinedOrRefuse(String roomId, String personId) throws MediaServerException {
        if (!server.participants(roomId).contains(personId)) {
            throw new MediaServerException(MediaServerException.Kind.NOT_JOINED, "not joined");
        }
    }

    private static void requireAdmitted(Set<String> admitted, String personId) {
        if (!admitted.contains(personId)) {
            throw new RoomException(WsErrorCode.NOT_IN_ROOM, "Video starts once you are in the room");
        }
    }

    /** A health check moved a circle to another server (new connections for all) or lost it. */
    private void serverChanged(String roomId, CircleMediaServer.Change change) {
        String clinicId = driven.get(roomId);
        if (clinicId == null) {
            return;
        }
        change.offers().forEach(offer -> delivery.deliver(clinicId, roomId, List.of(offer.personId()), offerMessage(roomId, offer)));
        if (change.lost()) {
            presence.inRoom(roomId).onSuccess(seats -> lost(clinicId, roomId,
                    seats.stream().filter(s -> s.stage() == Seat.Stage.ADMITTED).map(Seat::personId).toList()));
        }
    }

    private void lost(String clinicId, String roomId, List<String> people) {
        LOG.warn("A circle's video lost its media server: no healthy server left");
        delivery.deliver(clinicId, roomId, people, new JsonObject().put("type", "error")
                .put("code", WsErrorCode.MEDIA_SERVER_UNAVAILABLE.wire())
                .put("message", "The circle's video service stopped; the video will come back when it is reachable again. "
                        + "Chat and the exercise go on."));
        if (!people.isEmpty() && !stopped) {
            // everyone waits for media again: the server brings them back by itself once a server is healthy
            driven.putIfAbsent(roomId, clinicId);
            BridgeError error = waitFor(roomId, people, new MediaServerException(MediaServerException.Kind.UNAVAILABLE,
                    "the circle lost its media server"));
            delivery.deliver(clinicId, roomId, error.people(), errorMessage(roomId, error));
        }
    }

    private static JsonObject errorMessage(String roomId, BridgeError error) {
        return new JsonObject().put("type", "rtc.bridge.error").put("roomId", roomId).put("code", error.code())
                .put("message", error.message()).put("retryInMs", error.retryInMs());
    }

    private static JsonObject offerMessage(String roomId, CircleMediaServer.Offer offer) {
        return new JsonObject().put("type", "rtc.bridge.offer").put("roomId", roomId)
                .put("sdp", offer.sdp()).put("newConnection", offer.newConnection())
                .put("channel", offer.channelUrl() == null ? null : new JsonObject().put("url", offer.channelUrl()));
    }

    /** The newest offer per person (a new-connection offer is never downgraded to a renegotiation). */
    private static final class Offers {
        private final Map<String, CircleMediaServer.Offer> byPerson = new java.util.LinkedHashMap<>();

        /** @return whether the change lost the circle */
        boolean add(CircleMediaServer.Change change) {
            for (CircleMediaServer.Offer offer : change.offers()) {
                CircleMediaServer.Offer previous = byPerson.get(offer.personId());
                boolean fresh = offer.newConnection() || (previous != null && previous.newConnection());
                byPerson.put(offer.personId(), new CircleMediaServer.Offer(offer.personId(), offer.sdp(), fresh, offer.channelUrl()));
            }
            return change.lost();
        }

        List<CircleMediaServer.Offer> list() {
            return new ArrayList<>(byPerson.values());
        }
    }
}
