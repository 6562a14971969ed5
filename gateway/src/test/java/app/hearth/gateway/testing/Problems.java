package app.hearth.gateway.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import io.vertx.core.json.JsonObject;

/** Assertions on RFC 9457 problem answers: status, stable type slug, media type and body shape. */
public final class Problems {

    public static final String MEDIA_TYPE = "application/problem+json";
    public static final String TYPE_BASE = "https://hearth.app/problems/";

    private Problems() {
    }

    /** The reply is a problem with this status and type slug, in the problem media type, with a title. */
    public static JsonObject assertProblem(ApiClient.Reply reply, int status, String slug) {
        assertEquals(status, reply.status(), () -> "status of " + reply.body());
        assertEquals(MEDIA_TYPE, reply.header("Content-Type"), () -> "media type of " + reply.body());
        JsonObject body = reply.json();
        assertEquals(TYPE_BASE + slug, body.getString("type"), () -> "type of " + reply.body());
        assertEquals(status, body.getInteger("status"), () -> "status member of " + reply.body());
        assertNotNull(body.getString("title"), () -> "title of " + reply.body());
        assertFalse(body.getString("title").isBlank(), () -> "title of " + reply.body());
        return body;
    }

    /** As {@link #assertProblem(ApiClient.Reply, int, String)}, and {@code field} names the offending input. */
    public static JsonObject assertProblem(ApiClient.Reply reply, int status, String slug, String field) {
        JsonObject body = assertProblem(reply, status, slug);
        assertEquals(field, body.getString("field"), () -> "field of " + reply.body());
        return body;
    }
}
