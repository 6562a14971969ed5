package app.hearth.room;

import app.hearth.platform.access.Actor;
import app.hearth.platform.access.Role;
import app.hearth.platform.audit.AuditEntry;
import app.hearth.platform.audit.AuditEntry.Outcome;
import app.hearth.platform.audit.AuditLog;
import app.hearth.protocol.EventBusAddresses;
import app.hearth.protocol.ws.WsErrorCode;
import app.hearth.protocol.ws.WsSchema;
import app.hearth.room.bridge.BridgedCircles;
import app.hearth.room.presence.PresenceStore;
import app.hearth.room.presence.Seat;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The live rooms of one node: its WebSocket connections, what they ask for, and what they are told.
 *
 * <p>The shared truth is the {@link PresenceStore} (seats, changed only by compare-and-set) and the
 * system of record ({@link RoomRecords}); this node keeps only its own connections. Every change is
 * published on {@link EventBusAddresses#ROOM_EVENTS}; each node then re-reads the room from the
 * store and pushes rosters and lobbies to its own connections. Re-reading instead of applying deltas
 * makes every push correct on its own, whatever order events arrive in.
 *
 * <p>Ghosts are prevented three ways: a connection that stops answering pings is closed; a closed
 * connection's seat is kept as "reconnecting" for the grace period and then removed; a node that
 * leaves the cluster has its seats adopted and expired by the survivors ({@link #nodeLeft}).
 */
public final class RoomHub {

    private static final Logger LOG = LoggerFactory.getLogger(RoomHub.class);
    private static final int CAS_ATTEMPTS = 8;
    private static final long COALESCE_MS = 25;

    private final Vertx vertx;
    private final PresenceStore presence;
    private final RoomDirectory directory;
    private final RoomRecords records;
    private final AuditLog audit;
    private final RoomConfig config;
    private final WsSchema schema;
    private final MediaPlan media;
    private final BridgedCircles circles;
    private final app.hearth.room.exercise.ExerciseConductor exercises;
    private final String nodeId;
    private final Clock clock;

    private final Map<String, Local> locals = new ConcurrentHashMap<>();
    /**
     * This node's connections by room (docs/adr/0028): delivering to a room walks its members here,
     * never every connection of the node. Changed only through {@link #enter} and {@link #exit}.
     */
    private final Map<String, Set<Local>> byRoom = new ConcurrentHashMap<>();
    /** This node's lobby watchers by clinic, for the same reason. */
    private final Map<String, Set<Local>> watchersByClinic = new ConcurrentHashMap<>();
    /**
     * The seats of each room this node has members in, as last read from the store (on every change
     * event, for the roster push) and patched by admissions and departures as their events arrive:
     * a chat line's recipients come from here, not from a cluster query per line.
     */
    private final Map<String, KnownSeats> knownSeats = new ConcurrentHashMap<>();
    /** Orders reads and patches of {@link #knownSeats}: a read that began before a later patch or read is dropped. */
    private final java.util.concurrent.atomic.AtomicLong seatsVersion = new java.util.concurrent.atomic.AtomicLong();
    /** How many connections delivering room messages has looked at (tests: a room's delivery visits its members only). */
    private final java.util.concurrent.atomic.LongAdder deliveryVisits = new java.util.concurrent.atomic.LongAdder();
    /** Chat lines delivered from the sender's thread, not through the event bus (tests: ADR 0031's direct path). */
    private final java.util.concurrent.atomic.LongAdder directDeliveries = new java.util.concurrent.atomic.LongAdder();
    /**
     * By room, the events this node published through the event bus that its own consumer has not
     * handled yet. While a room has none, a chat line in it goes straight to this node's members from
     * the sender's thread (one thread hop fewer): nothing this node said earlier in that room — a
     * departure, a removal, a line that took the bus — can still be on its way to be overtaken.
     * Lines delivered straight away are not counted (this node's members have them already), and
     * rooms do not wait for each other (docs/adr/0031, addendum).
     */
    private final Map<String, Integer> ownInFlight = new ConcurrentHashMap<>();
    /** The event-bus header naming the node that published a room event. */
    static final String ORIGIN_HEADER = "hearth-origin";
    /** The header set when the publishing node has already delivered the event to its own members. */
    static final String DELIVERED_HERE_HEADER = "hearth-delivered-here";
    /** Room-socket messages handled outside the hub, by type (see {@link #handle}). */
    private final Map<String, ExtraHandler> extraHandlers = new ConcurrentHashMap<>();
    /** Rooms and clinics with a push pending: many changes in a burst cost one re-read. */
    private final Set<String> pendingRooms = ConcurrentHashMap.newKeySet();
    private final Set<String> pendingClinics = ConcurrentHashMap.newKeySet();
    /** Safety checks already audited as read by a host on this node: viewer/room/patient. */
    private final Set<String> auditedReads = ConcurrentHashMap.newKeySet();
    /** Waiting patients already told that a host connection saw them: hostConnection/room/patient/patientConnection. */
    private final Set<String> seenTold = ConcurrentHashMap.newKeySet();
    private final List<Long> timers = new ArrayList<>();
    private MessageConsumer<JsonObject> consumer;
    /** Set when the node shuts down: cluster callbacks that arrive later find its pools closed. */
    private volatile boolean stopped;
    /** When the last heartbeat ran: a much later one means this process itself was stalled. */
    private volatile long lastHeartbeatMillis;
    /** The node's metrics (docs/adr/0025); none until the node sets them. */
    private volatile RoomMetrics metrics = RoomMetrics.NONE;
    /** Rooms with a roster push pending: when the earliest change behind it was published (epoch µs). */
    private final Map<String, Long> pendingSince = new ConcurrentHashMap<>();
    /** The event-bus header with the publish time (epoch µs) of a room event: fan-out and roster-push latency. */
    static final String SENT_AT_HEADER = "hearth-sent-at";

    /** @param seats null: dropped by a patch that could not apply (a read begun before it must not come back) */
    private record KnownSeats(long version, List<Seat> seats) {
    }

    /** One connection of this node and what it is part of. */
    private static final class Local {
        final Connection connection;
        final Map<String, Instant> rooms = new ConcurrentHashMap<>(); // roomId → closesAt
        final RateBucket rate;
        volatile String lobbyScope;
        volatile long lastHeardMillis;
        /** This connection's seat per room as last read from the cluster: what a merge re-asserts. */
        final Map<String, Seat> lastSeats = new ConcurrentHashMap<>();
        /**
         * Rooms in which this node has told this connection "admitted": from then on it gets what goes
         * to the room's admitted members, even before this node's known seats show the admission
         * (an admitted seat never goes back to waiting; leaving the room clears it).
         */
        final Set<String> toldAdmitted = ConcurrentHashMap.newKeySet();
        /** Closed for flooding: the rest of what it sent is not even read. */
        volatile boolean flooded;
        /** When the heartbeat last pinged it (only connections silent for a ping interval are pinged). */
        volatile long lastPingedMillis;
        /** The last lobby snapshot pushed to it, as sent: an unchanged board is not sent again. */
        volatile String lastLobby;

        Local(Connection connection, int perSecond, int burst, long now) {
            this.connection = connection;
            this.rate = new RateBucket(perSecond, burst, now);
            this.lastHeardMillis = now;
        }

        Actor actor() {
            return connection.actor();
        }
    }

    public RoomHub(Vertx vertx, PresenceStore presence, RoomDirectory directory, RoomRecords records, AuditLog audit,
                   RoomConfig config, WsSchema schema, MediaPlan media,
                   app.hearth.room.exercise.ExerciseConductor exercises, String nodeId, Clock clock) {
        this.media = media;
        // Offers from a circle's media server reach their person like any other delivered message.
        this.circles = new BridgedCircles(vertx, presence, media.circleServer(), nodeId,
                (clinicId, roomId, people, message) -> publish(RoomEvent.deliver(clinicId, roomId, people, message)),
                java.time.Duration.ofSeconds(20));
        this.exercises = exercises;
        this.vertx = vertx;
        this.presence = presence;
        this.directory = directory;
        this.records = records;
        this.audit = audit;
        this.config = config;
        this.schema = schema;
        this.nodeId = nodeId;
        this.clock = clock;
    }

    public RoomConfig config() {
        return config;
    }

    public String nodeId() {
        return nodeId;
    }

    public Future<Void> start() {
        consumer = vertx.eventBus().<JsonObject>consumer(EventBusAddresses.ROOM_EVENTS, message -> {
            boolean ours = nodeId.equals(message.headers().get(ORIGIN_HEADER));
            if (ours && message.headers().contains(DELIVERED_HERE_HEADER)) {
                return; // its members here already have it; other nodes deliver theirs
            }
            try {
                app.hearth.platform.logging.RequestIds.receive(message, () -> onEvent(message.body(), sentAt(message)));
            } finally {
                if (ours) {
                    ownInFlight.computeIfPresent(inFlightKey(message.body().getString("roomId")), (k, n) -> n == 1 ? null : n - 1);
                }
            }
        });
        presence.onExpired(seat -> publish(RoomEvent.changed(seat.clinicId(), seat.roomId())));
        // A short tick that only compares times; pings go to connections silent for a ping interval
        // (a browser sends its own pings every 3 s, so in practice only idle clients are pinged).
        timers.add(vertx.setPeriodic(heartbeatTickMillis(), id -> heartbeat()));
        timers.add(vertx.setPeriodic(Math.max(1000, config.seatTtl().toMillis() / 3), id -> refreshSeats()));
        timers.add(vertx.setPeriodic(5000, id -> closeEndedRooms()));
        return consumer.completion().compose(v -> circles.start());
    }

    /** Closes this node's connections (going away); their seats wait out the grace elsewhere. */
    public Future<Void> stop() {
        stopped = true;
        timers.forEach(vertx::cancelTimer);
        locals.values().forEach(l -> l.connection.close((short) 1001, "server shutting down"));
        Future<Void> unregistered = consumer == null ? Future.succeededFuture() : consumer.unregister();
        return Future.join(unregistered, circles.stop()).mapEmpty();
    }

    // ------------------------------------------------------------------ connections

    public void opened(Connection connection) {
        long now = clock.millis();
        locals.put(connection.id(), new Local(connection, config.messagesPerSecond(), config.messageBurst(), now));
        Actor actor = connection.actor();
        connection.send(new JsonObject().put("type", "welcome").put("protocol", 1).put("connectionId", connection.id())
                .put("person", new JsonObject().put("id", actor.personId()).put("role", actor.role().wire()))
                .put("serverTime", now)
                .put("limits", new JsonObject().put("maxMessageBytes", config.maxMessageBytes())
                        .put("messagesPerSecond", config.messagesPerSecond()).put("messageBurst", config.messageBurst())
                        .put("heartbeatMs", config.pingInterval().toMillis())
                        .put("restingHeartbeatMs", config.restingPingInterval().toMillis())));
    }

    /** Any sign of life from the browser (a message, a pong): keeps the connection from being taken for dead. */
    public void heard(String connectionId) {
        Local local = locals.get(connectionId);
        if (local != null) {
            local.lastHeardMillis = clock.millis();
        }
    }

    /** The socket closed (either side). Its seats are kept for the reconnect grace, then removed. */
    public void closed(String connectionId) {
        Local local = locals.remove(connectionId);
        if (local == null) {
            return;
        }
        List<String> rooms = List.copyOf(local.rooms.keySet());
        rooms.forEach(roomId -> unindex(local, roomId));
        unwatch(local);
        if (stopped) {
            return; // shutting down: the survivors adopt this node's seats when it leaves the cluster
        }
        for (String roomId : rooms) {
            markReconnecting(roomId, local.actor().personId(), connectionId, 0);
        }
    }

    public void received(String connectionId, String text) {
        Local local = locals.get(connectionId);
        if (local == null) {
            return;
        }
        if (local.flooded) {
            return;
        }
        local.lastHeardMillis = clock.millis();
        switch (local.rate.admit(clock.millis())) {
            case OVER -> {
                error(local, null, WsErrorCode.RATE_LIMITED, "Too many messages: at most " + config.messagesPerSecond() + " per second");
                return;
            }
            case FLOOD -> {
                // Once per connection: whatever it still sends until the close completes is dropped unread.
                local.flooded = true;
                LOG.info("Room socket closed for flooding: person {}, over {} messages per second for too long",
                        local.actor().personId(), config.messagesPerSecond());
                error(local, null, WsErrorCode.RATE_LIMITED, "Too many messages; the connection is closed");
                local.connection.closeUnread((short) 1008, "rate limit");
                return;
            }
            default -> { }
        }
        if (text.length() > config.maxMessageBytes() || text.getBytes(StandardCharsets.UTF_8).length > config.maxMessageBytes()) {
            error(local, null, WsErrorCode.MESSAGE_TOO_LARGE, "Messages are at most " + config.maxMessageBytes() + " bytes");
            return;
        }
        JsonObject message;
        try {
            Object parsed = io.vertx.core.json.Json.decodeValue(text);
            if (!(parsed instanceof JsonObject object)) {
                error(local, null, WsErrorCode.MALFORMED_JSON, "Send one JSON object per message");
                return;
            }
            message = object;
        } catch (DecodeException e) {
            error(local, null, WsErrorCode.MALFORMED_JSON, "The message could not be parsed as JSON");
            return;
        }
        String id = message.getValue("id") instanceof String s && !s.isEmpty() && s.length() <= 64 ? s : null;
        Optional<WsSchema.Violation> violation = schema.checkClient(message);
        if (violation.isPresent()) {
            WsSchema.Violation v = violation.get();
            send(local, errorMessage(id, v.code(), v.message(), v.field()));
            return;
        }
        Future<JsonObject> reply;
        try {
            reply = dispatch(local, message);
        } catch (RuntimeException e) {
            reply = Future.failedFuture(e);
        }
        reply.onComplete(done -> {
            if (done.succeeded()) {
                if (done.result() != null) {
                    send(local, done.result().put("id", id));
                }
            } else if (done.cause() instanceof RoomException refused) {
                error(local, id, refused.code(), refused.getMessage());
            } else {
                LOG.warn("Room request {} failed: {}", message.getString("type"), done.cause().toString());
                error(local, id, WsErrorCode.UNAVAILABLE, "That did not work just now; please try again");
            }
        });
    }

    private Future<JsonObject> dispatch(Local local, JsonObject m) {
        return switch (m.getString("type")) {
            case "ping" -> Future.succeededFuture(new JsonObject().put("type", "pong").put("clientTime", m.getValue("clientTime"))
                    .put("serverTime", clock.millis()));
            case "room.join" -> join(local, m.getString("joinTicket"));
            case "room.leave" -> leave(local, m.getString("roomId"));
            case "device.check" -> ownSeat(local, m.getString("roomId"), seat ->
                    seat.withDevicesChecked(m.getBoolean("camera") && m.getBoolean("microphone"))).map(s -> ok());
            case "gate.submit" -> submitGate(local, m);
            case "host.admit" -> admit(local, m.getString("roomId"), m.getString("personId"));
            case "host.deny" -> turnAway(local, m.getString("roomId"), m.getString("personId"), "denied", m.getString("reason"));
            case "host.remove" -> turnAway(local, m.getString("roomId"), m.getString("personId"), "removed", null);
            case "host.end" -> end(local, m.getString("roomId"));
            case "chat.send" -> chat(local, m.getString("roomId"), m.getString("text"));
            case "lobby.watch" -> watchLobby(local, m.getString("scope"));
            case "rtc.config" -> rtcConfig(local, m.getString("roomId"));
            case "rtc.signal" -> relaySignal(local, m);
            case "rtc.bridge.join" -> bridgedSeat(local, m.getString("roomId")).compose(seat -> circles.join(seat)).map(v -> ok());
            case "rtc.bridge.answer" -> bridgedSeat(local, m.getString("roomId"))
                    .compose(seat -> circles.answer(seat, m.getString("sdp"))).map(v -> ok());
            case "rtc.bridge.candidate" -> bridgedSeat(local, m.getString("roomId"))
                    .compose(seat -> circles.candidate(seat, m.getString("candidate"))).map(v -> ok());
            case "media.state" -> ownSeat(local, m.getString("roomId"), seat -> seat.withMedia(m.getJsonObject("media")))
                    .map(s -> ok());
            case "exercise.command" -> exerciseCommand(local, m);
            case "circle.support.request" -> supportRequest(local, m.getString("roomId"));
            case "circle.support.acknowledge" -> supportAcknowledge(local, m.getString("roomId"), m.getString("requestId"));
            case "circle.breakout.start" -> breakoutStart(local, m.getString("roomId"), m.getString("patientId"));
            case "circle.breakout.end" -> breakoutEnd(local, m.getString("roomId"), m.getString("breakoutId"));
            default -> {
                ExtraHandler extra = extraHandlers.get(m.getString("type"));
                yield extra == null ? Future.failedFuture(new RoomException(WsErrorCode.UNKNOWN_TYPE, "Unknown message type"))
                        : extra.handle(local.actor(), m);
            }
        };
    }

    // ------------------------------------------------------------------ extension point

    /**
     * A room-socket request that another module answers (e.g. the clinical record's {@code care.watch}):
     * it gets the caller and the schema-checked message and returns the reply (its id is added here),
     * or fails with a {@link RoomException}. Rooms know nothing of what it does.
     */
    @FunctionalInterface
    public interface ExtraHandler {
        Future<JsonObject> handle(Actor actor, JsonObject message);
    }

    /** Registers the handler of a client message type the hub does not know itself (before the node serves). */
    public void handle(String type, ExtraHandler handler) {
        if (extraHandlers.putIfAbsent(type, handler) != null) {
            throw new IllegalStateException("a handler for " + type + " is registered already");
        }
    }

    /** Whether the person has an open socket on this node (so a push needs no store read otherwise). */
    public boolean connectedHere(String clinicId, String personId) {
        return locals.values().stream().anyMatch(l -> l.actor().personId().equals(personId) && l.actor().clinicId().equals(clinicId));
    }

    // ------------------------------------------------------------------ issue 15: reaching people by email

    /** Who is connected anywhere (the socket layer keeps it); in memory until the node sets the cluster's. */
    private volatile app.hearth.room.presence.LiveConnections liveConnections = app.hearth.room.presence.LiveConnections.inMemory();
    /** Told of each new support request (a circle's "I need support"), on the node that stored it. */
    private volatile SupportListener supportListener = (seat, requestId) -> { };

    /** A patient asked for support: the request is stored on their seat and the hosts were told live. */
    @FunctionalInterface
    public interface SupportListener {
        void requested(Seat asker, String requestId);
    }

    public void trackConnections(app.hearth.room.presence.LiveConnections live) {
        this.liveConnections = live;
    }

    public app.hearth.room.presence.LiveConnections liveConnections() {
        return liveConnections;
    }

    public void onSupportRequested(SupportListener listener) {
        this.supportListener = listener;
    }

    /** The seats whose connection this node holds (or held), from the cluster's presence. */
    public Future<List<Seat>> seatsHere() {
        return presence.onNode(nodeId);
    }

    /** Sends a message to every open socket of the person on this node; @return how many got it. */
    public int sendToPerson(String clinicId, String personId, JsonObject message) {
        int sent = 0;
        for (Local local : locals.values()) {
            if (local.actor().personId().equals(personId) && local.actor().clinicId().equals(clinicId)) {
                send(local, message);
                sent++;
            }
        }
        return sent;
    }

    // ------------------------------------------------------------------ joining and leaving

    private Future<JsonObject> join(Local local, String ticket) {
        Actor actor = local.actor();
        Instant now = clock.instant();
        return directory.redeem(actor, ticket).compose(access -> {
            Instant closesAt = access.end().plus(config.closeGrace());
            if (!now.isBefore(closesAt)) {
                throw new RoomException(WsErrorCode.ROOM_CLOSED, "This session's room has closed");
            }
            return records.isEnded(access.clinicId(), access.roomId()).compose(ended -> {
                if (ended) {
                    throw new RoomException(WsErrorCode.ROOM_ENDED, "Your therapist has ended this session");
                }
                return records.safetyCheck(access.clinicId(), access.roomId(), access.personId());
            }).compose(check -> seatFor(local, access, closesAt, check.orElse(null), 0)).map(result -> {
                enter(local, access.roomId(), closesAt);
                publish(RoomEvent.changed(access.clinicId(), access.roomId()));
                if (result.seat().stage() == Seat.Stage.ADMITTED) {
                    // After the reply: a late joiner lands on the current step and moment.
                    vertx.setTimer(1, id -> sendExercise(local, access.roomId()));
                }
                if (result.seat().breakout() != null) {
                    // Back (a reload, a dropped connection) during a private breakout: into its call again.
                    vertx.setTimer(1, id -> send(local, breakoutStarted(result.seat())));
                }
                JsonObject joined = new JsonObject().put("type", "room.joined")
                        .put("room", new JsonObject().put("roomId", access.roomId()).put("appointmentId", access.appointmentId())
                                .put("appointmentType", access.appointmentType()).put("start", access.start().toString())
                                .put("end", access.end().toString()).put("closesAt", closesAt.toString())
                                .put("hosts", hostsOf(access)))
                        .put("you", participant(result.seat(), result.seat().host() || result.seat().personId().equals(actor.personId())))
                        .put("resumed", result.resumed());
                if (access.emergencyContactOnFile() != null) {
                    joined.put("emergencyContactOnFile", access.emergencyContactOnFile());
                }
                return joined;
            });
        });
    }

    private record Seated(Seat seat, boolean resumed) {
    }

    /** The appointment's therapists by name, in the appointment's order (issue 14: whom the patient waits for). */
    private static JsonArray hostsOf(RoomAccess access) {
        JsonArray hosts = new JsonArray();
        for (String id : access.therapistIds()) {
            String name = access.hostNames().get(id);
            if (name != null) {
                hosts.add(new JsonObject().put("personId", id).put("displayName", name));
            }
        }
        return hosts;
    }

    /**
     * Tells each waiting, ready patient whom this host's live connection has just been shown them to
     * (their board or the room's waiting list): the waiting room then says the therapist knows, and
     * only then. Once per host connection and patient connection; delivered on the patient's node.
     */
    private void tellWaitingSeen(Local viewer, LobbyView view) {
        tellWaitingSeen(viewer, view.of(viewer.actor().personId()));
    }

    private void tellWaitingSeen(Local viewer, List<Seat> seats) {
        String host = viewer.actor().personId();
        for (Seat seat : seats) {
            if (seat.host() || seat.stage() != Seat.Stage.WAITING || !seat.gateDone() || !seat.hostIds().contains(host)
                    || seat.link() != Seat.Link.CONNECTED) {
                continue;
            }
            if (seenTold.size() > 10_000) {
                seenTold.clear(); // only a de-duplication: telling a patient twice is harmless
            }
            if (seenTold.add(viewer.connection.id() + "/" + seat.roomId() + "/" + seat.personId() + "/" + seat.connectionId())) {
                publish(RoomEvent.deliver(seat.clinicId(), seat.roomId(), List.of(seat.personId()), new JsonObject()
                        .put("type", "room.waiting.seen").put("roomId", seat.roomId()).put("by", host)));
            }
        }
    }

    /** Takes over the person's kept seat (no re-admission) or makes a new one. */
    private Future<Seated> seatFor(Local local, RoomAccess access, Instant closesAt, JsonObject safetyOnRecord, int attempt) {
        if (attempt >= CAS_ATTEMPTS) {
            return Future.failedFuture(new RoomException(WsErrorCode.UNAVAILABLE, "The room is busy; please try again"));
        }
        Instant now = clock.instant();
        String connectionId = local.connection.id();
        return presence.get(access.roomId(), access.personId()).compose(existing -> {
            if (existing.isPresent()) {
                Seat kept = existing.get();
                Seat next = kept.connected(nodeId, connectionId, now);
                return presence.replace(kept, next).compose(done -> {
                    if (!done) {
                        return seatFor(local, access, closesAt, safetyOnRecord, attempt + 1);
                    }
                    if (kept.link() == Seat.Link.CONNECTED && !connectionId.equals(kept.connectionId())) {
                        // A second tab or device: the newer connection wins, the older one is told and closed.
                        publish(RoomEvent.replaced(kept.clinicId(), kept.roomId(), kept.personId(), kept.connectionId()));
                    }
                    return Future.succeededFuture(new Seated(next, true));
                });
            }
            boolean host = access.therapistIds().contains(access.personId());
            Seat.Stage stage = host ? Seat.Stage.ADMITTED : safetyOnRecord != null ? Seat.Stage.WAITING : Seat.Stage.ONLINE;
            Seat fresh = new Seat(access.clinicId(), access.roomId(), access.appointmentId(), access.appointmentType(),
                    access.start(), access.end(), closesAt, access.personId(), access.displayName(), access.role(),
                    access.therapistIds(), stage, Seat.Link.CONNECTED, nodeId, connectionId, host, safetyOnRecord, now, now, null);
            return presence.putIfAbsent(fresh).compose(done -> done ? Future.succeededFuture(new Seated(fresh, false))
                    : seatFor(local, access, closesAt, safetyOnRecord, attempt + 1));
        });
    }

    private Future<JsonObject> leave(Local local, String roomId) {
        exit(local, roomId);
        return presence.get(roomId, local.actor().personId()).compose(seat -> {
            if (seat.isEmpty() || !local.connection.id().equals(seat.get().connectionId())) {
                return Future.succeededFuture(ok());
            }
            return presence.remove(seat.get()).map(done -> {
                publish(RoomEvent.changed(seat.get().clinicId(), roomId));
                return ok();
            });
        });
    }

    private void markReconnecting(String roomId, String personId, String connectionId, int attempt) {
        presence.get(roomId, personId).onSuccess(found -> {
            if (found.isEmpty() || !connectionId.equals(found.get().connectionId()) || found.get().link() != Seat.Link.CONNECTED) {
                return; // replaced by a newer connection, or already handled
            }
            Seat seat = found.get();
            Seat dropped = seat.reconnecting(nodeId, clock.instant());
            presence.replace(seat, dropped).onSuccess(done -> {
                if (!done) {
                    if (attempt < CAS_ATTEMPTS) {
                        markReconnecting(roomId, personId, connectionId, attempt + 1);
                    }
                    return;
                }
                publish(RoomEvent.changed(seat.clinicId(), roomId));
                expireAfterGrace(dropped);
            });
        }).onFailure(e -> LOG.warn("Could not mark a seat reconnecting: {}", e.toString()));
    }

    /** Removes the seat once its grace is over, unless someone came back (or it changed) meanwhile. */
    private void expireAfterGrace(Seat dropped) {
        long left = Math.max(1, dropped.linkChangedAt().plus(config.reconnectGrace()).toEpochMilli() - clock.millis());
        vertx.setTimer(left, id -> presence.remove(dropped).onSuccess(removed -> {
            if (removed) {
                publish(RoomEvent.changed(dropped.clinicId(), dropped.roomId()));
            }
        }).onFailure(e -> LOG.warn("Could not expire a seat: {}", e.toString())));
    }

    /**
     * A cluster member left (crashed or shut down): its connections are gone. Survivors adopt its
     * seats as "reconnecting" (one wins each seat by compare-and-set) and expire them after the
     * grace, so the people can come back through another node and nobody stays behind as a ghost.
     *
     * @param detectionDelay how long the cluster takes to notice a silent member: its browsers have
     *                       been cut off at least that long, which counts against their grace
     */
    public void nodeLeft(String deadNodeId, java.time.Duration detectionDelay) {
        if (stopped || deadNodeId == null || deadNodeId.equals(nodeId)) {
            return;
        }
        circles.nodeLeft(deadNodeId);
        presence.onNode(deadNodeId).onSuccess(seats -> {
            for (Seat seat : seats) {
                Instant cutOff = clock.instant().minus(detectionDelay);
                Instant since = seat.link() == Seat.Link.RECONNECTING && seat.linkChangedAt().isBefore(cutOff)
                        ? seat.linkChangedAt() : cutOff;
                Seat adopted = seat.reconnecting(nodeId, since);
                presence.replace(seat, adopted).onSuccess(done -> {
                    if (done) {
                        publish(RoomEvent.changed(seat.clinicId(), seat.roomId()));
                        expireAfterGrace(adopted);
                    }
                });
            }
        }).onFailure(e -> LOG.warn("Could not adopt the seats of a departed node: {}", e.toString()));
    }

    // ------------------------------------------------------------------ the patient's checks

    /** Changes the caller's own seat in a room (held by this very connection). */
    private Future<Seat> ownSeat(Local local, String roomId, Function<Seat, Seat> change) {
        return changeSeat(roomId, local.actor().personId(), seat -> {
            if (!local.connection.id().equals(seat.connectionId())) {
                throw new RoomException(WsErrorCode.NOT_IN_ROOM, "Join the room on this connection first");
            }
            return change.apply(seat);
        }, 0).onSuccess(seat -> publish(RoomEvent.changed(seat.clinicId(), roomId)));
    }

    private Future<Seat> changeSeat(String roomId, String personId, Function<Seat, Seat> change, int attempt) {
        if (attempt >= CAS_ATTEMPTS) {
            return Future.failedFuture(new RoomException(WsErrorCode.UNAVAILABLE, "The room is busy; please try again"));
        }
        return presence.get(roomId, personId).compose(found -> {
            Seat seat = found.orElseThrow(() -> new RoomException(WsErrorCode.NOT_IN_ROOM, "Join the room first"));
            Seat next = change.apply(seat);
            if (next.equals(seat)) {
                return Future.succeededFuture(seat);
            }
            return presence.replace(seat, next).compose(done -> done ? Future.succeededFuture(next)
                    : changeSeat(roomId, personId, change, attempt + 1));
        });
    }

    private Future<JsonObject> submitGate(Local local, JsonObject m) {
        Actor actor = local.actor();
        if (!actor.is(Role.PATIENT)) {
            return Future.failedFuture(new RoomException(WsErrorCode.FORBIDDEN, "The safety check is for patients"));
        }
        JsonObject check = new JsonObject().put("address", m.getString("address").strip())
                .put("emergencyContact", m.getJsonObject("emergencyContact")).put("privateAndNotDriving", true)
                .put("confirmedAt", clock.instant().toString());
        if (m.containsKey("geolocation")) {
            check.put("geolocation", m.getJsonObject("geolocation"));
        }
        String roomId = m.getString("roomId");
        return presence.get(roomId, actor.personId()).compose(found -> {
            Seat seat = found.filter(s -> local.connection.id().equals(s.connectionId()))
                    .orElseThrow(() -> new RoomException(WsErrorCode.NOT_IN_ROOM, "Join the room on this connection first"));
            return records.saveSafetyCheck(seat.clinicId(), roomId, seat.appointmentId(), actor.personId(), check)
                    .compose(v -> audit.record(AuditEntry.of(actor, clock.instant(), "safety-check.write", "appointment",
                            seat.appointmentId(), Outcome.SUCCESS)));
        }).compose(v -> ownSeat(local, roomId, seat -> {
            Seat checked = seat.withSafety(check);
            return checked.stage() == Seat.Stage.ONLINE ? checked.withStage(Seat.Stage.WAITING, clock.instant()) : checked;
        })).map(seat -> ok());
    }

    // ------------------------------------------------------------------ host controls

    /** The target's seat, when the caller hosts its room; other clinics' rooms look like no room at all. */
    private Future<Seat> hostedSeat(Actor actor, String roomId, String personId) {
        return presence.get(roomId, personId).map(found -> {
            Seat seat = found.filter(s -> s.clinicId().equals(actor.clinicId()))
                    .orElseThrow(() -> new RoomException(WsErrorCode.NOT_FOUND, "That person is not in this room"));
            if (!seat.hostIds().contains(actor.personId())) {
                throw new RoomException(WsErrorCode.FORBIDDEN, "Only the session's therapist can do this");
            }
            return seat;
        });
    }

    private Future<JsonObject> admit(Local local, String roomId, String personId) {
        Actor actor = local.actor();
        return hostedSeat(actor, roomId, personId).compose(target -> changeSeat(roomId, personId, seat -> {
            if (seat.stage() == Seat.Stage.ADMITTED) {
                return seat;
            }
            if (!seat.gateDone()) {
                throw new RoomException(WsErrorCode.GATE_INCOMPLETE,
                        "They have not confirmed their location and emergency contact for this session yet");
            }
            return seat.withStage(Seat.Stage.ADMITTED, clock.instant());
        }, 0)).compose(seat -> audit.record(AuditEntry.of(actor, clock.instant(), "room.admit", "appointment",
                seat.appointmentId(), Outcome.SUCCESS)).map(v -> {
                    publish(RoomEvent.admitted(seat.clinicId(), roomId, personId));
                    return ok();
                }));
    }

    /** Deny (before admission) or remove (after): the seat goes; the person is told why. */
    private Future<JsonObject> turnAway(Local local, String roomId, String personId, String reason, String message) {
        Actor actor = local.actor();
        return hostedSeat(actor, roomId, personId).compose(seat -> {
            if (seat.host()) {
                throw new RoomException(WsErrorCode.FORBIDDEN, "A session's therapist cannot be removed");
            }
            if ("denied".equals(reason) && seat.stage() == Seat.Stage.ADMITTED) {
                throw new RoomException(WsErrorCode.FORBIDDEN, "They are already in the room: remove them instead");
            }
            if ("removed".equals(reason) && seat.stage() != Seat.Stage.ADMITTED) {
                throw new RoomException(WsErrorCode.FORBIDDEN, "They are not in the room yet: deny them instead");
            }
            return presence.remove(seat).compose(removed -> {
                if (!removed) {
                    throw new RoomException(WsErrorCode.UNAVAILABLE, "Their state just changed; please try again");
                }
                return audit.record(AuditEntry.of(actor, clock.instant(), "room." + ("denied".equals(reason) ? "deny" : "remove"),
                        "appointment", seat.appointmentId(), Outcome.SUCCESS));
            }).map(v -> {
                publish(RoomEvent.left(seat.clinicId(), roomId, personId, reason, message));
                return ok();
            });
        });
    }

    private Future<JsonObject> end(Local local, String roomId) {
        Actor actor = local.actor();
        return presence.inRoom(roomId).compose(seats -> {
            Seat any = seats.stream().filter(s -> s.clinicId().equals(actor.clinicId())).findFirst()
                    .orElseThrow(() -> new RoomException(WsErrorCode.NOT_FOUND, "Nobody is in that room"));
            if (!any.hostIds().contains(actor.personId())) {
                throw new RoomException(WsErrorCode.FORBIDDEN, "Only the session's therapist can end it");
            }
            // Recorded first: from here on nobody can enter, even someone joining right now.
            Instant at = clock.instant();
            return records.markEnded(any.clinicId(), roomId, any.appointmentId(), actor.personId(), at)
                    // The appointment shows it (lists read "Ended"); the room is closed by the record above
                    // even if this fails, so a failure here is logged, not the host's problem.
                    .compose(v -> directory.sessionEnded(any.clinicId(), any.appointmentId(), actor.personId(), at)
                            .recover(e -> {
                                LOG.warn("appointment {} not marked as ended: {}", any.appointmentId(), e.toString());
                                return Future.succeededFuture();
                            }))
                    .compose(v -> audit.record(AuditEntry.of(actor, clock.instant(), "room.end", "appointment",
                            any.appointmentId(), Outcome.SUCCESS)))
                    .compose(v -> Future.join(seats.stream().map(presence::remove).toList()))
                    .map(v -> {
                        // No message: each page says it in its own words (and goes on to what follows).
                        publish(RoomEvent.ended(any.clinicId(), roomId, any.appointmentId()));
                        return ok();
                    });
        });
    }

    // ------------------------------------------------------------------ chat and lobby

    private Future<JsonObject> chat(Local local, String roomId, String text) {
        Actor actor = local.actor();
        String line = text.strip();
        if (line.isEmpty()) {
            return Future.failedFuture(new RoomException(WsErrorCode.INVALID_MESSAGE, "A chat line cannot be blank"));
        }
        // The room's seats as this node knows them (read on the last change, patched by admissions and
        // departures); a sender they do not show admitted is looked up in the store, as before.
        List<Seat> known = local.rooms.containsKey(roomId) ? knownSeats(roomId) : null;
        Future<List<Seat>> seatsNow = known != null && known.stream().anyMatch(s -> s.personId().equals(actor.personId())
                && s.stage() == Seat.Stage.ADMITTED) ? Future.succeededFuture(known) : readSeats(roomId);
        return seatsNow.map(seats -> {
            Seat mine = seats.stream().filter(s -> s.personId().equals(actor.personId())).findFirst()
                    .filter(s -> s.stage() == Seat.Stage.ADMITTED)
                    .orElseThrow(() -> new RoomException(WsErrorCode.NOT_IN_ROOM, "You can chat once you are in the room"));
            List<String> recipients = seats.stream().filter(s -> s.stage() == Seat.Stage.ADMITTED).map(Seat::personId).toList();
            RoomEvent event = RoomEvent.toAdmitted(mine.clinicId(), roomId, recipients, new JsonObject().put("type", "chat.message")
                    .put("roomId", roomId).put("from", new JsonObject().put("personId", mine.personId())
                            .put("displayName", mine.displayName()))
                    .put("text", line).put("sentAt", clock.instant().toString()));
            if (!ownInFlight.containsKey(inFlightKey(roomId))) {
                directDeliveries.increment();
                long sentAt = micros(clock.instant());
                deliverHere(event, sentAt);
                publish(event, true);
            } else {
                publish(event);
            }
            return ok();
        });
    }

    private Future<JsonObject> watchLobby(Local local, String scope) {
        Actor actor = local.actor();
        if (actor.is(Role.PATIENT)) {
            return Future.failedFuture(new RoomException(WsErrorCode.FORBIDDEN, "The waiting room board is for the care team"));
        }
        local.lobbyScope = scope;
        watchersByClinic.compute(actor.clinicId(), (k, set) -> {
            Set<Local> watchers = set == null ? ConcurrentHashMap.newKeySet() : set;
            watchers.add(local);
            return watchers;
        });
        return presence.inClinic(actor.clinicId()).map(seats -> {
            LobbyView view = new LobbyView(actor.clinicId(), seats);
            JsonObject snapshot = lobbySnapshot(local, view);
            local.lastLobby = snapshot.encode(); // the reply is the board: a push of the same is not sent
            tellWaitingSeen(local, view);
            return snapshot;
        });
    }

    // ------------------------------------------------------------------ media negotiation

    /** The caller's admitted seat in the room, held by this connection. */
    private Future<Seat> admittedSeat(Local local, String roomId) {
        return presence.get(roomId, local.actor().personId()).map(found -> found
                .filter(s -> s.stage() == Seat.Stage.ADMITTED && local.connection.id().equals(s.connectionId()))
                .orElseThrow(() -> new RoomException(WsErrorCode.NOT_IN_ROOM, "Media starts once you are in the room")));
    }

    private Future<JsonObject> rtcConfig(Local local, String roomId) {
        String me = local.actor().personId();
        return admittedSeat(local, roomId).compose(mine -> presence.inRoom(roomId).map(seats -> {
            // The mesh is the first participants admitted; later ones need a media server.
            if (mine.breakout() != null) {
                // In a private breakout: the 1:1 call of circle.breakout.started, nobody of the circle.
                return new JsonObject().put("type", "rtc.config").put("roomId", roomId).put("maxMeshSize", MediaPlan.MAX_MESH_SIZE)
                        .put("iceServers", media.iceServers(me, roomId)).put("iceTransportPolicy", "all")
                        .put("mode", "mesh").put("peers", new JsonArray());
            }
            List<Seat> admitted = seats.stream().filter(s -> s.stage() == Seat.Stage.ADMITTED && s.breakout() == null)
                    .sorted(java.util.Comparator.comparing(Seat::since).thenComparing(Seat::personId)).toList();
            List<Seat> mesh = admitted.subList(0, Math.min(MediaPlan.MAX_MESH_SIZE, admitted.size()));
            boolean inMesh = mesh.stream().anyMatch(s -> s.personId().equals(me));
            JsonObject reply = new JsonObject().put("type", "rtc.config").put("roomId", roomId)
                    .put("maxMeshSize", MediaPlan.MAX_MESH_SIZE)
                    .put("iceServers", media.iceServers(me, roomId)).put("iceTransportPolicy", "all");
            if (isCircle(mine) && circles.available()) {
                // With a media server every circle uses it, whatever its size: nobody's call is torn
                // down and rebuilt when a fifth person arrives (ADR 0010).
                return reply.put("mode", "sfu").put("peers", new JsonArray());
            }
            if (!inMesh) {
                return reply.put("mode", "none").put("peers", new JsonArray())
                        .put("reason", "Video in this circle is for its first " + MediaPlan.MAX_MESH_SIZE
                                + " participants: larger circles need the clinic's media server, which is not set up. "
                                + "You can still follow the chat and the exercise.");
            }
            return reply.put("mode", "circle".equals(mine.appointmentType()) ? "mesh" : "p2p")
                    .put("peers", new JsonArray(mesh.stream().map(Seat::personId).filter(p -> !p.equals(me)).toList()));
        }));
    }

    private static boolean isCircle(Seat seat) {
        return "circle".equals(seat.appointmentType());
    }

    /** The caller's admitted seat in a circle that goes through a media server. */
    private Future<Seat> bridgedSeat(Local local, String roomId) {
        return admittedSeat(local, roomId).map(seat -> {
            if (!isCircle(seat) || !circles.available()) {
                throw new RoomException(WsErrorCode.FORBIDDEN, "This room's video is peer to peer: use rtc.signal");
            }
            return seat;
        });
    }

    /**
     * Relays an offer, answer or candidate to one other admitted member of the same room, stamped
     * with the sender the server knows (a forged 'from' is impossible: there is none to forge).
     */
    private Future<JsonObject> relaySignal(Local local, JsonObject m) {
        String roomId = m.getString("roomId");
        String to = m.getString("to");
        String breakoutId = m.getString("breakoutId");
        JsonObject description = m.getJsonObject("description");
        JsonObject candidate = m.getJsonObject("candidate");
        JsonArray candidates = m.getJsonArray("candidates");
        if (description != null && !"rollback".equals(description.getString("type")) && !looksLikeSdp(description.getString("sdp"))) {
            return Future.failedFuture(new RoomException(WsErrorCode.INVALID_MESSAGE, "That is not a session description"));
        }
        List<JsonObject> each = candidates != null ? candidates.stream().map(JsonObject.class::cast).toList()
                : candidate != null ? List.of(candidate) : List.of();
        for (JsonObject c : each) {
            if (!c.getString("candidate").isEmpty() && !c.getString("candidate").startsWith("candidate:")) {
                return Future.failedFuture(new RoomException(WsErrorCode.INVALID_MESSAGE, "That is not an ICE candidate"));
            }
        }
        if (to.equals(local.actor().personId())) {
            return Future.failedFuture(new RoomException(WsErrorCode.PEER_NOT_IN_ROOM, "You cannot negotiate with yourself"));
        }
        return admittedSeat(local, roomId).compose(mine -> presence.get(roomId, to).map(peer -> {
            if (peer.filter(p -> p.stage() == Seat.Stage.ADMITTED).isEmpty()) {
                throw new RoomException(WsErrorCode.PEER_NOT_IN_ROOM, "That person is not in this room");
            }
            if (!sameCall(mine, peer.get(), breakoutId)) {
                // A private breakout's two people talk only to each other, and only on its call.
                throw new RoomException(WsErrorCode.PEER_NOT_IN_ROOM, "That person is not in this call");
            }
            JsonObject relayed = new JsonObject().put("type", "rtc.signal").put("roomId", roomId).put("from", mine.personId());
            if (breakoutId != null) {
                relayed.put("breakoutId", breakoutId);
            }
            if (description != null) {
                relayed.put("description", description);
            } else if (candidates != null) {
                relayed.put("candidates", candidates); // one batch stays one message, in its order
            } else {
                relayed.put("candidate", candidate);
            }
            publish(RoomEvent.deliver(mine.clinicId(), roomId, List.of(to), relayed));
            return ok();
        }));
    }

    private static boolean looksLikeSdp(String sdp) {
        return sdp != null && sdp.startsWith("v=0") && sdp.contains("\nm=") && sdp.contains("\no=");
    }

    // ------------------------------------------------------------------ guided exercises

    private Future<JsonObject> exerciseCommand(Local local, JsonObject m) {
        String roomId = m.getString("roomId");
        return admittedSeat(local, roomId).compose(seat -> {
            if (!seat.host()) {
                throw new RoomException(WsErrorCode.FORBIDDEN, "Only the session's therapist runs the exercise");
            }
            return exercises.command(local.actor(), roomId, m).map(state -> {
                publish(new RoomEvent("exercise", seat.clinicId(), roomId, null, null, null, null, List.of(), null));
                return ok();
            }).recover(e -> {
                if (e instanceof RoomException refused && refused.code() == WsErrorCode.STALE_VERSION) {
                    sendExercise(local, roomId); // the host's page catches up with what really runs
                }
                return Future.failedFuture(e);
            });
        });
    }

    private void sendExercise(Local local, String roomId) {
        exercises.current(roomId).onSuccess(state -> state.ifPresent(s -> send(local,
                new JsonObject().put("type", "exercise.state").put("roomId", roomId).put("state", s))))
                .onFailure(e -> LOG.warn("Could not read a room's exercise: {}", e.toString()));
    }

    /** The new state to everyone admitted to the room on this node. */
    private void pushExercise(String roomId) {
        presence.inRoom(roomId).onSuccess(seats -> exercises.current(roomId).onSuccess(state -> state.ifPresent(s -> {
            JsonObject message = new JsonObject().put("type", "exercise.state").put("roomId", roomId).put("state", s);
            for (Local local : inRoomHere(roomId)) {
                String person = local.actor().personId();
                if (local.rooms.containsKey(roomId) && seats.stream().anyMatch(x -> x.personId().equals(person)
                        && x.stage() == Seat.Stage.ADMITTED && local.connection.id().equals(x.connectionId()))) {
                    send(local, message);
                }
            }
        }))).onFailure(e -> LOG.warn("Could not push a room's exercise: {}", e.toString()));
    }

    // ------------------------------------------------------------------ a quiet way to ask for help (circles)

    /**
     * A patient of a circle asks for support: only the circle's hosts are told (a delivered message,
     * no roster change, so the other patients receive nothing at all), and the request waits on the
     * patient's seat until a host acknowledges it. Asking again while it is open re-alerts the hosts
     * with the same request. Nothing but identifiers and times: no reason, no text.
     */
    private Future<JsonObject> supportRequest(Local local, String roomId) {
        Actor actor = local.actor();
        return circleSeat(local, roomId).compose(mine -> {
            if (mine.host() || !actor.is(Role.PATIENT)) {
                return denied(actor, mine, "room.support.request", "Asking for support is for the circle's participants");
            }
            JsonObject open = mine.supportRequest() != null && !mine.supportRequest().getBoolean("acknowledged", false)
                    ? mine.supportRequest() : null;
            Future<JsonObject> stored;
            if (open != null) {
                stored = Future.succeededFuture(open);
            } else {
                JsonObject fresh = new JsonObject().put("requestId", newId("sr")).put("at", clock.instant().toString())
                        .put("acknowledged", false);
                stored = changeSeat(roomId, mine.personId(), seat -> seat.withSupport(supportOf(seat).put("request", fresh)), 0)
                        .compose(seat -> audit.record(AuditEntry.of(actor, clock.instant(), "room.support.request", "appointment",
                                seat.appointmentId(), Outcome.SUCCESS)).map(v -> seat))
                        .map(seat -> {
                            try {
                                supportListener.requested(seat, fresh.getString("requestId"));
                            } catch (RuntimeException e) {
                                LOG.warn("A support request's listener failed: {}", e.getClass().getSimpleName());
                            }
                            return fresh;
                        });
            }
            return stored.map(request -> {
                publish(RoomEvent.deliver(mine.clinicId(), roomId, mine.hostIds(), new JsonObject()
                        .put("type", "circle.support.requested").put("roomId", roomId)
                        .put("requestId", request.getString("requestId")).put("patientId", mine.personId())
                        .put("displayName", mine.displayName()).put("at", request.getString("at"))));
                return ok();
            });
        });
    }

    /** A host has seen a request: the first acknowledgement stands; hosts and (quietly) the patient are told. */
    private Future<JsonObject> supportAcknowledge(Local local, String roomId, String requestId) {
        Actor actor = local.actor();
        return circleSeat(local, roomId).compose(mine -> {
            if (!mine.host()) {
                return denied(actor, mine, "room.support.acknowledge", "Only the circle's facilitators can acknowledge a request");
            }
            return presence.inRoom(roomId).compose(seats -> {
                Seat asker = seats.stream().filter(s -> s.supportRequest() != null
                        && requestId.equals(s.supportRequest().getString("requestId"))).findFirst()
                        .orElseThrow(() -> new RoomException(WsErrorCode.NOT_FOUND, "There is no such request in this circle"));
                return acknowledge(actor, asker, requestId).map(v -> ok());
            });
        });
    }

    /** Marks the request acknowledged (once) and tells the hosts and the patient; a later one changes nothing. */
    private Future<Void> acknowledge(Actor actor, Seat asker, String requestId) {
        java.util.concurrent.atomic.AtomicBoolean first = new java.util.concurrent.atomic.AtomicBoolean();
        return changeSeat(asker.roomId(), asker.personId(), seat -> {
            JsonObject request = seat.supportRequest();
            first.set(false);
            if (request == null || !requestId.equals(request.getString("requestId")) || request.getBoolean("acknowledged", false)) {
                return seat;
            }
            first.set(true);
            JsonObject support = supportOf(seat);
            support.getJsonObject("request").put("acknowledged", true);
            return seat.withSupport(support);
        }, 0).compose(seat -> {
            if (!first.get()) {
                return Future.succeededFuture();
            }
            String at = clock.instant().toString();
            return audit.record(AuditEntry.of(actor, clock.instant(), "room.support.acknowledge", "appointment",
                    seat.appointmentId(), Outcome.SUCCESS)).map(v -> {
                        JsonObject told = new JsonObject().put("type", "circle.support.acknowledged").put("roomId", seat.roomId())
                                .put("requestId", requestId).put("at", at);
                        publish(RoomEvent.deliver(seat.clinicId(), seat.roomId(), seat.hostIds(),
                                told.copy().put("patientId", seat.personId()).put("acknowledgedBy", actor.personId())));
                        // The patient learns only that a facilitator saw it, not who.
                        publish(RoomEvent.deliver(seat.clinicId(), seat.roomId(), List.of(seat.personId()), told));
                        return null;
                    });
        });
    }

    /**
     * A host takes a patient of the circle into a private 1:1 call. Both seats say so (the patient's
     * first: from then on the circle's signalling to either is refused); everyone's roster shows only
     * that the patient is with a facilitator; the two are told to call each other. An open request of
     * the patient counts as acknowledged.
     */
    private Future<JsonObject> breakoutStart(Local local, String roomId, String patientId) {
        Actor actor = local.actor();
        return circleSeat(local, roomId).compose(mine -> {
            if (!mine.host()) {
                return denied(actor, mine, "room.breakout.start", "Only the circle's facilitators can start a private conversation");
            }
            if (mine.breakout() != null) {
                throw new RoomException(WsErrorCode.FORBIDDEN, "You are in a private conversation already: end it first");
            }
            return presence.get(roomId, patientId).compose(found -> {
                Seat patient = found.filter(s -> s.stage() == Seat.Stage.ADMITTED && !s.host() && s.clinicId().equals(actor.clinicId()))
                        .orElseThrow(() -> new RoomException(WsErrorCode.NOT_FOUND, "That participant is not in the circle"));
                if (patient.breakout() != null) {
                    throw new RoomException(WsErrorCode.FORBIDDEN, "They are with a facilitator already");
                }
                String breakoutId = newId("bo");
                String host = mine.personId();
                return changeSeat(roomId, patientId, seat -> {
                    if (seat.breakout() != null && !breakoutId.equals(seat.breakout().getString("breakoutId"))) {
                        throw new RoomException(WsErrorCode.FORBIDDEN, "They are with a facilitator already");
                    }
                    return seat.withSupport(supportOf(seat).put("breakout", new JsonObject().put("breakoutId", breakoutId).put("with", host)));
                }, 0).compose(p -> changeSeat(roomId, host, seat -> seat.withSupport(supportOf(seat)
                        .put("breakout", new JsonObject().put("breakoutId", breakoutId).put("with", patientId))), 0)
                        .recover(e -> clearBreakout(roomId, patientId, breakoutId).transform(x -> Future.failedFuture(e)))
                        .map(h -> p))
                        .compose(p -> audit.record(AuditEntry.of(actor, clock.instant(), "room.breakout.start", "appointment",
                                p.appointmentId(), Outcome.SUCCESS)).map(v -> p))
                        .compose(p -> {
                            JsonObject request = p.supportRequest();
                            Future<Void> acked = request != null && !request.getBoolean("acknowledged", false)
                                    ? acknowledge(actor, p, request.getString("requestId")) : Future.succeededFuture();
                            return acked.recover(e -> Future.succeededFuture()).map(v -> p);
                        })
                        .map(p -> {
                            JsonObject started = new JsonObject().put("type", "circle.breakout.started").put("roomId", roomId)
                                    .put("breakoutId", breakoutId).put("hostId", host).put("patientId", patientId);
                            publish(RoomEvent.deliver(p.clinicId(), roomId, List.of(patientId), started.copy().put("peerId", host)));
                            publish(RoomEvent.deliver(p.clinicId(), roomId, List.of(host), started.copy().put("peerId", patientId)));
                            publish(RoomEvent.changed(p.clinicId(), roomId));
                            return ok();
                        });
            });
        });
    }

    /** A host ends a breakout (theirs or a co-facilitator's): both go back to the circle's call. */
    private Future<JsonObject> breakoutEnd(Local local, String roomId, String breakoutId) {
        Actor actor = local.actor();
        return circleSeat(local, roomId).compose(mine -> {
            if (!mine.host()) {
                return denied(actor, mine, "room.breakout.end", "Only the circle's facilitators can end a private conversation");
            }
            return presence.inRoom(roomId).compose(seats -> {
                List<Seat> in = seats.stream().filter(s -> s.breakout() != null
                        && breakoutId.equals(s.breakout().getString("breakoutId"))).toList();
                if (in.isEmpty()) {
                    throw new RoomException(WsErrorCode.NOT_FOUND, "There is no such private conversation in this circle");
                }
                return Future.all(in.stream().map(s -> clearBreakout(roomId, s.personId(), breakoutId)).toList())
                        .compose(v -> audit.record(AuditEntry.of(actor, clock.instant(), "room.breakout.end", "appointment",
                                mine.appointmentId(), Outcome.SUCCESS)))
                        .map(v -> {
                            publish(RoomEvent.deliver(mine.clinicId(), roomId, in.stream().map(Seat::personId).toList(),
                                    new JsonObject().put("type", "circle.breakout.ended").put("roomId", roomId).put("breakoutId", breakoutId)));
                            publish(RoomEvent.changed(mine.clinicId(), roomId));
                            return ok();
                        });
            });
        });
    }

    /** What tells one of a breakout's two people to call the other. */
    private static JsonObject breakoutStarted(Seat seat) {
        String with = seat.breakout().getString("with");
        return new JsonObject().put("type", "circle.breakout.started").put("roomId", seat.roomId())
                .put("breakoutId", seat.breakout().getString("breakoutId"))
                .put("hostId", seat.host() ? seat.personId() : with).put("patientId", seat.host() ? with : seat.personId())
                .put("peerId", with);
    }

    private Future<Seat> clearBreakout(String roomId, String personId, String breakoutId) {
        return changeSeat(roomId, personId, seat -> {
            if (seat.breakout() == null || !breakoutId.equals(seat.breakout().getString("breakoutId"))) {
                return seat;
            }
            JsonObject support = supportOf(seat);
            support.remove("breakout");
            return seat.withSupport(support);
        }, 0);
    }

    /**
     * A breakout whose other person is no longer in the room (left, removed, gone after the grace)
     * ends for the one still there, on the node that holds their seat: nobody stays cut off from
     * the circle waiting for someone who is gone.
     */
    private void endOrphanedBreakouts(String roomId, List<Seat> seats) {
        for (Seat seat : seats) {
            JsonObject breakout = seat.breakout();
            if (breakout == null || !nodeId.equals(seat.nodeId())) {
                continue;
            }
            String with = breakout.getString("with");
            if (seats.stream().anyMatch(s -> s.personId().equals(with) && s.stage() == Seat.Stage.ADMITTED)) {
                continue;
            }
            String breakoutId = breakout.getString("breakoutId");
            clearBreakout(roomId, seat.personId(), breakoutId).onSuccess(cleared -> {
                publish(RoomEvent.deliver(seat.clinicId(), roomId, List.of(seat.personId()), new JsonObject()
                        .put("type", "circle.breakout.ended").put("roomId", roomId).put("breakoutId", breakoutId)));
                publish(RoomEvent.changed(seat.clinicId(), roomId));
            }).onFailure(e -> LOG.warn("Could not end a breakout whose partner left: {}", e.toString()));
        }
    }

    /** Whether a negotiation message may pass: both outside any breakout, or both in the one it names. */
    private static boolean sameCall(Seat from, Seat to, String breakoutId) {
        if (breakoutId == null) {
            return from.breakout() == null && to.breakout() == null;
        }
        return from.breakout() != null && to.breakout() != null
                && breakoutId.equals(from.breakout().getString("breakoutId")) && breakoutId.equals(to.breakout().getString("breakoutId"))
                && to.personId().equals(from.breakout().getString("with"));
    }

    /** The caller's admitted seat in a circle, held by this connection. */
    private Future<Seat> circleSeat(Local local, String roomId) {
        return admittedSeat(local, roomId).map(seat -> {
            if (!isCircle(seat)) {
                throw new RoomException(WsErrorCode.FORBIDDEN, "This is for group circles");
            }
            return seat;
        });
    }

    /** A refusal for the caller's role, on record (who tried what, on which appointment; no text). */
    private <T> Future<T> denied(Actor actor, Seat seat, String action, String message) {
        return audit.record(AuditEntry.of(actor, clock.instant(), action, "appointment", seat.appointmentId(), Outcome.DENIED))
                .recover(e -> Future.succeededFuture())
                .compose(v -> Future.failedFuture(new RoomException(WsErrorCode.FORBIDDEN, message)));
    }

    private static JsonObject supportOf(Seat seat) {
        return seat.support() == null ? new JsonObject() : seat.support().copy();
    }

    private static String newId(String prefix) {
        return prefix + java.util.UUID.randomUUID().toString().replace("-", "").substring(0, 24);
    }

    // ------------------------------------------------------------------ the room index and known seats

    /** The connection is in the room (joined); indexed for delivery. */
    private void enter(Local local, String roomId, Instant closesAt) {
        local.rooms.put(roomId, closesAt);
        byRoom.compute(roomId, (k, set) -> {
            Set<Local> members = set == null ? ConcurrentHashMap.newKeySet() : set;
            members.add(local);
            return members;
        });
        if (!locals.containsKey(local.connection.id())) {
            exit(local, roomId); // closed while its join was under way: not left in the index
        }
    }

    /** The connection left the room (or was told to). */
    private void exit(Local local, String roomId) {
        local.rooms.remove(roomId);
        local.toldAdmitted.remove(roomId);
        unindex(local, roomId);
    }

    private void unindex(Local local, String roomId) {
        Set<Local> left = byRoom.computeIfPresent(roomId, (k, set) -> {
            set.remove(local);
            return set.isEmpty() ? null : set;
        });
        if (left == null) {
            knownSeats.remove(roomId); // nobody here any more: no roster pushes keep it fresh
        }
    }

    private void unwatch(Local local) {
        watchersByClinic.computeIfPresent(local.actor().clinicId(), (k, set) -> {
            set.remove(local);
            return set.isEmpty() ? null : set;
        });
    }

    /** This node's connections in the room (a live view; empty when none). */
    private Set<Local> inRoomHere(String roomId) {
        return byRoom.getOrDefault(roomId, Set.of());
    }

    /** The room's seats as this node knows them, or null when it has not read them (or has nobody there). */
    private List<Seat> knownSeats(String roomId) {
        KnownSeats known = knownSeats.get(roomId);
        return known == null ? null : known.seats();
    }

    /** Reads the room's seats from the store and keeps them, unless a later read or patch came first. */
    private Future<List<Seat>> readSeats(String roomId) {
        long version = seatsVersion.incrementAndGet();
        return presence.inRoom(roomId).onSuccess(seats -> {
            if (byRoom.containsKey(roomId)) {
                knownSeats.compute(roomId, (k, old) -> old != null && old.version() > version ? old : new KnownSeats(version, seats));
            }
        });
    }

    /**
     * An admission or departure, applied to the known seats as its event arrives, before the re-read
     * it also causes: a chat line sent meanwhile reaches the person just admitted and not the one who
     * just left. Reads begun before it are dropped; an admission of someone not in them drops them
     * (the next line reads the store).
     */
    private void patchKnownSeats(String roomId, String personId, boolean admitted) {
        long version = seatsVersion.incrementAndGet();
        Instant now = clock.instant();
        knownSeats.computeIfPresent(roomId, (k, old) -> {
            if (old.seats() == null || admitted && old.seats().stream().noneMatch(seat -> seat.personId().equals(personId))) {
                return new KnownSeats(version, null); // not known: reads begun before this stay dropped too
            }
            List<Seat> next = new ArrayList<>();
            for (Seat seat : old.seats()) {
                if (personId == null || seat.personId().equals(personId)) {
                    if (admitted) {
                        next.add(seat.stage() == Seat.Stage.ADMITTED ? seat : seat.withStage(Seat.Stage.ADMITTED, now));
                    } // a departure: dropped
                } else {
                    next.add(seat);
                }
            }
            return new KnownSeats(version, List.copyOf(next));
        });
    }

    /** How many chat lines went straight from their sender's thread to this node's members so far (tests). */
    public long directDeliveries() {
        return directDeliveries.sum();
    }

    /** How many connections deliveries to rooms have looked at on this node so far (tests). */
    public long deliveryVisits() {
        return deliveryVisits.sum();
    }

    // ------------------------------------------------------------------ events

    private void publish(RoomEvent event) {
        publish(event, false);
    }

    /** @param deliveredHere this node's members have it already: only the other nodes' consumers deliver it */
    private void publish(RoomEvent event, boolean deliveredHere) {
        // the request id of what caused it and when it left, for the receivers' logs and metrics
        io.vertx.core.eventbus.DeliveryOptions options = app.hearth.platform.logging.RequestIds.deliveryOptions()
                .addHeader(SENT_AT_HEADER, Long.toString(micros(clock.instant())))
                .addHeader(ORIGIN_HEADER, nodeId);
        if (deliveredHere) {
            options.addHeader(DELIVERED_HERE_HEADER, "1");
        } else {
            ownInFlight.merge(inFlightKey(event.roomId()), 1, Integer::sum);
        }
        vertx.eventBus().publish(EventBusAddresses.ROOM_EVENTS, event.toJson(), options);
    }

    private static String inFlightKey(String roomId) {
        return roomId == null ? "" : roomId;
    }

    private static long micros(Instant instant) {
        return instant.getEpochSecond() * 1_000_000L + instant.getNano() / 1_000;
    }

    /** The publish time of a room event (epoch µs), or now for one from a node that does not send it. */
    private long sentAt(io.vertx.core.eventbus.Message<?> message) {
        String sent = message.headers().get(SENT_AT_HEADER);
        try {
            return sent == null ? micros(clock.instant()) : Long.parseLong(sent);
        } catch (NumberFormatException e) {
            return micros(clock.instant());
        }
    }

    private java.time.Duration since(long sentAtMicros) {
        return java.time.Duration.ofNanos(Math.max(0, micros(clock.instant()) - sentAtMicros) * 1_000L);
    }

    /** Where the node's metrics go (docs/adr/0025). */
    public void observe(RoomMetrics metrics) {
        this.metrics = metrics;
    }

    /** Open room sockets on this node. */
    public int openConnections() {
        return locals.size();
    }

    /** Rooms that at least one of this node's connections is in. */
    public int liveRooms() {
        return byRoom.size();
    }

    /** This node's connections waiting to be let in (their seats as last read), in any room. */
    public int peopleWaiting() {
        return (int) locals.values().stream()
                .filter(l -> l.lastSeats.values().stream().anyMatch(s -> s.stage() == Seat.Stage.WAITING)).count();
    }

    private void onEvent(JsonObject json, long sentAtMicros) {
        RoomEvent event = RoomEvent.fromJson(json);
        switch (event.kind()) {
            case "admitted" -> {
                patchKnownSeats(event.roomId(), event.personId(), true);
                forPeopleInRoom(event, local -> {
                    local.toldAdmitted.add(event.roomId());
                    send(local, new JsonObject().put("type", "room.admitted").put("roomId", event.roomId()));
                    metrics.delivered(event.kind(), since(sentAtMicros));
                    sendExercise(local, event.roomId());
                });
            }
            case "exercise" -> {
                pushExercise(event.roomId());
                return;
            }
            case "left" -> {
                patchKnownSeats(event.roomId(), event.personId(), false);
                forPeopleInRoom(event, local -> {
                    exit(local, event.roomId());
                    JsonObject left = new JsonObject().put("type", "room.left").put("roomId", event.roomId()).put("reason", event.reason());
                    if (event.message() != null && !event.message().isBlank()) {
                        left.put("message", event.message());
                    }
                    if (event.appointmentId() != null) {
                        left.put("appointmentId", event.appointmentId());
                    }
                    send(local, left);
                    metrics.delivered(event.kind(), since(sentAtMicros));
                });
            }
            case "replaced" -> {
                Local old = locals.get(event.connectionId());
                if (old != null) {
                    exit(old, event.roomId());
                    error(old, null, WsErrorCode.REPLACED, "You joined this session from another tab or device");
                    if (locals.remove(event.connectionId()) != null) {
                        List.copyOf(old.rooms.keySet()).forEach(roomId -> unindex(old, roomId));
                        unwatch(old);
                    }
                    old.connection.close((short) 4001, "replaced");
                }
            }
            case "deliver" -> {
                deliverHere(event, sentAtMicros);
                return;
            }
            default -> { }
        }
        circles.roomChanged(event.roomId()); // the circle's driver (if this node) drops who is no longer in
        pendingSince.merge(event.roomId(), sentAtMicros, Math::min);
        schedulePush(event.clinicId(), event.roomId());
        if (!pendingRooms.contains(event.roomId())) {
            pendingSince.remove(event.roomId()); // nobody here in that room: no roster to time
        }
    }

    /** Only this room's connections on this node (the index), and the message encoded once for all of them. */
    private void deliverHere(RoomEvent event, long sentAtMicros) {
        Set<String> recipients = recipientsHere(event);
        boolean toAdmitted = RoomEvent.TO_ADMITTED.equals(event.reason());
        int delivered = 0;
        String encoded = null;
        java.time.Duration latency = null; // the writes below are queued in one go: one reading of the clock
        for (Local local : inRoomHere(event.roomId())) {
            deliveryVisits.increment();
            if (local.rooms.containsKey(event.roomId()) && (recipients.contains(local.actor().personId())
                    || toAdmitted && local.toldAdmitted.contains(event.roomId()))) {
                if (encoded == null) {
                    encoded = event.chat().encode();
                    latency = since(sentAtMicros);
                }
                local.connection.sendText(encoded);
                metrics.delivered(event.kind(), latency);
                delivered++;
            }
        }
        LOG.debug("Room message delivered to {} connection(s) on this node", delivered);
    }

    /**
     * Who on this node gets a delivered message: its recipients, and for a message to every admitted
     * member also whom this node knows to be admitted. This node handles an admission before telling
     * its own member "admitted", so a line from another node that had not heard of it yet still
     * reaches them (the sender's view alone would miss them); where the known seats did not hold the
     * person yet (dropped by the admission's patch), {@link Local#toldAdmitted} does the same.
     */
    private Set<String> recipientsHere(RoomEvent event) {
        Set<String> recipients = new java.util.HashSet<>(event.recipients());
        List<Seat> known = RoomEvent.TO_ADMITTED.equals(event.reason()) ? knownSeats(event.roomId()) : null;
        if (known != null) {
            known.stream().filter(seat -> seat.stage() == Seat.Stage.ADMITTED).forEach(seat -> recipients.add(seat.personId()));
        }
        return recipients;
    }

    private void forPeopleInRoom(RoomEvent event, java.util.function.Consumer<Local> action) {
        for (Local local : List.copyOf(inRoomHere(event.roomId()))) {
            if (local.rooms.containsKey(event.roomId())
                    && (event.personId() == null || event.personId().equals(local.actor().personId()))) {
                action.accept(local);
            }
        }
    }

    private void schedulePush(String clinicId, String roomId) {
        boolean anyInRoom = byRoom.containsKey(roomId);
        boolean anyWatching = watchersByClinic.containsKey(clinicId);
        boolean first = false;
        if (anyInRoom) {
            first |= pendingRooms.add(roomId);
        }
        if (anyWatching) {
            first |= pendingClinics.add(clinicId);
        }
        if (first) {
            vertx.setTimer(COALESCE_MS, id -> pushPending());
        }
    }

    private void pushPending() {
        for (String roomId : List.copyOf(pendingRooms)) {
            pendingRooms.remove(roomId);
            Long since = pendingSince.remove(roomId);
            readSeats(roomId).onSuccess(seats -> {
                        pushRoster(roomId, seats);
                        if (since != null) {
                            metrics.rosterPushed(since(since));
                        }
                    })
                    .onFailure(e -> LOG.warn("Could not read a room's roster: {}", e.toString()));
        }
        for (String clinicId : List.copyOf(pendingClinics)) {
            pendingClinics.remove(clinicId);
            presence.inClinic(clinicId).onSuccess(seats -> {
                // Grouped once for all watchers, and each board sent only when it changed for its
                // watcher: a change in one therapist's room costs the others nothing (issue 16).
                LobbyView view = new LobbyView(clinicId, seats);
                for (Local local : watchersByClinic.getOrDefault(clinicId, Set.of())) {
                    if (local.lobbyScope != null && local.actor().clinicId().equals(clinicId)) {
                        String board = lobbySnapshot(local, view).encode();
                        if (!board.equals(local.lastLobby)) {
                            local.lastLobby = board;
                            local.connection.sendText(board);
                        }
                        tellWaitingSeen(local, view);
                    }
                }
            }).onFailure(e -> LOG.warn("Could not read a clinic's lobby: {}", e.toString()));
        }
    }

    private void pushRoster(String roomId, List<Seat> seats) {
        endOrphanedBreakouts(roomId, seats);
        List<String> hosts = seats.stream().findFirst().map(Seat::hostIds).orElse(List.of());
        for (Local local : inRoomHere(roomId)) {
            if (!local.rooms.containsKey(roomId)) {
                continue;
            }
            String viewer = local.actor().personId();
            remember(local, roomId, seats);
            boolean viewerHosts = hosts.contains(viewer);
            boolean viewerAdmitted = seats.stream().anyMatch(s -> s.personId().equals(viewer) && s.stage() == Seat.Stage.ADMITTED);
            JsonArray participants = new JsonArray();
            for (Seat seat : seats) {
                // Hosts see everyone; admitted people see who is in the room; someone waiting sees
                // only the therapists and themselves (never the other people waiting).
                boolean visible = viewerHosts || seat.personId().equals(viewer) || seat.host()
                        || (viewerAdmitted && seat.stage() == Seat.Stage.ADMITTED);
                if (visible) {
                    participants.add(participantFor(local, seat, viewerHosts));
                }
            }
            send(local, new JsonObject().put("type", "room.roster").put("roomId", roomId).put("participants", participants));
            if (viewerHosts) {
                tellWaitingSeen(local, seats);
            }
        }
    }

    /**
     * A clinic's seats as the lobby boards need them: the patients' seats in order of arrival, and
     * the same grouped by each of their hosts, so each watcher's board is a lookup, not a scan.
     */
    private static final class LobbyView {
        final List<Seat> patients;
        final Map<String, List<Seat>> byHost = new java.util.HashMap<>();

        LobbyView(String clinicId, List<Seat> seats) {
            patients = seats.stream().filter(s -> !s.host()).filter(s -> s.clinicId().equals(clinicId))
                    .sorted(java.util.Comparator.comparing(Seat::since)).toList();
            for (Seat seat : patients) {
                for (String host : seat.hostIds()) {
                    byHost.computeIfAbsent(host, k -> new ArrayList<>()).add(seat);
                }
            }
        }

        List<Seat> of(String hostId) {
            return byHost.getOrDefault(hostId, List.of());
        }
    }

    private JsonObject lobbySnapshot(Local local, LobbyView view) {
        String viewer = local.actor().personId();
        boolean clinicWide = "clinic".equals(local.lobbyScope);
        JsonArray entries = new JsonArray();
        (clinicWide ? view.patients : view.of(viewer))
                .forEach(s -> entries.add(new JsonObject().put("roomId", s.roomId()).put("appointmentId", s.appointmentId())
                        .put("appointmentType", s.appointmentType()).put("start", s.start().toString())
                        .put("end", s.end().toString()).put("therapistIds", new JsonArray(s.hostIds()))
                        .put("patient", participantFor(local, s, s.hostIds().contains(viewer)))));
        return new JsonObject().put("type", "lobby.snapshot").put("scope", local.lobbyScope).put("entries", entries);
    }

    /** A participant as this viewer may see them: safety details only for the session's hosts, and audited. */
    private JsonObject participantFor(Local viewer, Seat seat, boolean viewerHosts) {
        JsonObject json = participant(seat, false);
        if (seat.supportRequest() != null && (viewerHosts || seat.personId().equals(viewer.actor().personId()))) {
            json.put("supportRequest", seat.supportRequest()); // never to the other patients
        }
        if (viewerHosts && seat.safety() != null) {
            json.put("safety", seat.safety());
            String key = viewer.actor().personId() + "/" + seat.roomId() + "/" + seat.personId();
            if (auditedReads.add(key)) {
                audit.record(AuditEntry.of(viewer.actor(), clock.instant(), "safety-check.read", "appointment",
                        seat.appointmentId(), Outcome.SUCCESS)).onFailure(e -> auditedReads.remove(key));
            }
        }
        return json;
    }

    private static JsonObject participant(Seat seat, boolean withSafety) {
        JsonObject json = new JsonObject().put("personId", seat.personId()).put("displayName", seat.displayName())
                .put("role", seat.role()).put("host", seat.host()).put("presence", seat.presence())
                .put("admitted", seat.stage() == Seat.Stage.ADMITTED)
                .put("ready", new JsonObject().put("gate", seat.gateDone() || seat.host()).put("devices", seat.devicesChecked()))
                .put("since", seat.since().toString());
        if (seat.media() != null) {
            json.put("media", seat.media());
        }
        if (seat.breakout() != null) {
            json.put("breakout", true); // everyone sees "with a facilitator", never why
        }
        if (withSafety && seat.safety() != null) {
            json.put("safety", seat.safety());
        }
        return json;
    }

    // ------------------------------------------------------------------ cluster splits and merges

    /**
     * The cluster came back together after a split (Hazelcast's MERGED on the member that merged
     * in). Each half had given up the other's people (adopted, then expired their seats), and the
     * merge kept one half's map. So this node re-asserts the seats of its own live connections and
     * tells every node to re-read the rooms and lobbies it has people in: rosters on both sides are
     * fresh again without waiting for anyone's next change.
     */
    public void clusterMerged() {
        if (stopped) {
            return;
        }
        reassertAll();
        // Again shortly: the other nodes learn this node's event-bus subscriptions a moment after the merge.
        vertx.setTimer(2000, id -> reassertAll());
    }

    /**
     * A member joined (a new node, or one coming back after a split under the same node id): the
     * circles it drove are its own again, and this node re-asserts its seats and re-announces its rooms,
     * so a half that was merged into still pushes fresh rosters.
     */
    public void nodeJoined(String joinedNodeId) {
        if (stopped || joinedNodeId == null || joinedNodeId.equals(nodeId)) {
            return;
        }
        circles.nodeReturned(joinedNodeId);
        if (!locals.isEmpty()) {
            reassertAll();
        }
    }

    private void reassertAll() {
        if (stopped) {
            return;
        }
        Set<String> clinics = new java.util.HashSet<>();
        for (Local local : locals.values()) {
            for (String roomId : local.rooms.keySet()) {
                reassertSeat(local, roomId, 0);
            }
            if (local.lobbyScope != null) {
                clinics.add(local.actor().clinicId());
            }
        }
        // Lobby boards of this node are re-read even where it has nobody seated.
        clinics.forEach(clinicId -> publish(RoomEvent.lobbyChanged(clinicId)));
    }

    /**
     * Makes the connection's seat in the room say what is true: held by this connection on this node
     * and connected. A seat another connection took meanwhile is left alone (that one is newer); a
     * seat that vanished during the split is put back as this node last saw it.
     */
    private void reassertSeat(Local local, String roomId, int attempt) {
        String personId = local.actor().personId();
        String connectionId = local.connection.id();
        presence.get(roomId, personId).onSuccess(found -> {
            if (!locals.containsKey(connectionId) || !local.rooms.containsKey(roomId)) {
                return; // closed or left meanwhile
            }
            Seat current = found.orElse(null);
            Future<Boolean> written;
            Seat next;
            if (current == null) {
                Seat remembered = local.lastSeats.get(roomId);
                if (remembered == null) {
                    return;
                }
                next = remembered.connected(nodeId, connectionId, clock.instant());
                written = presence.putIfAbsent(next);
            } else if (!connectionId.equals(current.connectionId())) {
                return; // a newer connection of the same person holds it
            } else if (current.link() == Seat.Link.CONNECTED && nodeId.equals(current.nodeId())) {
                next = current;
                written = Future.succeededFuture(true);
            } else {
                next = current.connected(nodeId, connectionId, clock.instant());
                written = presence.replace(current, next);
            }
            written.onSuccess(done -> {
                if (done) {
                    local.lastSeats.put(roomId, next);
                    publish(RoomEvent.changed(next.clinicId(), roomId));
                } else if (attempt < CAS_ATTEMPTS) {
                    reassertSeat(local, roomId, attempt + 1);
                }
            }).onFailure(e -> LOG.warn("Could not re-assert a seat after a cluster merge: {}", e.toString()));
        }).onFailure(e -> LOG.warn("Could not read a seat after a cluster merge: {}", e.toString()));
    }

    /** Keeps the viewer's own seat in the room, as just read, for {@link #reassertSeat}. */
    private static void remember(Local local, String roomId, List<Seat> seats) {
        String connectionId = local.connection.id();
        seats.stream().filter(s -> connectionId.equals(s.connectionId())).findFirst()
                .ifPresentOrElse(s -> local.lastSeats.put(roomId, s), () -> local.lastSeats.remove(roomId));
    }

    /**
     * A heartbeat far later than its interval means this process did not run meanwhile (frozen,
     * swapped out, a long pause): its connections' silence is its own, not theirs, so they get a
     * fresh idle window instead of being closed as dead the moment the process resumes.
     */
    private void forgiveOwnStall(long now) {
        long previous = lastHeartbeatMillis;
        lastHeartbeatMillis = now;
        if (previous != 0 && now - previous > Math.max(config.idleTimeout().toMillis(), 3 * heartbeatTickMillis())) {
            LOG.warn("This node did not run for {} ms; its connections get a fresh heartbeat window", now - previous);
            for (Local local : locals.values()) {
                local.lastHeardMillis = Math.max(local.lastHeardMillis, now);
            }
        }
    }

    // ------------------------------------------------------------------ housekeeping

    /**
     * Closes the connections that stopped answering (a closed lid, a lost network) and pings only
     * those silent for a ping interval, at most every half interval: a connection that talks (a
     * browser's own pings, chat) is never pinged, so an idle node costs a comparison per
     * connection per tick. A dead one is closed at most one tick after the idle timeout. Connections
     * in a room or a lobby are timed by the ping interval and idle timeout; resting ones (in neither)
     * by the resting pair (docs/adr/0031).
     */
    private void heartbeat() {
        long now = clock.millis();
        long activeIdle = config.idleTimeout().toMillis();
        long activePing = config.pingInterval().toMillis();
        long restingIdle = config.restingIdleTimeout().toMillis();
        long restingPing = config.restingPingInterval().toMillis();
        forgiveOwnStall(now);
        for (Local local : locals.values()) {
            // A connection shown in a roster or watching a lobby must be found dead within seconds; one
            // at rest (a dashboard's alert socket) only holds memory, so it is asked a fifth as often.
            boolean resting = local.rooms.isEmpty() && local.lobbyScope == null;
            long idle = resting ? restingIdle : activeIdle;
            long ping = resting ? restingPing : activePing;
            long silent = now - local.lastHeardMillis;
            if (silent > idle) {
                local.connection.close((short) 4000, "no heartbeat");
                closed(local.connection.id());
            } else if (silent >= ping && now - local.lastPingedMillis >= ping / 2) {
                local.lastPingedMillis = now;
                local.connection.ping();
            }
        }
    }

    /** The heartbeat's period: a quarter of the ping interval, between 250 ms and 1 s. */
    long heartbeatTickMillis() {
        return Math.max(250, Math.min(1000, config.pingInterval().toMillis() / 4));
    }

    private void refreshSeats() {
        List<String> keys = new ArrayList<>();
        for (Local local : locals.values()) {
            local.rooms.keySet().forEach(roomId -> keys.add(Seat.key(roomId, local.actor().personId())));
        }
        presence.touch(keys).onFailure(e -> LOG.warn("Could not refresh seats: {}", e.toString()));
        if (auditedReads.size() > 100_000) {
            auditedReads.clear(); // bounded memory; a repeated audit entry is harmless
        }
    }

    /** Rooms past their end and grace: everyone is told and their seats are freed. */
    private void closeEndedRooms() {
        Instant now = clock.instant();
        for (Local local : locals.values()) {
            local.rooms.forEach((roomId, closesAt) -> {
                if (!now.isBefore(closesAt)) {
                    exit(local, roomId);
                    send(local, new JsonObject().put("type", "room.left").put("roomId", roomId).put("reason", "closed")
                            .put("message", "This session's time is over"));
                    presence.get(roomId, local.actor().personId()).onSuccess(seat -> seat.ifPresent(s ->
                            presence.remove(s).onSuccess(removed -> publish(RoomEvent.changed(s.clinicId(), roomId)))));
                }
            });
        }
    }

    // ------------------------------------------------------------------ replies

    private static JsonObject ok() {
        return new JsonObject().put("type", "ok");
    }

    private void error(Local local, String id, WsErrorCode code, String message) {
        send(local, errorMessage(id, code, message, null));
    }

    private static JsonObject errorMessage(String id, WsErrorCode code, String message, String field) {
        JsonObject error = new JsonObject().put("type", "error");
        if (id != null) {
            error.put("id", id);
        }
        error.put("code", code.wire()).put("message", message);
        if (field != null) {
            error.put("field", field);
        }
        return error;
    }

    private void send(Local local, JsonObject message) {
        local.connection.send(message);
    }
}
