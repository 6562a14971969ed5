package app.hearth.room.bridge;

/** A media server call that did not work; {@link #kind()} decides what the browser is told. */
public final class MediaServerException extends Exception {

    public enum Kind {
        /** No server is configured or healthy now: video for the circle is unavailable. */
        UNAVAILABLE,
        /** What the browser sent is unusable (an SDP or candidate that does not parse, too many of them). */
        INVALID,
        /** The participant has no connection on the server (it must join first, or again). */
        NOT_JOINED,
        /** The server refused or answered something unusable: a fault on Hearth's side or the server's. */
        FAILED,
        /** The server did not answer in time but is alive (e.g. a cold start); worth trying again shortly. */
        TIMEOUT,
        /** The server refused the request (its reason is logged): a fault on Hearth's side, retried with backoff. */
        REFUSED
    }

    private final Kind kind;

    public MediaServerException(Kind kind, String message) {
        super(message);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }
}
