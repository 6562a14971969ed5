package app.hearth.signaling.colibri;

/**
 * A circle's conference could not be set up or changed on a bridge. {@link #kind()} says whose
 * fault it is; {@link #status()} is the bridge's HTTP status (-1 when it did not answer).
 */
public final class ColibriException extends Exception {

    /** Stable error kinds, for the room layer to map to its own codes. */
    public enum Kind {
        /** No bridge is configured or healthy: the circle cannot use video through a bridge now. */
        NO_BRIDGE,
        /** The bridge did not answer, answered 5xx, or lost the conference (the circle was moved if it could be). */
        BRIDGE_FAILED,
        /**
         * The bridge did not answer in time but still answers its health check (a cold bridge's first
         * allocation can take 4–23 s): it stays in use; whatever the request may have created was expired.
         */
        BRIDGE_TIMEOUT,
        /** The bridge refused a request (4xx): a bug in Hearth's request, never retried. */
        BRIDGE_REFUSED,
        /** The bridge's answer could not be read or lacked what was asked for. */
        BAD_ANSWER,
        /** The participant is not in the circle's conference. */
        UNKNOWN_PARTICIPANT
    }

    private final Kind kind;
    private final int status;

    public ColibriException(Kind kind, int status, String message) {
        super(message);
        this.kind = kind;
        this.status = status;
    }

    public ColibriException(Kind kind, String message) {
        this(kind, -1, message);
    }

    /** A request that got no answer in time: the bridge may still have carried it out. */
    static ColibriException timedOut(Kind kind, String message) {
        ColibriException e = new ColibriException(kind, -1, message);
        e.timedOut = true;
        return e;
    }

    private boolean timedOut;

    /** The request timed out: the bridge may have done what it asked all the same. */
    public boolean timedOut() {
        return timedOut;
    }

    public Kind kind() {
        return kind;
    }

    public int status() {
        return status;
    }

    /**
     * The bridge's reason: the {@code message} of Jetty's JSON error (what it sends to a client that
     * accepts JSON, as Hearth does), the {@code <title>} of its HTML error page, or the body's start.
     */
    static String reason(String body) {
        if (body == null) {
            return "";
        }
        if (body.stripLeading().startsWith("{")) {
            try {
                com.fasterxml.jackson.databind.JsonNode json = new com.fasterxml.jackson.databind.ObjectMapper().readTree(body);
                if (json != null && json.path("message").isTextual()) {
                    return json.path("message").asText().strip();
                }
            } catch (java.io.IOException notJson) {
                // fall through: show the start of the body
            }
        }
        int start = body.indexOf("<title>");
        int end = body.indexOf("</title>");
        if (start >= 0 && end > start) {
            return body.substring(start + 7, end).strip();
        }
        String text = body.strip();
        return text.length() > 200 ? text.substring(0, 200) : text;
    }
}
