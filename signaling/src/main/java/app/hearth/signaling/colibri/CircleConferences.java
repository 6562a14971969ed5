package app.hearth.signaling.colibri;

import java.io.IOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import org.jitsi.xmpp.extensions.colibri2.ConferenceModifiedIQ;
import org.jitsi.xmpp.extensions.jingle.CandidatePacketExtension;
import org.jitsi.xmpp.extensions.jingle.DtlsFingerprintPacketExtension;
import org.jitsi.xmpp.extensions.jingle.IceRtcpmuxPacketExtension;
import org.jitsi.xmpp.extensions.jingle.IceUdpTransportPacketExtension;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hearth's Jicofo for group circles: one conference per circle on a Jitsi Videobridge, one endpoint
 * per participant, allocated with Colibri2 over the bridge's private HTTP API; SDP offers for the
 * browsers built from the bridge's transport and the other participants' sources; the browsers'
 * answers given back to the bridge; failover to another bridge.
 *
 * <p>The room layer calls {@link #join}, {@link #answer}, {@link #candidate}, {@link #leave} and
 * {@link #close} as people come and go, sends every {@link Offer} it gets back to that participant's
 * browser, and passes the browser's answer to {@link #answer}. Every method blocks on HTTP to the
 * bridge (a few ms on a LAN, at most the request timeout): call it from a worker, never from an event
 * loop. Calls for one circle are serialized (one request at a time, as the bridge wants endpoints
 * created one per request); different circles proceed in parallel.
 *
 * <p>Participant ids become Colibri2 endpoint ids and source names, so they must be opaque tokens
 * ({@code [A-Za-z0-9_-]{1,64}}), never names. Browsers see a participant's tracks in a MediaStream
 * whose id is the participant id; the bridge's own feedback tracks have stream id {@code "jvb"}.
 */
public final class CircleConferences implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(CircleConferences.class);
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9_-]{1,64}");

    private final BridgeConfig config;
    private final Bridges bridges;
    private final BridgeHttp http;
    private final Map<String, CircleConference> circles = new ConcurrentHashMap<>();
    /** What a timed-out request may have left on a bridge and could not be expired yet: retried with every health check. */
    private final Set<PendingExpiry> pendingExpiries = ConcurrentHashMap.newKeySet();

    /** A conference (endpointId null) or an endpoint to expire on a bridge. */
    private record PendingExpiry(Bridge bridge, String meetingId, String endpointId) {
    }
    private ScheduledExecutorService scheduler;
    private volatile boolean closing;

    /** The real thing: the JDK HTTP client with the configured timeout, least-loaded selection. */
    public CircleConferences(BridgeConfig config) {
        this(config, BridgeHttp.jdk(config.requestTimeout()), BridgeSelectionStrategy.leastLoaded());
    }

    public CircleConferences(BridgeConfig config, BridgeHttp http, BridgeSelectionStrategy strategy) {
        this.config = config;
        this.http = http;
        this.bridges = new Bridges(config, http, strategy);
    }

    /** False without configured bridges: circles then use the peer-to-peer mesh. */
    public boolean enabled() {
        return config.configured();
    }

    /** The bridges with their health and load (for status pages and tests). */
    public Bridges bridges() {
        return bridges;
    }

    /** Which bridge a circle's conference is on, if it has one. */
    public Optional<URI> bridgeOf(String circleId) {
        CircleConference circle = circles.get(circleId);
        if (circle == null) {
            return Optional.empty();
        }
        synchronized (circle) {
            return Optional.ofNullable(circle.bridge).map(Bridge::base);
        }
    }

    /** The participants a circle's conference has endpoints for, in join order. */
    public List<String> participants(String circleId) {
        CircleConference circle = circles.get(circleId);
        if (circle == null) {
            return List.of();
        }
        synchronized (circle) {
            return List.copyOf(circle.participants.keySet());
        }
    }

    /**
     * A participant joins a circle's video: allocates its endpoint (creating the conference on the
     * selected bridge when it is the first), and builds its first offer with everyone else's sources.
     * A participant already in the circle (a newer connection of the same person) gets a new endpoint.
     *
     * @return the joiner's offer ({@link Offer#newConnection()} true), plus updated offers for the others
     *         when a replaced endpoint's sources went away; {@code moved} if the bridge failed on the way
     * @throws ColibriException NO_BRIDGE when no bridge is healthy, BRIDGE_REFUSED when the bridge said no
     */
    public CircleUpdate join(String circleId, String participantId) throws ColibriException {
        requireId(circleId, "circle id");
        requireId(participantId, "participant id");
        if (!enabled()) {
            throw new ColibriException(ColibriException.Kind.NO_BRIDGE, "no bridge is configured");
        }
        CircleConference circle = circles.computeIfAbsent(circleId, CircleConference::new);
        synchronized (circle) {
            if (circles.get(circleId) != circle) {
                return join(circleId, participantId); // emptied and forgotten meanwhile: start over
            }
            Offers offers = new Offers();
            if (circle.participants.containsKey(participantId)) {
                offers.addAll(removeParticipant(circle, participantId).offers());
            }
            CircleConference.Participant joiner = new CircleConference.Participant(participantId);
            circle.participants.put(participantId, joiner);
            try {
                allocate(circle, joiner);
            } catch (ColibriException e) {
                if (e.kind() == ColibriException.Kind.BRIDGE_FAILED && circle.participants.size() > 1) {
                    return relocate(circle, e.getMessage());
                }
                circle.participants.remove(participantId);
                forgetIfEmpty(circle);
                if (e.kind() == ColibriException.Kind.BRIDGE_FAILED && bridges.select().isPresent()) {
                    return join(circleId, participantId); // the dead bridge is out of use now: once more on another
                }
                throw e.kind() == ColibriException.Kind.BRIDGE_FAILED
                        ? new ColibriException(ColibriException.Kind.NO_BRIDGE, "no healthy bridge left: " + e.getMessage())
                        : e;
            }
            circle.refreshOffer(joiner, true).ifPresent(offers::add);
            return CircleUpdate.of(circleId, offers.list());
        }
    }

    /**
     * The browser answered its offer: its transport (ICE credentials, DTLS fingerprint, candidates) and
     * the sources it sends go to the bridge, and everyone else's offer gains or loses them.
     *
     * @return updated offers for the other participants (empty when the sources did not change);
     *         {@code moved} (new-connection offers for all) when the bridge failed on the way
     * @throws IllegalArgumentException when the SDP is not a usable answer (nothing is changed)
     * @throws ColibriException         UNKNOWN_PARTICIPANT, BRIDGE_REFUSED
     */
    public CircleUpdate answer(String circleId, String participantId, String sdpAnswer) throws ColibriException {
        CircleSdp.BrowserAnswer parsed = CircleSdp.parseAnswer(participantId, sdpAnswer);
        CircleConference circle = existing(circleId);
        synchronized (circle) {
            CircleConference.Participant p = participant(circle, participantId);
            boolean transportChanged = p.browserTransport == null
                    || !p.browserTransport.getUfrag().equals(parsed.transport().getUfrag())
                    || !p.browserTransport.getPassword().equals(parsed.transport().getPassword());
            boolean sourcesChanged = !p.sources.equals(parsed.sources());
            if (!transportChanged && !sourcesChanged) {
                return CircleUpdate.of(circleId, List.of());
            }
            if (!transportChanged) {
                // the same ICE session: keep the candidates trickled so far
                parsed.transport().getCandidateList().forEach(c -> CircleSdp.addIfNew(p.browserTransport, c));
            }
            IceUdpTransportPacketExtension transport = transportChanged ? parsed.transport() : null;
            try {
                send(circle, ColibriMessages.updateEndpoint(circle.meetingId, participantId, transport, parsed.sources()));
            } catch (ColibriException e) {
                if (e.kind() == ColibriException.Kind.BRIDGE_FAILED) {
                    return relocate(circle, e.getMessage());
                }
                throw e;
            }
            if (transportChanged) {
                p.browserTransport = parsed.transport();
            }
            p.sources = parsed.sources();
            return CircleUpdate.of(circleId, circle.refreshOthers(participantId));
        }
    }

    /**
     * A trickled ICE candidate from the browser ({@code candidate:…}, as in RTCIceCandidate.candidate).
     * An empty one (end of candidates) is ignored, and so is one before the browser's answer (the
     * bridge learns the browser's address from its connectivity checks anyway).
     *
     * @return usually nothing to send; {@code moved} when the bridge failed
     * @throws IllegalArgumentException for a malformed candidate or too many of them
     */
    public CircleUpdate candidate(String circleId, String participantId, String candidate) throws ColibriException {
        if (candidate == null || candidate.isBlank()) {
            return CircleUpdate.of(circleId, List.of());
        }
        CandidatePacketExtension parsed = CircleSdp.parseCandidate(candidate.strip());
        CircleConference circle = existing(circleId);
        synchronized (circle) {
            CircleConference.Participant p = participant(circle, participantId);
            if (p.browserTransport == null) {
                return CircleUpdate.of(circleId, List.of());
            }
            if (p.browserTransport.getCandidateList().size() >= CircleSdp.MAX_CANDIDATES) {
                throw new IllegalArgumentException("more than " + CircleSdp.MAX_CANDIDATES + " candidates");
            }
            CircleSdp.addIfNew(p.browserTransport, parsed);
            IceUdpTransportPacketExtension update = new IceUdpTransportPacketExtension();
            update.setUfrag(p.browserTransport.getUfrag());
            update.setPassword(p.browserTransport.getPassword());
            p.browserTransport.getChildExtensionsOfType(DtlsFingerprintPacketExtension.class).forEach(update::addChildExtension);
            update.addChildExtension(new IceRtcpmuxPacketExtension());
            update.addCandidate(parsed);
            try {
                send(circle, ColibriMessages.updateEndpoint(circle.meetingId, participantId, update, null));
            } catch (ColibriException e) {
                if (e.kind() == ColibriException.Kind.BRIDGE_FAILED) {
                    return relocate(circle, e.getMessage());
                }
                throw e;
            }
            return CircleUpdate.of(circleId, List.of());
        }
    }

    /**
     * A participant leaves the circle's video: its endpoint is expired (the last one takes the
     * conference with it, on the bridge as here). Never throws: a bridge that does not answer drops
     * the endpoint by itself when its ICE goes silent.
     *
     * @return updated offers for the others, without the leaver's sources
     */
    public CircleUpdate leave(String circleId, String participantId) {
        CircleConference circle = circles.get(circleId);
        if (circle == null) {
            return CircleUpdate.of(circleId, List.of());
        }
        synchronized (circle) {
            if (!circle.participants.containsKey(participantId)) {
                return CircleUpdate.of(circleId, List.of());
            }
            return removeParticipant(circle, participantId);
        }
    }

    /**
     * A participant turned their microphone or camera off or on: the others' offers drop or regain
     * that participant's source of the kind (source-remove / source-add). Nothing goes to the bridge:
     * it forwards whatever arrives, and a browser ignores packets of a source its offer no longer has.
     * A participant not in the circle is ignored; the state survives a new connection of theirs.
     *
     * @return renegotiation offers for the others (empty when nothing changed)
     */
    public CircleUpdate mute(String circleId, String participantId, boolean audioOn, boolean videoOn) {
        CircleConference circle = circles.get(circleId);
        if (circle == null) {
            return CircleUpdate.of(circleId, List.of());
        }
        synchronized (circle) {
            CircleConference.Participant p = circle.participants.get(participantId);
            java.util.Set<String> muted = new java.util.HashSet<>();
            if (!audioOn) {
                muted.add("audio");
            }
            if (!videoOn) {
                muted.add("video");
            }
            if (p == null || p.mutedKinds.equals(muted)) {
                return CircleUpdate.of(circleId, List.of());
            }
            p.mutedKinds = java.util.Set.copyOf(muted);
            return CircleUpdate.of(circleId, circle.refreshOthers(participantId));
        }
    }

    /**
     * The circle's room closed: its conference is expired on the bridge and forgotten here. A bridge
     * that does not answer expires it by itself once its endpoints' ICE is gone; that is only logged.
     */
    public void close(String circleId) {
        CircleConference circle = circles.remove(circleId);
        if (circle == null) {
            return;
        }
        synchronized (circle) {
            if (circle.allocated()) {
                circle.bridge.changeEndpoints(-circle.participants.size());
                try {
                    send(circle, ColibriMessages.expireConference(circle.meetingId));
                } catch (ColibriException e) {
                    LOG.warn("Could not expire the conference of circle {} on {}: {}", circleId, circle.bridge, e.getMessage());
                }
            }
            circle.participants.clear();
            circle.unplace();
        }
    }

    /**
     * The offer for a participant's current connection again (a higher version, same m-lines), e.g.
     * when its browser lost the last one.
     */
    public Offer reoffer(String circleId, String participantId) throws ColibriException {
        CircleConference circle = existing(circleId);
        synchronized (circle) {
            return circle.refreshOffer(participant(circle, participantId), true).orElseThrow();
        }
    }

    /**
     * Checks every bridge's health, then moves every circle whose bridge is out of use (failed this
     * check or an earlier request) to another bridge.
     *
     * @return one update per circle that moved ({@code moved}: new-connection offers for all its
     *         participants) or was lost ({@code lost}: no healthy bridge left)
     */
    public List<CircleUpdate> checkHealth() {
        bridges.checkHealth();
        for (PendingExpiry pending : List.copyOf(pendingExpiries)) {
            if (pending.bridge().healthy() && expire(pending)) {
                pendingExpiries.remove(pending);
            }
        }
        List<CircleUpdate> updates = new ArrayList<>();
        for (CircleConference circle : circles.values()) {
            synchronized (circle) {
                if (circle.allocated() && !circle.bridge.healthy()) {
                    updates.add(relocate(circle, "bridge " + circle.bridge + " is unhealthy: " + circle.bridge.lastFailure()));
                }
            }
        }
        return updates;
    }

    /**
     * Runs {@link #checkHealth()} every {@link BridgeConfig#healthInterval()} on a daemon thread and
     * hands each moved or lost circle to {@code onChange} (on that thread).
     */
    public synchronized void startHealthChecks(Consumer<CircleUpdate> onChange) {
        if (scheduler != null || !enabled()) {
            return;
        }
        scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "hearth-jvb-health");
            t.setDaemon(true);
            return t;
        });
        scheduler.scheduleWithFixedDelay(() -> {
            try {
                List<CircleUpdate> updates = checkHealth();
                if (!closing) { // a check cut short by close() says nothing about the bridge
                    updates.forEach(onChange);
                }
            } catch (RuntimeException e) {
                LOG.error("Bridge health check failed", e);
            }
        }, 0, config.healthInterval().toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Stops the health checks (conferences are left to the room layer's {@link #close(String)}). */
    @Override
    public synchronized void close() {
        closing = true;
        if (scheduler != null) {
            scheduler.shutdownNow();
            scheduler = null;
        }
    }

    // ---- the rest runs inside a circle's monitor ----

    private CircleUpdate removeParticipant(CircleConference circle, String participantId) {
        circle.participants.remove(participantId);
        if (circle.allocated()) {
            circle.bridge.changeEndpoints(-1);
            try {
                send(circle, ColibriMessages.expireEndpoint(circle.meetingId, participantId));
            } catch (ColibriException e) {
                if (e.kind() == ColibriException.Kind.BRIDGE_FAILED && !circle.participants.isEmpty()) {
                    return relocate(circle, e.getMessage());
                }
                LOG.warn("Could not expire an endpoint in circle {}: {}", circle.circleId, e.getMessage());
            }
        }
        if (circle.participants.isEmpty()) {
            circle.unplace(); // the bridge expired the conference with its last endpoint
            forgetIfEmpty(circle);
            return CircleUpdate.of(circle.circleId, List.of());
        }
        return CircleUpdate.of(circle.circleId, circle.refreshOthers(null));
    }

    /** Allocates one endpoint, creating the conference first when the circle has none. */
    private void allocate(CircleConference circle, CircleConference.Participant p) throws ColibriException {
        boolean create = !circle.allocated();
        if (create) {
            circle.placeOn(bridges.select().orElseThrow(() ->
                    new ColibriException(ColibriException.Kind.NO_BRIDGE, "no healthy bridge")));
        }
        String body = ColibriMessages.allocate(circle.meetingId, config.conferenceName(circle.circleId), p.id, create);
        BridgeHttp.Response response;
        try {
            response = create ? exchange(circle, circle.bridge.conferences(), "POST", body) : send(circle, body);
        } catch (ColibriException e) {
            if (e.timedOut()) {
                // A slow bridge goes on with what it was asked after Hearth stopped waiting: the conference
                // (or endpoint) exists a moment later and would linger for minutes. The meeting-id is ours,
                // so expire it now (404: it never came to be, fine); a later attempt uses a new one. A bridge
                // that is down as well gets the expiry once its health check passes again.
                PendingExpiry leftover = new PendingExpiry(circle.bridge, circle.meetingId, create ? null : p.id);
                if (e.kind() != ColibriException.Kind.BRIDGE_TIMEOUT || !expire(leftover)) {
                    pendingExpiries.add(leftover);
                }
            }
            if (create) {
                circle.unplace();
            }
            throw e;
        }
        ConferenceModifiedIQ answer = ColibriMessages.read(response.body());
        IceUdpTransportPacketExtension transport = ColibriMessages.transportOf(answer, p.id);
        if (transport == null || transport.getUfrag() == null
                || transport.getChildExtensionsOfType(DtlsFingerprintPacketExtension.class).isEmpty()) {
            throw new ColibriException(ColibriException.Kind.BAD_ANSWER, "the bridge allocated no ICE/DTLS transport for the endpoint");
        }
        List<Source> feedback = ColibriMessages.bridgeSourcesOf(answer);
        if (!feedback.isEmpty()) {
            circle.bridgeSources = feedback;
        }
        circle.bridge.changeEndpoints(1);
        p.freshConnection(transport, config.publicChannelUrl(ColibriMessages.webSocketOf(transport)));
    }

    /**
     * Re-creates the circle's conference on a healthy bridge (a failed one is already out of use; a
     * bridge that only lost the conference may get it again) and allocates every participant anew,
     * in join order. The browsers must start new connections: ICE credentials and certificate changed.
     */
    private CircleUpdate relocate(CircleConference circle, String why) {
        Bridge from = circle.bridge;
        if (from != null) {
            from.changeEndpoints(-circle.participants.size());
        }
        LOG.warn("Moving circle {} off bridge {}: {}", circle.circleId, from, why);
        for (int attempt = 0; attempt < Math.max(1, bridges.all().size()); attempt++) {
            circle.unplace();
            int done = 0;
            try {
                for (CircleConference.Participant p : circle.participants.values()) {
                    allocate(circle, p);
                    done++;
                }
                Offers offers = new Offers();
                for (CircleConference.Participant p : circle.participants.values()) {
                    circle.refreshOffer(p, true).ifPresent(offers::add);
                }
                LOG.info("Circle {} moved from {} to {}", circle.circleId, from, circle.bridge);
                return new CircleUpdate(circle.circleId, offers.list(), true, false);
            } catch (ColibriException e) {
                if (circle.bridge != null) {
                    circle.bridge.changeEndpoints(-done);
                }
                if (e.kind() != ColibriException.Kind.BRIDGE_FAILED && e.kind() != ColibriException.Kind.BRIDGE_TIMEOUT) {
                    LOG.warn("Circle {} could not be re-created: {}", circle.circleId, e.getMessage());
                    break;
                }
            }
        }
        circle.unplace();
        circle.participants.clear();
        forgetIfEmpty(circle);
        LOG.warn("Circle {} lost its conference: no healthy bridge", circle.circleId);
        return new CircleUpdate(circle.circleId, List.of(), false, true);
    }

    /**
     * Expires what a timed-out request may have created. True when the bridge no longer has it (expired
     * now, or never created: 404, or an unknown endpoint: 400 with an empty body).
     */
    private boolean expire(PendingExpiry leftover) {
        String body = leftover.endpointId() == null ? ColibriMessages.expireConference(leftover.meetingId())
                : ColibriMessages.expireEndpoint(leftover.meetingId(), leftover.endpointId());
        try {
            BridgeHttp.Response response = http.patch(leftover.bridge().conference(leftover.meetingId()), body);
            if (response.ok() || response.status() == 404 || (leftover.endpointId() != null && response.status() == 400)) {
                LOG.info("Expired what a timed-out request may have left on bridge {} (conference {}): {}", leftover.bridge(),
                        leftover.meetingId(), response.status());
                return true;
            }
            LOG.warn("Bridge {} answered {} to expiring conference {}: {}; trying again with the next health check",
                    leftover.bridge(), response.status(), leftover.meetingId(), ColibriException.reason(response.body()));
        } catch (IOException e) {
            LOG.warn("Could not expire conference {} on bridge {} ({}); trying again with the next health check",
                    leftover.meetingId(), leftover.bridge(), e.toString());
        }
        return false;
    }

    /** Conferences or endpoints a timed-out request may have left that are still to be expired (for tests and status). */
    public int pendingExpiries() {
        return pendingExpiries.size();
    }

    /** PATCH to the circle's conference. */
    private BridgeHttp.Response send(CircleConference circle, String body) throws ColibriException {
        return exchange(circle, circle.bridge.conference(circle.meetingId), "PATCH", body);
    }

    /**
     * One request. No answer or a 5xx takes the bridge out of use; a 404 means the bridge no longer
     * has the conference (restarted, or expired it): both are BRIDGE_FAILED, after which the caller
     * moves the circle. Other refusals are BRIDGE_REFUSED.
     */
    private BridgeHttp.Response exchange(CircleConference circle, URI uri, String method, String body) throws ColibriException {
        Bridge bridge = circle.bridge;
        BridgeHttp.Response response;
        try {
            response = http.exchange(method, uri, body);
        } catch (java.net.http.HttpTimeoutException e) {
            if (bridges.answersHealth(bridge)) {
                LOG.warn("Bridge {} did not answer {} {} for circle {} in time; it answers its health check, so it stays in use",
                        bridge, method, uri.getPath(), circle.circleId);
                throw ColibriException.timedOut(ColibriException.Kind.BRIDGE_TIMEOUT, "bridge " + bridge + " did not answer in time");
            }
            bridges.markFailed(bridge, "no answer in time: " + e);
            throw ColibriException.timedOut(ColibriException.Kind.BRIDGE_FAILED, "bridge " + bridge + " did not answer: " + e);
        } catch (IOException e) {
            bridges.markFailed(bridge, "no answer: " + e);
            throw new ColibriException(ColibriException.Kind.BRIDGE_FAILED, "bridge " + bridge + " did not answer: " + e);
        }
        if (response.ok()) {
            return response;
        }
        String reason = ColibriException.reason(response.body());
        // The bridge's reason is the one clue to what went wrong (a refused name, a lost conference): logged
        // every time. Nothing personal in it: circle and endpoint ids are opaque tokens.
        LOG.warn("Bridge {} answered {} {} for circle {}: {}", bridge, response.status(), method + " " + uri.getPath(),
                circle.circleId, reason.isEmpty() ? "(no reason given)" : reason);
        if (response.status() >= 500) {
            bridges.markFailed(bridge, response.status() + " " + reason);
            throw new ColibriException(ColibriException.Kind.BRIDGE_FAILED, response.status(), "bridge " + bridge + " failed: " + reason);
        }
        if (response.status() == 404) {
            throw new ColibriException(ColibriException.Kind.BRIDGE_FAILED, 404, "bridge " + bridge + " lost the conference: " + reason);
        }
        throw new ColibriException(ColibriException.Kind.BRIDGE_REFUSED, response.status(),
                "bridge " + bridge + " refused " + method + " (" + response.status() + "): " + reason);
    }

    private CircleConference existing(String circleId) throws ColibriException {
        CircleConference circle = circles.get(circleId);
        if (circle == null) {
            throw new ColibriException(ColibriException.Kind.UNKNOWN_PARTICIPANT, "the circle has no conference");
        }
        return circle;
    }

    private static CircleConference.Participant participant(CircleConference circle, String participantId) throws ColibriException {
        CircleConference.Participant p = circle.participants.get(participantId);
        if (p == null || p.bridgeTransport == null) {
            throw new ColibriException(ColibriException.Kind.UNKNOWN_PARTICIPANT, "the participant is not in the circle's conference");
        }
        return p;
    }

    private void forgetIfEmpty(CircleConference circle) {
        if (circle.participants.isEmpty()) {
            circles.remove(circle.circleId, circle);
        }
    }

    private static void requireId(String id, String what) {
        if (id == null || !ID.matcher(id).matches()) {
            throw new IllegalArgumentException(what + " must match " + ID.pattern());
        }
    }

    /** The newest offer per participant, in the order they were first made. */
    private static final class Offers {
        private final Map<String, Offer> byParticipant = new LinkedHashMap<>();

        void add(Offer offer) {
            Offer previous = byParticipant.get(offer.participantId());
            // a renegotiation never downgrades a pending new-connection offer
            boolean fresh = offer.newConnection() || (previous != null && previous.newConnection());
            byParticipant.put(offer.participantId(), new Offer(offer.participantId(), offer.sdp(), fresh, offer.channelUrl()));
        }

        void addAll(List<Offer> offers) {
            offers.forEach(this::add);
        }

        List<Offer> list() {
            return List.copyOf(byParticipant.values());
        }
    }
}
