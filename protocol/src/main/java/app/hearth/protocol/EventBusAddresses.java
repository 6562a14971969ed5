package app.hearth.protocol;

/**
 * Every event-bus address Hearth uses, in one place. Names say the direction:
 * {@code *.events.*} are published (fan-out to every node, no reply); {@code *.requests.*} are
 * point-to-point requests that expect a reply. Payloads are JSON objects documented beside each
 * constant. Retire an address by deprecating it here; never reuse a name for another payload.
 */
public final class EventBusAddresses {

    private EventBusAddresses() {
    }

    /**
     * Published by the node that changed a person, for every node of the cluster (caches, live
     * rooms, open admin pages). Payload: {@code {"clinicId","personId","role","change":"created"}} —
     * identifiers only, never names or contact data.
     */
    public static final String PEOPLE_EVENTS = "hearth.people.events";

    /**
     * Published by each node when it starts, so operators and tests can see membership through the
     * event bus as well as through Hazelcast. Payload: {@code {"nodeId","httpPort","startedAt"}}.
     */
    public static final String NODE_EVENTS = "hearth.cluster.events.node";

    /**
     * Published by the node that changed a live room (a seat added, changed or removed; an
     * admission, a removal, an end; a chat line), for every node: each node pushes the new roster and
     * lobby to its own connections. Payload: {@code RoomEvent} JSON —
     * {@code {"kind","clinicId","roomId","personId"?,"connectionId"?,"reason"?,"message"?,"recipients"?,"chat"?}}.
     * Chat text travels only here and only to the room's admitted members; nothing is stored.
     */
    public static final String ROOM_EVENTS = "hearth.rooms.events";

    /**
     * Published by the node where sessions ended early (sign-out, a reused refresh token, a new
     * password), for every node: each closes its open sockets of those sessions (close code 4401).
     * Payload: {@code {"sessionIds":[...]}} (refresh-token family ids, the access tokens' {@code sid}),
     * or {@code {"personId","notBefore"}}: every session of that person whose token was issued
     * before that instant (ISO-8601). Identifiers only.
     */
    public static final String SESSIONS_REVOKED_EVENTS = "hearth.auth.events.sessions-revoked";

    /**
     * Published by the node where a patient's clinical record raised a safety alert, had one
     * acknowledged, or changed, for every node: each pushes to its own open sockets of the
     * recipients ({@code care.alert}, {@code care.alert.acknowledged}, {@code care.changed}). Payload:
     * {@code {"kind":"alert-raised"|"alert-acknowledged"|"record-changed","clinicId","patientId",
     * "alertId"?,"record"?,"recipients":[personId...]}} — identifiers only, never clinical content.
     */
    public static final String CARE_EVENTS = "hearth.care.events";

    /**
     * Point-to-point requests to the node that drives a circle's media-server conference (one address
     * per node: this prefix plus its cluster member id). Payload:
     * {@code {"op":"join"|"answer"|"candidate","clinicId","roomId","personId","sdp"?,"candidate"?}}; reply
     * {@code {}}, or {@code {"code","message"}}: the refusal to tell the browser (a WsErrorCode's wire
     * name, so nodes of different versions agree).
     */
    public static final String CIRCLE_MEDIA_REQUESTS_PREFIX = "hearth.circles.requests.media.";

    /** The circle-media request address of one node. */
    public static String circleMediaRequests(String nodeId) {
        return CIRCLE_MEDIA_REQUESTS_PREFIX + nodeId;
    }
}
