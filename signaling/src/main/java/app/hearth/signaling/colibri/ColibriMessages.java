package app.hearth.signaling.colibri;

import java.util.List;
import org.jitsi.utils.MediaType;
import org.jitsi.xmpp.extensions.colibri.SourcePacketExtension;
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
import org.jitsi.xmpp.extensions.jingle.PayloadTypePacketExtension;
import org.jitsi.xmpp.extensions.jingle.RTPHdrExtPacketExtension;
import org.jitsi.xmpp.extensions.jingle.RtcpFbPacketExtension;
import org.jitsi.xmpp.extensions.jingle.SourceGroupPacketExtension;
import org.jivesoftware.smackx.muc.MUCRole;

/**
 * Colibri2 requests Hearth sends and answers it reads, built with Jitsi's own classes and their
 * JSON serializer so that the format is the bridge's (types, names, nesting). The bridge's rules
 * (shared/reference/colibri2-http.md, kept as samples in the tests): one endpoint per request,
 * capability source-names, a transport object on creation.
 */
public final class ColibriMessages {

    static final String WEBRTC_CC = "http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01";

    private ColibriMessages() {
    }

    /** A participant's media as the browser sends it: an audio and a video source (with its rtx). */
    public record EndpointSources(String endpointId, long audioSsrc, long videoSsrc, long videoRtxSsrc) {
    }

    /** Creates the conference with its first endpoint, or (create false) adds an endpoint to it. */
    public static String allocate(String meetingId, String conferenceName, String endpointId, boolean createConference) {
        ConferenceModifyIQ.Builder iq = ConferenceModifyIQ.builder("colibri2").setMeetingId(meetingId);
        if (createConference) {
            iq.setConferenceName(conferenceName).setCreate(true);
        }
        Colibri2Endpoint.Builder endpoint = Colibri2Endpoint.getBuilder();
        endpoint.setStatsId(endpointId + "-stats").setMucRole(MUCRole.participant).addCapability(Capability.CAP_SOURCE_NAME_SUPPORT);
        endpoint.setId(endpointId);
        endpoint.setCreate(true);
        endpoint.setTransport(Transport.getBuilder().setIceControlling(true).build());
        endpoint.addMedia(audio());
        endpoint.addMedia(video());
        iq.addEndpoint(endpoint.build());
        return Colibri2JSONSerializer.serializeConferenceModify(iq.build()).toString();
    }

    /** Gives the bridge the browser's transport (from its SDP answer) and its sources. */
    public static String updateEndpoint(String meetingId, String endpointId, IceUdpTransportPacketExtension transport,
                                        EndpointSources sources) {
        Colibri2Endpoint.Builder endpoint = Colibri2Endpoint.getBuilder();
        endpoint.setId(endpointId);
        endpoint.setTransport(Transport.getBuilder().setIceUdpExtension(transport).build());
        endpoint.setSources(sources(sources));
        return Colibri2JSONSerializer.serializeConferenceModify(ConferenceModifyIQ.builder("colibri2").setMeetingId(meetingId)
                .addEndpoint(endpoint.build()).build()).toString();
    }

    public static String expireEndpoint(String meetingId, String endpointId) {
        Colibri2Endpoint.Builder endpoint = Colibri2Endpoint.getBuilder();
        endpoint.setId(endpointId);
        endpoint.setExpire(true);
        return Colibri2JSONSerializer.serializeConferenceModify(ConferenceModifyIQ.builder("colibri2").setMeetingId(meetingId)
                .addEndpoint(endpoint.build()).build()).toString();
    }

    public static String expireConference(String meetingId) {
        return Colibri2JSONSerializer.serializeConferenceModify(ConferenceModifyIQ.builder("colibri2").setMeetingId(meetingId)
                .setExpire(true).build()).toString();
    }

    /** The bridge's answer, read with Jitsi's deserializer. */
    public static ConferenceModifiedIQ read(String json) throws ColibriException {
        try {
            com.fasterxml.jackson.databind.JsonNode node = new com.fasterxml.jackson.databind.ObjectMapper().readTree(json);
            if (!(node instanceof com.fasterxml.jackson.databind.node.ObjectNode object)) {
                throw new ColibriException(-1, "the bridge's answer is not a JSON object");
            }
            return Colibri2JSONDeserializer.deserializeConferenceModified(object).build();
        } catch (ColibriException e) {
            throw e;
        } catch (Exception e) {
            throw new ColibriException(-1, "the bridge's answer could not be read: " + e.getMessage());
        }
    }

    /** The endpoint's ICE/DTLS transport in an answer (null when the bridge sent none). */
    public static IceUdpTransportPacketExtension transportOf(ConferenceModifiedIQ answer, String endpointId) {
        return answer.getEndpoints().stream().filter(e -> endpointId.equals(e.getId())).findFirst()
                .map(Colibri2Endpoint::getTransport).map(Transport::getIceUdpTransport).orElse(null);
    }

    static Sources sources(EndpointSources s) {
        MediaSource audio = MediaSource.getBuilder().setType(MediaType.AUDIO).setId(s.endpointId() + "-a0")
                .addSource(source(s.audioSsrc(), s.endpointId() + "-a0")).build();
        SourceGroupPacketExtension fid = new SourceGroupPacketExtension();
        fid.setSemantics("FID");
        fid.addSources(List.of(source(s.videoSsrc(), null), source(s.videoRtxSsrc(), null)));
        MediaSource video = MediaSource.getBuilder().setType(MediaType.VIDEO).setId(s.endpointId() + "-v0")
                .addSource(source(s.videoSsrc(), s.endpointId() + "-v0")).addSource(source(s.videoRtxSsrc(), s.endpointId() + "-v0"))
                .addSsrcGroup(fid).build();
        return Sources.getBuilder().addMediaSource(audio).addMediaSource(video).build();
    }

    private static SourcePacketExtension source(long ssrc, String name) {
        SourcePacketExtension source = new SourcePacketExtension();
        source.setSSRC(ssrc);
        if (name != null) {
            source.setName(name);
        }
        return source;
    }

    private static Media audio() {
        PayloadTypePacketExtension opus = new PayloadTypePacketExtension();
        opus.setId(111);
        opus.setName("opus");
        opus.setClockrate(48000);
        opus.setChannels(2);
        opus.addParameter(parameter("minptime", "10"));
        opus.addParameter(parameter("useinbandfec", "1"));
        opus.addRtcpFeedbackType(feedback("transport-cc", null));
        return Media.getBuilder().setType(MediaType.AUDIO).addPayloadType(opus)
                .addRtpHdrExt(extension(1, "urn:ietf:params:rtp-hdrext:ssrc-audio-level"))
                .addRtpHdrExt(extension(5, WEBRTC_CC))
                .setExtmapAllowMixed(new ExtmapAllowMixedPacketExtension()).build();
    }

    private static Media video() {
        PayloadTypePacketExtension vp8 = new PayloadTypePacketExtension();
        vp8.setId(100);
        vp8.setName("VP8");
        vp8.setClockrate(90000);
        vp8.addParameter(parameter("x-google-start-bitrate", "800"));
        vp8.addRtcpFeedbackType(feedback("ccm", "fir"));
        vp8.addRtcpFeedbackType(feedback("nack", null));
        vp8.addRtcpFeedbackType(feedback("nack", "pli"));
        vp8.addRtcpFeedbackType(feedback("transport-cc", null));
        PayloadTypePacketExtension rtx = new PayloadTypePacketExtension();
        rtx.setId(96);
        rtx.setName("rtx");
        rtx.setClockrate(90000);
        rtx.addParameter(parameter("apt", "100"));
        return Media.getBuilder().setType(MediaType.VIDEO).addPayloadType(vp8).addPayloadType(rtx)
                .addRtpHdrExt(extension(3, "http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time"))
                .addRtpHdrExt(extension(5, WEBRTC_CC))
                .setExtmapAllowMixed(new ExtmapAllowMixedPacketExtension()).build();
    }

    private static org.jitsi.xmpp.extensions.jingle.ParameterPacketExtension parameter(String name, String value) {
        return new org.jitsi.xmpp.extensions.jingle.ParameterPacketExtension(name, value);
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
        ext.setURI(java.net.URI.create(uri));
        return ext;
    }
}
