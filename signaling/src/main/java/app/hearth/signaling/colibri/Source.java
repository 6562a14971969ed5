package app.hearth.signaling.colibri;

import java.util.List;
import java.util.Objects;

/**
 * One media source of a participant (one track): what the bridge calls a source name with its SSRCs,
 * and what a browser sees as one m-line's {@code a=ssrc} / {@code a=ssrc-group} / {@code msid} lines.
 *
 * @param name   the source name, {@code <endpoint>-a0} / {@code <endpoint>-v0} (Jitsi's convention)
 * @param owner  the endpoint (participant) that sends it; {@code "jvb"} for the bridge's own feedback sources
 * @param kind   "audio" or "video"
 * @param ssrcs  its SSRCs, the primary first (for video with rtx: primary, then rtx)
 * @param groups its SSRC groups (FID pairs primary and rtx; SIM for simulcast)
 */
public record Source(String name, String owner, String kind, List<Long> ssrcs, List<SsrcGroup> groups) {

    /** An {@code a=ssrc-group} / Colibri2 {@code ssrc-groups} entry. */
    public record SsrcGroup(String semantics, List<Long> ssrcs) {
        public SsrcGroup {
            Objects.requireNonNull(semantics);
            ssrcs = List.copyOf(ssrcs);
        }
    }

    /** The owner the bridge's own sources get. */
    public static final String BRIDGE = "jvb";

    public Source {
        Objects.requireNonNull(name);
        Objects.requireNonNull(owner);
        if (!"audio".equals(kind) && !"video".equals(kind)) {
            throw new IllegalArgumentException("a source is audio or video, not " + kind);
        }
        ssrcs = List.copyOf(ssrcs);
        groups = List.copyOf(groups);
        if (ssrcs.isEmpty()) {
            throw new IllegalArgumentException("a source needs an SSRC");
        }
        for (long ssrc : ssrcs) {
            if (ssrc <= 0 || ssrc > 0xFFFFFFFFL) {
                throw new IllegalArgumentException("not an SSRC: " + ssrc);
            }
        }
    }

    /**
     * The msid a browser sees: stream id = the owner (so one participant's audio and video share a
     * MediaStream, and {@code ontrack}'s {@code streams[0].id} names the participant), track id = the source name.
     */
    public String msid() {
        return owner + " " + name;
    }
}
