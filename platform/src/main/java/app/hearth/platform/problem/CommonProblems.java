package app.hearth.platform.problem;

/** Errors every module may raise. Slugs are part of the public contract: never rename or reuse one. */
public final class CommonProblems {

    private CommonProblems() {
    }

    public static final ProblemType INVALID_REQUEST = new ProblemType("invalid-request", 400, "The request is not valid");
    public static final ProblemType MALFORMED_JSON = new ProblemType("malformed-json", 400, "The request body is not valid JSON");
    public static final ProblemType UNAUTHENTICATED = new ProblemType("unauthenticated", 401, "Sign-in required");
    public static final ProblemType FORBIDDEN = new ProblemType("forbidden", 403, "Your role may not do this");
    public static final ProblemType NOT_FOUND = new ProblemType("not-found", 404, "Not found");
    public static final ProblemType METHOD_NOT_ALLOWED = new ProblemType("method-not-allowed", 405, "Method not allowed");
    public static final ProblemType CONFLICT = new ProblemType("conflict", 409, "This conflicts with existing data");
    public static final ProblemType GONE = new ProblemType("gone", 410, "This is no longer valid");
    public static final ProblemType PAYLOAD_TOO_LARGE = new ProblemType("payload-too-large", 413, "The request body is too large");
    public static final ProblemType URI_TOO_LONG = new ProblemType("uri-too-long", 414, "The request URI is too long");
    public static final ProblemType HEADER_FIELDS_TOO_LARGE = new ProblemType("header-fields-too-large", 431,
            "The request headers are too large");
    public static final ProblemType UNSUPPORTED_MEDIA_TYPE = new ProblemType("unsupported-media-type", 415, "Send application/json");
    public static final ProblemType RATE_LIMITED = new ProblemType("rate-limited", 429, "Too many attempts; try again later");
    public static final ProblemType INTERNAL = new ProblemType("internal", 500, "Something went wrong on our side");
    public static final ProblemType UNAVAILABLE = new ProblemType("unavailable", 503, "The service is not ready");
}
