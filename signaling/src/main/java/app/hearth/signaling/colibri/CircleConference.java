package app.hearth.signaling.colibri;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.jitsi.xmpp.extensions.colibri2.ConferenceModifiedIQ;
import org.jitsi.xmpp.extensions.jingle.IceUdpTransportPacketExtension;

/**
 * One circle's conference on a bridge: an endpoint per participant, allocated one per request as
 * the bridge requires, their answers given back, expired when they leave, and the whole conference
 * expired when the room closes. When its bridge fails, the conference moves to another bridge and
 * tells the caller whose browsers need a new offer.
 *
 * <p>Not thread-safe: the room layer drives one circle from one place.
 */
public final class CircleConference {

    private final Bridges bridges;
    private final BridgeHttp http;
    private final String circleId;
    private Bridges.Bridge bridge;
    private String meetingId;
    private boolean created;
    /** endpoint id → the bridge's transport for it (what the browser's offer is built from). */
    private final Map<String, IceUdpTransportPacketExtension> endpoints = new LinkedHashMap<>();

    public CircleConference(Bridges bridges, BridgeHttp http, String circleId) {
        this.bridges = bridges;
        this.http = http;
        this.circleId = circleId;
    }

    public Bridges.Bridge bridge() {
        return bridge;
    }

    /**
     * Allocates an endpoint for a participant (creating the conference on a selected bridge first).
     *
     * @return the bridge's transport for this endpoint: ICE credentials, candidates, DTLS fingerprint
     */
    public IceUdpTransportPacketExtension allocate(String endpointId) throws ColibriException {
        if (bridge == null) {
            bridge = bridges.select().orElseThrow(() -> new ColibriException(-1, "no healthy bridge"));
            meetingId = UUID.randomUUID().toString();
            created = false;
        }
        String body = ColibriMessages.allocate(meetingId, circleId + "@hearth", endpointId, !created);
        BridgeHttp.Response response = call(created ? "PATCH" : "POST", created ? bridge.conference(meetingId) : bridge.conferences(), body);
        created = true;
        ConferenceModifiedIQ answer = ColibriMessages.read(response.body());
        IceUdpTransportPacketExtension transport = ColibriMessages.transportOf(answer, endpointId);
        if (transport == null) {
            throw new ColibriException(response.status(), "the bridge allocated no transport for " + endpointId);
        }
        endpoints.put(endpointId, transport);
        bridge.changeEndpoints(1);
        return transport;
    }

    /** Gives the bridge a browser's answer (its transport and sources). */
    public void answer(String endpointId, CircleSdp.Answer answer) throws ColibriException {
        call("PATCH", bridge.conference(meetingId), ColibriMessages.updateEndpoint(meetingId, endpointId, answer.transport(), answer.sources()));
    }

    public void expire(String endpointId) throws ColibriException {
        if (endpoints.remove(endpointId) != null && bridge != null) {
            bridge.changeEndpoints(-1);
            call("PATCH", bridge.conference(meetingId), ColibriMessages.expireEndpoint(meetingId, endpointId));
        }
    }

    /** Expires the whole conference (the room closed). */
    public void close() throws ColibriException {
        if (bridge != null && created) {
            bridge.changeEndpoints(-endpoints.size());
            endpoints.clear();
            call("PATCH", bridge.conference(meetingId), ColibriMessages.expireConference(meetingId));
        }
        bridge = null;
    }

    /**
     * Moves the conference to another healthy bridge after its bridge failed: every endpoint is
     * allocated anew there.
     *
     * @return the endpoints whose browsers need a new offer (all of them)
     */
    public Map<String, IceUdpTransportPacketExtension> moveToAnotherBridge() throws ColibriException {
        if (bridge != null) {
            bridges.markUnhealthy(bridge);
            bridge.changeEndpoints(-endpoints.size());
        }
        List<String> ids = new ArrayList<>(endpoints.keySet());
        endpoints.clear();
        bridge = null;
        Map<String, IceUdpTransportPacketExtension> moved = new LinkedHashMap<>();
        for (String id : ids) {
            moved.put(id, allocate(id));
        }
        return moved;
    }

    private BridgeHttp.Response call(String method, java.net.URI uri, String body) throws ColibriException {
        BridgeHttp.Response response;
        try {
            response = http.send(method, uri, body);
        } catch (IOException e) {
            throw new ColibriException(-1, "bridge " + bridge + " did not answer: " + e.getMessage());
        }
        if (!response.ok()) {
            throw new ColibriException(response.status(), "bridge " + bridge + " refused: " + ColibriException.reason(response.body()));
        }
        return response;
    }
}
