package app.hearth.protocol.ws;

/**
 * The stable codes of the room protocol's {@code error} message. Clients branch on them; never rename
 * or reuse one (retire it instead).
 */
public enum WsErrorCode {
    /** The frame was not a JSON object. */
    MALFORMED_JSON("malformed-json"),
    /** A known type whose fields break the schema; {@code field} names the offending one. */
    INVALID_MESSAGE("invalid-message"),
    /** No such message type. */
    UNKNOWN_TYPE("unknown-type"),
    /** Over the per-message size limit. */
    MESSAGE_TOO_LARGE("message-too-large"),
    /** Over the per-connection message rate; a connection that keeps on is closed. */
    RATE_LIMITED("rate-limited"),
    /** The caller's role or seat does not allow this (a patient sending host commands, say). */
    FORBIDDEN("forbidden"),
    /** No such room or person, or one the caller may not know of. */
    NOT_FOUND("not-found"),
    ROOM_NOT_OPEN("room-not-open"),
    ROOM_CLOSED("room-closed"),
    /** The host ended the session: nobody can enter again. */
    ROOM_ENDED("room-ended"),
    /** The caller has no seat in that room (join first). */
    NOT_IN_ROOM("not-in-room"),
    /** The patient's safety check for this session is not done, so they cannot be admitted yet. */
    GATE_INCOMPLETE("gate-incomplete"),
    /** A join ticket that is unknown, spent, expired or made for someone else. */
    TICKET_INVALID("ticket-invalid"),
    /** A newer connection of the same person took this seat (a second tab). */
    REPLACED("replaced"),
    /** A negotiation message for someone who is not admitted to the same room. */
    PEER_NOT_IN_ROOM("peer-not-in-room"),
    /** An exercise command based on an older version of the room's exercise state. */
    STALE_VERSION("stale-version"),
    /** A media-server answer or candidate from a browser whose connection the server no longer has: join again. */
    MEDIA_NOT_JOINED("media-not-joined"),
    /** No media server for circles is reachable now (none healthy, or the circle lost its server). */
    MEDIA_SERVER_UNAVAILABLE("media-server-unavailable"),
    /** The store or cluster could not be reached; try again. */
    UNAVAILABLE("unavailable"),
    INTERNAL("internal");

    private final String wire;

    WsErrorCode(String wire) {
        this.wire = wire;
    }

    public String wire() {
        return wire;
    }

    /** The code with this wire name; {@link #INTERNAL} for one this version does not know. */
    public static WsErrorCode fromWire(String wire) {
        for (WsErrorCode code : values()) {
            if (code.wire.equals(wire)) {
                return code;
            }
        }
        return INTERNAL;
    }
}
