package app.hearth.signaling.colibri;

/** A bridge refused or failed a Colibri2 request; {@code status} is its HTTP status (-1: no answer). */
public final class ColibriException extends Exception {

    private final int status;

    public ColibriException(int status, String message) {
        super(message);
        this.status = status;
    }

    public int status() {
        return status;
    }

    /** The bridge's reason from its Jetty error page's title, or the body's start. */
    static String reason(String body) {
        if (body == null) {
            return "";
        }
        int start = body.indexOf("<title>");
        int end = body.indexOf("</title>");
        if (start >= 0 && end > start) {
            return body.substring(start + 7, end).strip();
        }
        return body.length() > 200 ? body.substring(0, 200) : body;
    }
}
