package app.hearth.platform.problem;

/**
 * A named error with a stable identity. The slug becomes the problem+json {@code type}
 * ({@code https://hearth.app/problems/<slug>}) and the error {@code code} on the WebSocket, so
 * clients can rely on it; the title is for people. Each module keeps its own list of these.
 */
public record ProblemType(String slug, int status, String title) {

    public static final String TYPE_BASE = "https://hearth.app/problems/";

    public ProblemType {
        if (!slug.matches("[a-z0-9-]+")) {
            throw new IllegalArgumentException("slug must be lower-case words with dashes: " + slug);
        }
    }

    public String typeUri() {
        return TYPE_BASE + slug;
    }

    public ProblemException exception(String detail) {
        return new ProblemException(this, detail, null);
    }

    public ProblemException exception(String detail, String field) {
        return new ProblemException(this, detail, field);
    }
}
