package app.hearth.signaling.colibri;

/**
 * An SDP offer for one participant's browser, to be sent over the room socket; the browser answers
 * it and the answer goes to {@link CircleConferences#answer}.
 *
 * @param participantId whose browser it is for
 * @param sdp           the offer (Unified Plan, BUNDLE, the bridge's ICE/DTLS)
 * @param newConnection true: answer it in a NEW RTCPeerConnection (first offer of a join, or the circle
 *                      moved to another bridge), closing any previous bridge connection; false: a
 *                      renegotiation of the current connection (others' sources added or removed)
 * @param channelUrl    the bridge channel of this participant's endpoint: the colibri WebSocket URL the
 *                      browser opens to send its receiver video constraints and hear dominant-speaker and
 *                      forwarded-sources messages (public form, see {@link BridgeConfig#wsPublicBase()});
 *                      null when the bridge advertises none (its WebSockets are off)
 */
public record Offer(String participantId, String sdp, boolean newConnection, String channelUrl) {

    public Offer(String participantId, String sdp, boolean newConnection) {
        this(participantId, sdp, newConnection, null);
    }
}
