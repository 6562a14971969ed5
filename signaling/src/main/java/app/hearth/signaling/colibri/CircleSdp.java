package app.hearth.signaling.colibri;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import org.jitsi.xmpp.extensions.colibri2.Media;
import org.jitsi.xmpp.extensions.jingle.CandidatePacketExtension;
import org.jitsi.xmpp.extensions.jingle.CandidateType;
import org.jitsi.xmpp.extensions.jingle.DtlsFingerprintPacketExtension;
import org.jitsi.xmpp.extensions.jingle.IceCandidatePacketExtension;
import org.jitsi.xmpp.extensions.jingle.IceRtcpmuxPacketExtension;
import org.jitsi.xmpp.extensions.jingle.IceUdpTransportPacketExtension;
import org.jitsi.xmpp.extensions.jingle.ParameterPacketExtension;
import org.jitsi.xmpp.extensions.jingle.PayloadTypePacketExtension;
import org.jitsi.xmpp.extensions.jingle.RTPHdrExtPacketExtension;
import org.jitsi.xmpp.extensions.jingle.RtcpFbPacketExtension;

/**
 * SDP between a browser and the bridge, with Hearth in the middle playing Jicofo's part.
 *
 * <p>The offer (Unified Plan, one BUNDLE transport): the bridge's ICE credentials, candidates and DTLS
 * fingerprint (the bridge is the DTLS server: {@code setup:actpass}, the browser answers
 * {@code active}); m-line 0 (audio) and 1 (video) carry the browser's own media — offered
 * {@code sendrecv} with the bridge's feedback source as the remote side, as Jitsi does; every
 * further m-line carries one other participant's source, {@code sendonly} from the bridge, with its
 * {@code a=ssrc} lines, {@code msid} (stream = participant, track = source name) and FID group. A
 * source that leaves turns its m-line {@code inactive}; a later source of that kind reuses it, so
 * m-lines are never removed and mids stay stable across renegotiations.
 *
 * <p>The answer is read back into what the bridge needs: the browser's transport and the sources it sends.
 */
public final class CircleSdp {

    /** SDP from a browser larger than this is refused (a real answer for a circle is a few KB). */
    static final int MAX_SDP_CHARS = 64 * 1024;
    static final int MAX_CANDIDATES = 32;
    static final int MAX_SOURCES_PER_KIND = 4;
    static final int MAX_SSRCS_PER_SOURCE = 8;

    /**
     * One m-line of an offer.
     *
     * @param mid    stable identifier ("0", "1", …)
     * @param kind   "audio" or "video"
     * @param own    true for the browser's own media (m-lines 0 and 1)
     * @param source what the bridge sends on it: the bridge's feedback source on own m-lines, another
     *               participant's source on the others; null: nothing (own: recvonly; other: inactive)
     */
    public record Slot(String mid, String kind, boolean own, Source source) {
        String direction() {
            if (own) {
                return source == null ? "recvonly" : "sendrecv";
            }
            return source == null ? "inactive" : "sendonly";
        }
    }

    /** What the bridge needs from a browser's answer: its transport and the sources it sends. */
    public record BrowserAnswer(IceUdpTransportPacketExtension transport, List<Source> sources) {
    }

    private CircleSdp() {
    }

    /** Builds an offer with the given m-lines over the bridge's transport for this participant. */
    public static String offer(long sessionId, long version, IceUdpTransportPacketExtension bridge, List<Slot> slots) {
        DtlsFingerprintPacketExtension fingerprint = bridge.getChildExtensionsOfType(DtlsFingerprintPacketExtension.class)
                .stream().findFirst().orElseThrow(() -> new IllegalArgumentException("the bridge's transport has no DTLS fingerprint"));
        StringBuilder sdp = new StringBuilder()
                .append("v=0\r\n")
                .append("o=- ").append(sessionId).append(' ').append(version).append(" IN IP4 0.0.0.0\r\n")
                .append("s=-\r\n")
                .append("t=0 0\r\n")
                .append("a=group:BUNDLE");
        slots.forEach(slot -> sdp.append(' ').append(slot.mid()));
        sdp.append("\r\n").append("a=msid-semantic: WMS *\r\n").append("a=extmap-allow-mixed\r\n");
        for (Slot slot : slots) {
            appendMedia(sdp, slot, bridge, fingerprint);
        }
        return sdp.toString();
    }

    private static void appendMedia(StringBuilder m, Slot slot, IceUdpTransportPacketExtension bridge,
                                    DtlsFingerprintPacketExtension fingerprint) {
        Media media = "audio".equals(slot.kind()) ? ColibriMessages.audioMedia() : ColibriMessages.videoMedia();
        m.append("m=").append(slot.kind()).append(" 9 UDP/TLS/RTP/SAVPF");
        media.getPayloadTypes().forEach(pt -> m.append(' ').append(pt.getID()));
        m.append("\r\n")
                .append("c=IN IP4 0.0.0.0\r\n")
                .append("a=rtcp:9 IN IP4 0.0.0.0\r\n")
                .append("a=ice-ufrag:").append(bridge.getUfrag()).append("\r\n")
                .append("a=ice-pwd:").append(bridge.getPassword()).append("\r\n")
                .append("a=fingerprint:").append(fingerprint.getHash()).append(' ').append(fingerprint.getFingerprint()).append("\r\n")
                .append("a=setup:actpass\r\n")
                .append("a=mid:").append(slot.mid()).append("\r\n");
        for (RTPHdrExtPacketExtension ext : media.getRtpHdrExts()) {
            m.append("a=extmap:").append(ext.getID()).append(' ').append(ext.getURI()).append("\r\n");
        }
        m.append("a=").append(slot.direction()).append("\r\n");
        Source source = slot.source();
        if (source != null) {
            m.append("a=msid:").append(source.msid()).append("\r\n");
        }
        m.append("a=rtcp-mux\r\n");
        for (PayloadTypePacketExtension pt : media.getPayloadTypes()) {
            m.append("a=rtpmap:").append(pt.getID()).append(' ').append(pt.getName()).append('/').append(pt.getClockrate());
            if (pt.getChannels() > 1) {
                m.append('/').append(pt.getChannels());
            }
            m.append("\r\n");
            for (RtcpFbPacketExtension fb : pt.getRtcpFeedbackTypeList()) {
                m.append("a=rtcp-fb:").append(pt.getID()).append(' ').append(fb.getFeedbackType());
                if (fb.getFeedbackSubtype() != null) {
                    m.append(' ').append(fb.getFeedbackSubtype());
                }
                m.append("\r\n");
            }
            if (!pt.getParameters().isEmpty()) {
                List<String> params = new ArrayList<>();
                for (ParameterPacketExtension p : pt.getParameters()) {
                    params.add(p.getName() + "=" + p.getValue());
                }
                m.append("a=fmtp:").append(pt.getID()).append(' ').append(String.join(";", params)).append("\r\n");
            }
        }
        if (source != null) {
            for (Source.SsrcGroup group : source.groups()) {
                m.append("a=ssrc-group:").append(group.semantics());
                group.ssrcs().forEach(ssrc -> m.append(' ').append(ssrc));
                m.append("\r\n");
            }
            for (long ssrc : source.ssrcs()) {
                m.append("a=ssrc:").append(ssrc).append(" cname:").append(source.owner()).append("\r\n")
                        .append("a=ssrc:").append(ssrc).append(" msid:").append(source.msid()).append("\r\n");
            }
        }
        for (CandidatePacketExtension c : bridge.getCandidateList()) {
            m.append("a=candidate:").append(c.getFoundation()).append(' ').append(c.getComponent()).append(' ')
                    .append(c.getProtocol()).append(' ').append(attribute(c, "priority")).append(' ')
                    .append(c.getIP()).append(' ').append(c.getPort()).append(" typ ").append(c.getType());
            if (c.getRelAddr() != null) {
                m.append(" raddr ").append(c.getRelAddr()).append(" rport ").append(c.getRelPort());
            }
            m.append(" generation ").append(c.getGeneration()).append("\r\n");
        }
        if (!bridge.getCandidateList().isEmpty()) {
            m.append("a=end-of-candidates\r\n");
        }
    }

    /** Priorities are unsigned 32-bit; the extension's int getter would overflow on the largest. */
    private static String attribute(CandidatePacketExtension c, String name) {
        Object value = c.getAttribute(name);
        return value == null ? "0" : value.toString();
    }

    private static final Pattern ICE_CHARS = Pattern.compile("[A-Za-z0-9+/]{4,256}");
    private static final Pattern FINGERPRINT = Pattern.compile("[0-9A-Fa-f]{2}(:[0-9A-Fa-f]{2}){15,63}");
    private static final Pattern TOKEN = Pattern.compile("[A-Za-z0-9._~+#$&%!'*^`{|}-]{1,64}");

    /**
     * Reads a browser's answer.
     *
     * @param endpointId the participant's endpoint; its sources are named {@code <endpointId>-a0}, {@code -v0}, …
     * @throws IllegalArgumentException with a reason when it is not a usable answer (no ICE credentials,
     *                                  no or malformed fingerprint, setup other than active/passive, too big, too many sources)
     */
    public static BrowserAnswer parseAnswer(String endpointId, String sdp) {
        if (sdp == null || !sdp.startsWith("v=0")) {
            throw new IllegalArgumentException("not a session description");
        }
        if (sdp.length() > MAX_SDP_CHARS) {
            throw new IllegalArgumentException("session description larger than " + MAX_SDP_CHARS + " characters");
        }
        Section session = new Section(null);
        List<Section> media = new ArrayList<>();
        Section current = session;
        for (String raw : sdp.split("\r?\n")) {
            String line = raw.strip();
            if (line.startsWith("m=")) {
                current = new Section(line);
                media.add(current);
            } else if (!line.isEmpty()) {
                current.lines.add(line);
            }
        }
        if (media.isEmpty()) {
            throw new IllegalArgumentException("the answer has no media");
        }
        String ufrag = firstValue(media, session, "a=ice-ufrag:");
        String pwd = firstValue(media, session, "a=ice-pwd:");
        String print = firstValue(media, session, "a=fingerprint:");
        String setup = firstValue(media, session, "a=setup:");
        if (ufrag == null || pwd == null || !ICE_CHARS.matcher(ufrag).matches() || pwd.length() < 22 || !ICE_CHARS.matcher(pwd).matches()) {
            throw new IllegalArgumentException("the answer has no or malformed ICE credentials");
        }
        String[] fp = print == null ? new String[0] : print.split(" ", 2);
        if (fp.length != 2 || !TOKEN.matcher(fp[0]).matches() || !FINGERPRINT.matcher(fp[1].strip()).matches()) {
            throw new IllegalArgumentException("the answer has no or a malformed DTLS fingerprint");
        }
        setup = setup == null ? "active" : setup;
        if (!"active".equals(setup) && !"passive".equals(setup)) {
            throw new IllegalArgumentException("the answer's DTLS role must be active or passive, not " + setup);
        }
        IceUdpTransportPacketExtension transport = new IceUdpTransportPacketExtension();
        transport.setUfrag(ufrag);
        transport.setPassword(pwd);
        DtlsFingerprintPacketExtension fingerprint = new DtlsFingerprintPacketExtension();
        fingerprint.setHash(fp[0].toLowerCase(Locale.ROOT));
        fingerprint.setFingerprint(fp[1].strip());
        fingerprint.setSetup(setup);
        transport.addChildExtension(fingerprint);
        transport.addChildExtension(new IceRtcpmuxPacketExtension());
        for (Section section : media) {
            for (String line : section.lines) {
                if (line.startsWith("a=candidate:")) {
                    addIfNew(transport, parseCandidate(line)); // BUNDLE: m-lines may repeat the first one's
                    if (transport.getCandidateList().size() > MAX_CANDIDATES) {
                        throw new IllegalArgumentException("more than " + MAX_CANDIDATES + " candidates");
                    }
                }
            }
        }
        return new BrowserAnswer(transport, sources(endpointId, media));
    }

    private static List<Source> sources(String endpointId, List<Section> media) {
        List<Source> sources = new ArrayList<>();
        int audio = 0;
        int video = 0;
        for (Section section : media) {
            String kind = section.kind();
            String direction = section.direction();
            if (!("audio".equals(kind) || "video".equals(kind)) || section.port() == 0
                    || !("sendrecv".equals(direction) || "sendonly".equals(direction))) {
                continue; // not sending here (Firefox lists SSRCs on recvonly m-lines too)
            }
            Map<Long, Boolean> ssrcs = new LinkedHashMap<>();
            List<Source.SsrcGroup> groups = new ArrayList<>();
            for (String line : section.lines) {
                if (line.startsWith("a=ssrc:")) {
                    String value = line.substring(7);
                    int space = value.indexOf(' ');
                    ssrcs.put(parseSsrc(space < 0 ? value : value.substring(0, space)), Boolean.TRUE);
                } else if (line.startsWith("a=ssrc-group:")) {
                    String[] parts = line.substring(13).split(" ");
                    List<Long> members = new ArrayList<>();
                    for (int i = 1; i < parts.length; i++) {
                        members.add(parseSsrc(parts[i]));
                    }
                    if (!TOKEN.matcher(parts[0]).matches() || members.isEmpty()) {
                        throw new IllegalArgumentException("malformed ssrc-group: " + line);
                    }
                    groups.add(new Source.SsrcGroup(parts[0], members));
                }
            }
            if (ssrcs.isEmpty()) {
                continue;
            }
            if (ssrcs.size() > MAX_SSRCS_PER_SOURCE) {
                throw new IllegalArgumentException("more than " + MAX_SSRCS_PER_SOURCE + " SSRCs on one m-line");
            }
            // the primary SSRC first: the first of an FID group, otherwise the first listed
            List<Long> ordered = new ArrayList<>(ssrcs.keySet());
            groups.stream().filter(g -> "FID".equals(g.semantics())).findFirst().ifPresent(fid -> {
                ordered.removeAll(fid.ssrcs());
                ordered.addAll(0, fid.ssrcs().stream().filter(ssrcs::containsKey).toList());
            });
            int index = "audio".equals(kind) ? audio++ : video++;
            if (index >= MAX_SOURCES_PER_KIND) {
                throw new IllegalArgumentException("more than " + MAX_SOURCES_PER_KIND + " " + kind + " sources");
            }
            String name = endpointId + ("audio".equals(kind) ? "-a" : "-v") + index;
            sources.add(new Source(name, endpointId, kind, ordered, groups));
        }
        return sources;
    }

    private static long parseSsrc(String text) {
        try {
            long ssrc = Long.parseLong(text);
            if (ssrc <= 0 || ssrc > 0xFFFFFFFFL) {
                throw new IllegalArgumentException("not an SSRC: " + text);
            }
            return ssrc;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not an SSRC: " + text);
        }
    }

    /**
     * One {@code candidate:} line (with or without the {@code a=} prefix), e.g. from a trickled
     * RTCIceCandidate: "foundation component protocol priority ip port typ type [raddr a rport p] [generation g] …".
     */
    public static CandidatePacketExtension parseCandidate(String line) {
        String value = line.startsWith("a=") ? line.substring(2) : line;
        if (!value.startsWith("candidate:")) {
            throw new IllegalArgumentException("not an ICE candidate");
        }
        String[] f = value.substring(10).strip().split("\\s+");
        if (f.length < 8 || !"typ".equals(f[6])) {
            throw new IllegalArgumentException("malformed ICE candidate");
        }
        try {
            CandidatePacketExtension c = new IceCandidatePacketExtension();
            c.setFoundation(token(f[0]));
            c.setComponent(Integer.parseInt(f[1]));
            c.setProtocol(token(f[2]).toLowerCase(Locale.ROOT));
            c.setPriority(Long.parseLong(f[3]));
            c.setIP(address(f[4]));
            c.setPort(port(f[5]));
            c.setType(CandidateType.valueOf(f[7]));
            c.setGeneration(0);
            c.setNetwork(0);
            for (int i = 8; i + 1 < f.length; i += 2) {
                switch (f[i]) {
                    case "raddr" -> c.setRelAddr(address(f[i + 1]));
                    case "rport" -> c.setRelPort(port(f[i + 1]));
                    case "generation" -> c.setGeneration(Integer.parseInt(f[i + 1]));
                    case "tcptype" -> c.setTcpType(token(f[i + 1]));
                    default -> {
                        // ufrag, network-id, network-cost: not needed by the bridge
                    }
                }
            }
            c.setID(Integer.toHexString((f[0] + ' ' + f[4] + ' ' + f[5] + ' ' + f[2]).hashCode()));
            return c;
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("malformed ICE candidate: " + e.getMessage());
        }
    }

    static void addIfNew(IceUdpTransportPacketExtension transport, CandidatePacketExtension c) {
        boolean known = transport.getCandidateList().stream().anyMatch(k -> k.getID().equals(c.getID()));
        if (!known) {
            transport.addCandidate(c);
        }
    }

    private static String token(String s) {
        if (!TOKEN.matcher(s).matches()) {
            throw new IllegalArgumentException("unexpected '" + s + "'");
        }
        return s;
    }

    /** An IP address or an mDNS name (browsers hide host addresses behind {@code <uuid>.local}). */
    private static String address(String s) {
        if (s.length() > 64 || !s.matches("[0-9A-Za-z.:\\-]+")) {
            throw new IllegalArgumentException("unexpected address '" + s + "'");
        }
        return s;
    }

    private static int port(String s) {
        int port = Integer.parseInt(s);
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port out of range");
        }
        return port;
    }

    private static String firstValue(List<Section> media, Section session, String prefix) {
        for (Section section : media) {
            String value = section.value(prefix);
            if (value != null) {
                return value;
            }
        }
        return session.value(prefix);
    }

    /** The session part (mLine null) or one m-line's section. */
    private static final class Section {
        final String mLine;
        final List<String> lines = new ArrayList<>();

        Section(String mLine) {
            this.mLine = mLine;
        }

        String kind() {
            return mLine.substring(2, Math.max(2, mLine.indexOf(' ')));
        }

        int port() {
            String[] parts = mLine.split(" ");
            try {
                return parts.length > 1 ? Integer.parseInt(parts[1]) : 0;
            } catch (NumberFormatException e) {
                return 0;
            }
        }

        String direction() {
            for (String line : lines) {
                switch (line) {
                    case "a=sendrecv", "a=sendonly", "a=recvonly", "a=inactive" -> {
                        return line.substring(2);
                    }
                    default -> {
                    }
                }
            }
            return "sendrecv";
        }

        String value(String prefix) {
            for (String line : lines) {
                if (line.startsWith(prefix)) {
                    return line.substring(prefix.length()).strip();
                }
            }
            return null;
        }
    }
}
