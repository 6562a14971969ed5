package app.hearth.signaling.colibri;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jitsi.xmpp.extensions.jingle.CandidatePacketExtension;
import org.jitsi.xmpp.extensions.jingle.CandidateType;
import org.jitsi.xmpp.extensions.jingle.DtlsFingerprintPacketExtension;
import org.jitsi.xmpp.extensions.jingle.IceUdpTransportPacketExtension;

/**
 * SDP for a browser in a circle that goes through Jitsi Videobridge (Hearth plays Jicofo's part).
 *
 * <p>The offer: the bridge's ICE credentials, candidates and DTLS fingerprint (the bridge is the
 * DTLS server: setup actpass, the browser answers active), one audio and one video m-line for the
 * browser's own media (which also carry the first remote participant's), and one more m-line for
 * every further remote source, as Unified Plan wants one stream per m-line. The answer is read back
 * into the browser's transport and sources for the bridge.
 */
public final class CircleSdp {

    /** One other participant's media, as the bridge forwards it. */
    public record RemoteSource(String name, String kind, long ssrc, Long rtxSsrc) {
    }

    /** What the bridge needs from the browser's answer. */
    public record Answer(IceUdpTransportPacketExtension transport, ColibriMessages.EndpointSources sources) {
    }

    private CircleSdp() {
    }

    public static String offer(IceUdpTransportPacketExtension bridge, List<RemoteSource> remotes, long sessionVersion) {
        DtlsFingerprintPacketExtension fingerprint = bridge.getChildExtensionsOfType(DtlsFingerprintPacketExtension.class).get(0);
        List<RemoteSource> audio = remotes.stream().filter(r -> "audio".equals(r.kind())).toList();
        List<RemoteSource> video = remotes.stream().filter(r -> "video".equals(r.kind())).toList();
        List<String> sections = new ArrayList<>();
        List<String> mids = new ArrayList<>();
        int mid = 0;
        sections.add(section("audio", mid, "sendrecv", bridge, fingerprint, audio.isEmpty() ? null : audio.get(0)));
        mids.add(Integer.toString(mid++));
        sections.add(section("video", mid, "sendrecv", bridge, fingerprint, video.isEmpty() ? null : video.get(0)));
        mids.add(Integer.toString(mid++));
        for (List<RemoteSource> more : List.of(audio.subList(Math.min(1, audio.size()), audio.size()),
                video.subList(Math.min(1, video.size()), video.size()))) {
            for (RemoteSource source : more) {
                sections.add(section(source.kind(), mid, "sendonly", bridge, fingerprint, source));
                mids.add(Integer.toString(mid++));
            }
        }
        StringBuilder sdp = new StringBuilder()
                .append("v=0\r\n").append("o=- 1923518516 ").append(sessionVersion).append(" IN IP4 0.0.0.0\r\n")
                .append("s=-\r\n").append("t=0 0\r\n")
                .append("a=group:BUNDLE ").append(String.join(" ", mids)).append("\r\n")
                .append("a=msid-semantic: WMS *\r\n");
        sections.forEach(sdp::append);
        return sdp.toString();
    }

    private static String section(String kind, int mid, String direction, IceUdpTransportPacketExtension bridge,
                                  DtlsFingerprintPacketExtension fingerprint, RemoteSource source) {
        boolean audio = "audio".equals(kind);
        StringBuilder m = new StringBuilder()
                .append("m=").append(kind).append(" 9 UDP/TLS/RTP/SAVPF ").append(audio ? "111" : "100 96").append("\r\n")
                .append("c=IN IP4 0.0.0.0\r\n").append("a=rtcp:9 IN IP4 0.0.0.0\r\n")
                .append("a=ice-ufrag:").append(bridge.getUfrag()).append("\r\n")
                .append("a=ice-pwd:").append(bridge.getPassword()).append("\r\n")
                .append("a=fingerprint:").append(fingerprint.getHash()).append(' ').append(fingerprint.getFingerprint()).append("\r\n")
                .append("a=setup:actpass\r\n").append("a=mid:").append(mid).append("\r\n");
        if (audio) {
            m.append("a=extmap:1 urn:ietf:params:rtp-hdrext:ssrc-audio-level\r\n");
        } else {
            m.append("a=extmap:3 http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time\r\n");
        }
        m.append("a=extmap:5 ").append(ColibriMessages.WEBRTC_CC).append("\r\n")
                .append("a=").append(direction).append("\r\n").append("a=rtcp-mux\r\n");
        if (audio) {
            m.append("a=rtpmap:111 opus/48000/2\r\n").append("a=rtcp-fb:111 transport-cc\r\n")
                    .append("a=fmtp:111 minptime=10;useinbandfec=1\r\n");
        } else {
            m.append("a=rtpmap:100 VP8/90000\r\n").append("a=rtcp-fb:100 ccm fir\r\n").append("a=rtcp-fb:100 nack\r\n")
                    .append("a=rtcp-fb:100 nack pli\r\n").append("a=rtcp-fb:100 transport-cc\r\n")
                    .append("a=fmtp:100 x-google-start-bitrate=800\r\n")
                    .append("a=rtpmap:96 rtx/90000\r\n").append("a=fmtp:96 apt=100\r\n");
        }
        if (source != null) {
            String msid = source.name() + " " + source.name() + "-track";
            m.append("a=msid:").append(msid).append("\r\n");
            if (source.rtxSsrc() != null) {
                m.append("a=ssrc-group:FID ").append(source.ssrc()).append(' ').append(source.rtxSsrc()).append("\r\n");
            }
            m.append("a=ssrc:").append(source.ssrc()).append(" cname:").append(source.name()).append("\r\n")
                    .append("a=ssrc:").append(source.ssrc()).append(" msid:").append(msid).append("\r\n");
            if (source.rtxSsrc() != null) {
                m.append("a=ssrc:").append(source.rtxSsrc()).append(" cname:").append(source.name()).append("\r\n")
                        .append("a=ssrc:").append(source.rtxSsrc()).append(" msid:").append(msid).append("\r\n");
            }
        }
        for (CandidatePacketExtension c : bridge.getCandidateList()) {
            m.append("a=candidate:").append(c.getFoundation()).append(' ').append(c.getComponent()).append(' ')
                    .append(c.getProtocol()).append(' ').append(c.getPriority()).append(' ').append(c.getIP()).append(' ')
                    .append(c.getPort()).append(" typ ").append(c.getType()).append(" generation ").append(c.getGeneration())
                    .append("\r\n");
        }
        if (!bridge.getCandidateList().isEmpty()) {
            m.append("a=end-of-candidates\r\n");
        }
        return m.toString();
    }

    private static final Pattern SSRC = Pattern.compile("^a=ssrc:(\\d+) ");
    private static final Pattern FID = Pattern.compile("^a=ssrc-group:FID (\\d+) (\\d+)");

    /** Reads the browser's answer: its ICE credentials, DTLS fingerprint (setup active), candidates and first sources. */
    public static Answer answer(String endpointId, String sdp) {
        if (sdp == null || !sdp.startsWith("v=0")) {
            throw new IllegalArgumentException("not a session description");
        }
        String ufrag = null;
        String pwd = null;
        String hash = null;
        String print = null;
        String setup = "active";
        String kind = null;
        Long audioSsrc = null;
        Long videoSsrc = null;
        Long rtxSsrc = null;
        List<CandidatePacketExtension> candidates = new ArrayList<>();
        for (String raw : sdp.split("\r?\n")) {
            String line = raw.strip();
            if (line.startsWith("m=")) {
                kind = line.substring(2, line.indexOf(' '));
            } else if (line.startsWith("a=ice-ufrag:") && ufrag == null) {
                ufrag = line.substring(12);
            } else if (line.startsWith("a=ice-pwd:") && pwd == null) {
                pwd = line.substring(10);
            } else if (line.startsWith("a=fingerprint:") && print == null) {
                String[] parts = line.substring(14).split(" ", 2);
                hash = parts[0];
                print = parts[1];
            } else if (line.startsWith("a=setup:")) {
                setup = line.substring(8);
            } else if (line.startsWith("a=candidate:")) {
                candidates.add(candidate(line.substring(12)));
            } else if (line.startsWith("a=ssrc-group:FID") && "video".equals(kind) && rtxSsrc == null) {
                Matcher m = FID.matcher(line);
                if (m.find()) {
                    videoSsrc = Long.parseLong(m.group(1));
                    rtxSsrc = Long.parseLong(m.group(2));
                }
            } else if (line.startsWith("a=ssrc:")) {
                Matcher m = SSRC.matcher(line);
                if (m.find()) {
                    long ssrc = Long.parseLong(m.group(1));
                    if ("audio".equals(kind) && audioSsrc == null) {
                        audioSsrc = ssrc;
                    } else if ("video".equals(kind) && videoSsrc == null) {
                        videoSsrc = ssrc;
                    }
                }
            }
        }
        if (ufrag == null || pwd == null || print == null) {
            throw new IllegalArgumentException("the answer has no ICE credentials or DTLS fingerprint");
        }
        IceUdpTransportPacketExtension transport = new IceUdpTransportPacketExtension();
        transport.setUfrag(ufrag);
        transport.setPassword(pwd);
        DtlsFingerprintPacketExtension fingerprint = new DtlsFingerprintPacketExtension();
        fingerprint.setHash(hash);
        fingerprint.setFingerprint(print);
        fingerprint.setSetup(setup);
        transport.addChildExtension(fingerprint);
        transport.addChildExtension(new org.jitsi.xmpp.extensions.jingle.IceRtcpmuxPacketExtension());
        candidates.forEach(transport::addCandidate);
        ColibriMessages.EndpointSources sources = new ColibriMessages.EndpointSources(endpointId,
                audioSsrc == null ? 0 : audioSsrc, videoSsrc == null ? 0 : videoSsrc, rtxSsrc == null ? 0 : rtxSsrc);
        return new Answer(transport, sources);
    }

    /** "foundation component protocol priority ip port typ type [...]" → the Jingle candidate. */
    private static CandidatePacketExtension candidate(String value) {
        String[] f = value.split(" ");
        CandidatePacketExtension c = new org.jitsi.xmpp.extensions.jingle.IceCandidatePacketExtension();
        c.setFoundation(f[0]);
        c.setComponent(Integer.parseInt(f[1]));
        c.setProtocol(f[2].toLowerCase());
        c.setPriority(Long.parseLong(f[3]));
        c.setIP(f[4]);
        c.setPort(Integer.parseInt(f[5]));
        c.setType(CandidateType.valueOf(f[7]));
        c.setGeneration(0);
        c.setNetwork(0);
        c.setID(Integer.toHexString((f[0] + f[4] + f[5]).hashCode()));
        return c;
    }
}
