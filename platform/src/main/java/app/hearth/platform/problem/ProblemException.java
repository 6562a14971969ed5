package app.hearth.platform.problem;

/**
 * Raised by domain code for an expected failure. It carries no stack trace because it is not a
 * bug: the edge turns it into problem+json (HTTP) or an error message (WebSocket).
 */
public final class ProblemException extends RuntimeException {

    private final ProblemType type;
    private final String field;

    public ProblemException(ProblemType type, String detail, String field) {
        super(detail == null ? type.title() : detail, null, false, false);
        this.type = type;
        this.field = field;
    }

    public ProblemType type() {
        return type;
    }

    public String detail() {
        return getMessage();
    }

    /** The request field at fault, or null. */
    public String field() {
        return field;
    }
}
