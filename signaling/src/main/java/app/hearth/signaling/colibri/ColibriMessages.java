package app.hearth.signaling.colibri;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import org.jitsi.utils.MediaType;
import org.jitsi.xmpp.extensions.colibri.SourcePacketExtension;
import org.jitsi.xmpp.extensions.colibri.WebSocketPacketExtension;
import org.jitsi.xmpp.extensions.colibri2.Capability;
import org.jitsi.xmpp.extensions.colibri2.Colibri2Endpoint;
import org.jitsi.xmpp.extensions.colibri2.ConferenceModifiedIQ;
import org.jitsi.xmpp.extensions.colibri2.ConferenceModifyIQ;
import org.jitsi.xmpp.extensions.colibri2.Media;
import org.jitsi.xmpp.extensions.colibri2.MediaSource;
import org.jitsi.xmpp.extensions.colibri2.Sources;
import org.jitsi.xmpp.extensions.colibri2.Transport;
import org.jitsi.xmpp.extensions.colibri2.json.Colibri2JSONDeserializer;
import org.jitsi.xmpp.extensions.colibri2.json.Colibri2JSONSerializer;
import org.jitsi.xmpp.extensions.jingle.ExtmapAllowMixedPacketExtension;
import org.jitsi.xmpp.extensions.jingle.IceUdpTransportPacketExtension;
import org.jitsi.xmpp.extensions.jingle.ParameterPacketExtension;
import org.jitsi.xmpp.extensions.jingle.PayloadTypePacketExtension;
import org.jitsi.xmpp.extensions.jingle.RTPHdrExtPacketExtension;
import org.jitsi.xmpp.extensions.jingle.RtcpFbPacketExtension;
import org.jitsi.xmpp.extensions.jingle.SourceGroupPacketExtension;
import org.jivesoftware.smackx.muc.MUCRole;

/**
 * The Colibri2 requests Hearth sends and the answers it reads, built with jitsi-xmpp-extensions'
 * classes and written / read by its JSON serializer, so the format is the bridge's own (names,
 * nesting, booleans as booleans, header-extension ids as numbers). The bridge's rules, kept in the
 * tests as recorded samples: {@code meeting-id} on every request, one endpoint per request, the
 * {@code source-names} capability and a {@code transport} object to create an endpoint.
 *
 * <p>The media description (codecs, feedback, header extensions) is defined once here and used for
 * both the bridge's endpoint and the browser's SDP offer, so the two cannot drift apart.
 */
public final class ColibriMessages {

    static final String AUDIO_LEVEL = "urn:ietf:params:rtp-hdrext:ssrc-audio-level";
    static final String ABS_SEND_TIME = "http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time";
    static final String TRANSPORT_CC = "http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01";

    private static final ObjectMapper JSON = new ObjectMapper();

    private ColibriMessages() {
    }

    /**
     * Creates the conference with its first endpoint ({@code createConference}) or adds one endpoint
     * to it. The bridge is ICE-controlling and answers with its transport for the endpoint.
     */
    public static String allocate(String meetingId, String conferenceName, String endpointId, boolean createConference) {
        ConferenceModifyIQ.Builder iq = ConferenceModifyIQ.builder("colibri2").setMeetingId(meetingId);
        if (createConference) {
            iq.setConferenceName(conferenceName).setCreate(true);
        }
        Colibri2Endpoint.Builder endpoint = Colibri2Endpoint.getBuilder();
        // endpoint-specific setters first: the base builder's setters return the base type
        endpoint.setStatsId(endpointId + "-stats").setMucRole(MUCRole.participant).addCapability(Capability.CAP_SOURCE_NAME_SUPPORT);
        endpoint.setId(endpointId);
        endpoint.setCreate(true);
        endpoint.setTransport(Transport.getBuilder().setIceControlling(true).build());
        endpoint.addMedia(audioMedia());
        endpoint.addMedia(videoMedia());
        iq.addEndpoint(endpoint.build());
        return write(iq.build());
    }

    /**
     * Gives the bridge what the browser's answer says: its ICE credentials, DTLS fingerprint (setup
     * active), candidates ({@code transport} null: unchanged), and its sources ({@code null}: unchanged;
     * an empty list removes all of them).
     */
    public static String updateEndpoint(String meetingId, String endpointId, IceUdpTransportPacketExtension transport,
                                        List<Source> sources) {
        Colibri2Endpoint.Builder endpoint = Colibri2Endpoint.getBuilder();
        endpoint.setId(endpointId);
        if (transport != null) {
            endpoint.setTransport(Transport.getBuilder().setIceUdpExtension(transport).build());
        }
        if (sources != null) {
            endpoint.setSources(sources(sources));
        }
        return write(ConferenceModifyIQ.builder("colibri2").setMeetingId(meetingId).addEndpoint(endpoint.build()).build());
    }

    public static String expireEndpoint(String meetingId, String endpointId) {
        Colibri2Endpoint.Builder endpoint = Colibri2Endpoint.getBuilder();
        endpoint.setId(endpointId);
        endpoint.setExpire(true);
        return write(ConferenceModifyIQ.builder("colibri2").setMeetingId(meetingId).addEndpoint(endpoint.build()).build());
    }

    public static String expireConference(String meetingId) {
        return write(ConferenceModifyIQ.builder("colibri2").setMeetingId(meetingId).setExpire(true).build());
    }

    /** The bridge's answer, read with Jitsi's deserializer. */
    public static ConferenceModifiedIQ read(String json) throws ColibriException {
        JsonNode node;
        try {
            node = JSON.readTree(json == null ? "" : json);
        } catch (Exception e) {
            throw new ColibriException(ColibriException.Kind.BAD_ANSWER, "the bridge's answer is not JSON: " + e.getMessage());
        }
        if (!(node instanceof ObjectNode object)) {
            throw new ColibriException(ColibriException.Kind.BAD_ANSWER, "the bridge's answer is not a JSON object");
        }
        try {
            return Colibri2JSONDeserializer.deserializeConferenceModified(object).build();
        } catch (RuntimeException e) {
            throw new ColibriException(ColibriException.Kind.BAD_ANSWER, "the bridge's answer could not be read: " + e);
        }
    }

    /** The endpoint's ICE-UDP transport (ufrag, pwd, candidates, fingerprint) in an answer, or null. */
    public static IceUdpTransportPacketExtension transportOf(ConferenceModifiedIQ answer, String endpointId) {
        return answer.getEndpoints().stream().filter(e -> endpointId.equals(e.getId())).findFirst()
                .map(Colibri2Endpoint::getTransport).map(Transport::getIceUdpTransport).orElse(null);
    }

    /**
     * The colibri WebSocket URL the bridge advertises in an endpoint's transport ({@code "web-sockets"} in
     * the JSON, {@code <web-socket url=…/>} children of the ICE-UDP transport), or null when its WebSockets
     * are off. The first one when it lists several domains.
     */
    public static String webSocketOf(IceUdpTransportPacketExtension transport) {
        if (transport == null) {
            return null;
        }
        return transport.getChildExtensionsOfType(WebSocketPacketExtension.class).stream().map(WebSocketPacketExtension::getUrl)
                .filter(url -> url != null && (url.startsWith("ws://") || url.startsWith("wss://"))).findFirst().orElse(null);
    }

    /** The bridge's own (feedback) sources in an answer: the SSRCs it sends RTCP and probing from. */
    public static List<Source> bridgeSourcesOf(ConferenceModifiedIQ answer) {
        List<Source> out = new ArrayList<>();
        if (answer.getSources() == null) {
            return out;
        }
        for (MediaSource media : answer.getSources().getMediaSources()) {
            List<Long> ssrcs = media.getSources().stream().filter(SourcePacketExtension::hasSSRC).map(SourcePacketExtension::getSSRC).toList();
            if (ssrcs.isEmpty()) {
                continue;
            }
            List<Source.SsrcGroup> groups = media.getSsrcGroups().stream()
                    .map(g -> new Source.SsrcGroup(g.getSemantics(), g.getSources().stream().map(SourcePacketExtension::getSSRC).toList()))
                    .toList();
            out.add(new Source(media.getId(), Source.BRIDGE, media.getType().toString(), ssrcs, groups));
        }
        return out;
    }

    /** Colibri2 sources: one media-source per Source, its SSRCs named by the source name, its groups. */
    static Sources sources(List<Source> sources) {
        Sources.Builder out = Sources.getBuilder();
        for (Source s : sources) {
            MediaSource.Builder media = MediaSource.getBuilder().setType(MediaType.parseString(s.kind())).setId(s.name());
            for (long ssrc : s.ssrcs()) {
                media.addSource(ssrc(ssrc, s.name()));
            }
            for (Source.SsrcGroup g : s.groups()) {
                SourceGroupPacketExtension group = new SourceGroupPacketExtension();
                group.setSemantics(g.semantics());
                group.addSources(g.ssrcs().stream().map(ssrc -> ssrc(ssrc, null)).toList());
                media.addSsrcGroup(group);
            }
            out.addMediaSource(media.build());
        }
        return out.build();
    }

    private static SourcePacketExtension ssrc(long ssrc, String name) {
        SourcePacketExtension source = new SourcePacketExtension();
        source.setSSRC(ssrc);
        if (name != null) {
            source.setName(name);
        }
        return source;
    }

    private static String write(ConferenceModifyIQ iq) {
        return Colibri2JSONSerializer.serializeConferenceModify(iq).toString();
    }

    /** Opus with in-band FEC; audio level and transport-wide congestion control. */
    static Media audioMedia() {
        PayloadTypePacketExtension opus = payloadType(111, "opus", 48000);
        opus.setChannels(2);
        opus.addParameter(new ParameterPacketExtension("minptime", "10"));
        opus.addParameter(new ParameterPacketExtension("useinbandfec", "1"));
        opus.addRtcpFeedbackType(feedback("transport-cc", null));
        return Media.getBuilder().setType(MediaType.AUDIO).addPayloadType(opus)
                .addRtpHdrExt(extension(1, AUDIO_LEVEL))
                .addRtpHdrExt(extension(5, TRANSPORT_CC))
                .setExtmapAllowMixed(new ExtmapAllowMixedPacketExtension()).build();
    }

    /**
     * VP8 with rtx (retransmissions on their own SSRC, paired by an FID group), NACK, PLI, FIR and
     * transport-cc. No {@code sdes:mid} header extension on purpose: the bridge forwards packets as
     * they came, so browsers must demultiplex by SSRC, not by the sender's mid.
     */
    static Media videoMedia() {
        PayloadTypePacketExtension vp8 = payloadType(100, "VP8", 90000);
        vp8.addParameter(new ParameterPacketExtension("x-google-start-bitrate", "800"));
        vp8.addRtcpFeedbackType(feedback("ccm", "fir"));
        vp8.addRtcpFeedbackType(feedback("nack", null));
        vp8.addRtcpFeedbackType(feedback("nack", "pli"));
        vp8.addRtcpFeedbackType(feedback("transport-cc", null));
        PayloadTypePacketExtension rtx = payloadType(96, "rtx", 90000);
        rtx.addParameter(new ParameterPacketExtension("apt", "100"));
        return Media.getBuilder().setType(MediaType.VIDEO).addPayloadType(vp8).addPayloadType(rtx)
                .addRtpHdrExt(extension(3, ABS_SEND_TIME))
                .addRtpHdrExt(extension(5, TRANSPORT_CC))
                .setExtmapAllowMixed(new ExtmapAllowMixedPacketExtension()).build();
    }

    private static PayloadTypePacketExtension payloadType(int id, String name, int clockrate) {
        PayloadTypePacketExtension pt = new PayloadTypePacketExtension();
        pt.setId(id);
        pt.setName(name);
        pt.setClockrate(clockrate);
        return pt;
    }

    private static RtcpFbPacketExtension feedback(String type, String subtype) {
        RtcpFbPacketExtension fb = new RtcpFbPacketExtension();
        fb.setFeedbackType(type);
        if (subtype != null) {
            fb.setFeedbackSubtype(subtype);
        }
        return fb;
    }

    private static RTPHdrExtPacketExtension extension(int id, String uri) {
        RTPHdrExtPacketExtension ext = new RTPHdrExtPacketExtension();
        ext.setID(Integer.toString(id));
        ext.setURI(URI.create(uri));
        return ext;
    }
}
