package app.hearth.signaling.colibri;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import org.jitsi.xmpp.extensions.jingle.IceUdpTransportPacketExtension;

/**
 * One circle's conference: where it lives, its participants and what each browser was last offered.
 * Pure state, no I/O: {@link CircleConferences} talks to the bridge and applies the answers here,
 * always under this object's monitor.
 */
final class CircleConference {

    private static final SecureRandom RANDOM = new SecureRandom();

    /** One participant: its endpoint on the bridge, its browser's side, and its offer's m-lines. */
    static final class Participant {
        final String id;
        IceUdpTransportPacketExtension bridgeTransport;
        /** The endpoint's colibri WebSocket (public form), or null when the bridge advertises none. */
        String channelUrl;
        IceUdpTransportPacketExtension browserTransport;
        List<Source> sources = List.of();
        /** Kinds ("audio", "video") the participant has turned off: kept from the others' offers. */
        java.util.Set<String> mutedKinds = java.util.Set.of();
        long sessionId;
        long version;
        List<CircleSdp.Slot> slots = List.of();
        boolean newConnection;

        Participant(String id) {
            this.id = id;
        }

        /** A new RTCPeerConnection on the browser's side: new session, m-lines from scratch. */
        void freshConnection(IceUdpTransportPacketExtension bridgeTransport, String channelUrl) {
            this.bridgeTransport = bridgeTransport;
            this.channelUrl = channelUrl;
            this.browserTransport = null;
            this.sources = List.of();
            this.sessionId = RANDOM.nextLong() & Long.MAX_VALUE;
            this.version = 0;
            this.slots = List.of();
            this.newConnection = true;
        }
    }

    final String circleId;
    Bridge bridge;
    String meetingId;
    /** The bridge's feedback sources, from its first answer. */
    List<Source> bridgeSources = List.of();
    final Map<String, Participant> participants = new LinkedHashMap<>();

    CircleConference(String circleId) {
        this.circleId = circleId;
    }

    boolean allocated() {
        return bridge != null;
    }

    /** A new conference id on a new bridge; the participants stay, their endpoints are gone. */
    void placeOn(Bridge bridge) {
        this.bridge = bridge;
        this.meetingId = UUID.randomUUID().toString();
        this.bridgeSources = List.of();
    }

    void unplace() {
        this.bridge = null;
        this.meetingId = null;
        this.bridgeSources = List.of();
    }

    /**
     * Recomputes a participant's m-lines from everyone else's current sources and returns the new
     * offer if anything changed (or {@code force}). Slots are only ever added or reused, never removed.
     */
    Optional<Offer> refreshOffer(Participant p, boolean force) {
        List<Source> others = new ArrayList<>();
        for (Participant other : participants.values()) {
            if (other != p) {
                other.sources.stream().filter(s -> !other.mutedKinds.contains(s.kind())).forEach(others::add);
            }
        }
        List<CircleSdp.Slot> slots = new ArrayList<>(p.slots);
        if (slots.isEmpty()) {
            slots.add(new CircleSdp.Slot("0", "audio", true, null));
            slots.add(new CircleSdp.Slot("1", "video", true, null));
        }
        slots.set(0, new CircleSdp.Slot("0", "audio", true, feedback("audio")));
        slots.set(1, new CircleSdp.Slot("1", "video", true, feedback("video")));
        // sources that left or changed their SSRCs free their m-line (inactive)
        for (int i = 2; i < slots.size(); i++) {
            CircleSdp.Slot slot = slots.get(i);
            if (slot.source() != null && !others.contains(slot.source())) {
                slots.set(i, new CircleSdp.Slot(slot.mid(), slot.kind(), false, null));
            }
        }
        // new sources take a free m-line of their kind, or a new one at the end
        for (Source source : others) {
            if (slots.stream().anyMatch(s -> source.equals(s.source()))) {
                continue;
            }
            int free = -1;
            for (int i = 2; i < slots.size() && free < 0; i++) {
                if (slots.get(i).source() == null && slots.get(i).kind().equals(source.kind()) && !freedNow(p.slots, slots, i)) {
                    free = i;
                }
            }
            if (free >= 0) {
                slots.set(free, new CircleSdp.Slot(slots.get(free).mid(), source.kind(), false, source));
            } else {
                slots.add(new CircleSdp.Slot(Integer.toString(slots.size()), source.kind(), false, source));
            }
        }
        if (!force && slots.equals(p.slots)) {
            return Optional.empty();
        }
        p.slots = List.copyOf(slots);
        p.version++;
        Offer offer = new Offer(p.id, CircleSdp.offer(p.sessionId, p.version, p.bridgeTransport, p.slots), p.newConnection,
                p.channelUrl);
        p.newConnection = false;
        return Optional.of(offer);
    }

    /**
     * A slot freed in this very offer is not reused in it: the browser would see one track's m-line
     * switch to another participant without ever going inactive, and keep the old stream association.
     */
    private static boolean freedNow(List<CircleSdp.Slot> before, List<CircleSdp.Slot> now, int i) {
        return i < before.size() && before.get(i).source() != null && now.get(i).source() == null;
    }

    private Source feedback(String kind) {
        return bridgeSources.stream().filter(s -> s.kind().equals(kind)).findFirst().orElse(null);
    }

    /** Offers for everyone except {@code except} whose m-lines changed. */
    List<Offer> refreshOthers(String except) {
        List<Offer> offers = new ArrayList<>();
        for (Participant p : participants.values()) {
            if (!Objects.equals(p.id, except) && p.bridgeTransport != null) {
                refreshOffer(p, false).ifPresent(offers::add);
            }
        }
        return offers;
    }
}
