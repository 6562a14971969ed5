package app.hearth.signaling.colibri;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;

/**
 * A real bridge's own view, from its private HTTP server's {@code GET /debug} (every conference with its
 * {@code name}, {@code meeting_id} and {@code endpoints}) and {@code /debug/{conferenceId}}: for the
 * env-gated real-bridge tests, to count endpoints and look at what each one is forwarded.
 */
public final class BridgeDebug {

    private final URI base;
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    public BridgeDebug(URI base) {
        this.base = base;
    }

    public JsonObject get(String path) throws IOException, InterruptedException {
        HttpResponse<String> response = client.send(HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(10))
                .header("Accept", "application/json").GET().build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IOException("GET " + path + " answered " + response.statusCode() + ": " + response.body());
        }
        return new JsonObject(response.body());
    }

    /** The bridge's conference with this name (e.g. {@code circle-<room>@hearth.internal}), with its {@code id}. */
    public Optional<JsonObject> conferenceNamed(String name) throws IOException, InterruptedException {
        JsonObject conferences = get("/debug").getJsonObject("conferences", new JsonObject());
        for (String id : conferences.fieldNames()) {
            JsonObject conference = conferences.getJsonObject(id);
            if (name.equals(conference.getString("name"))) {
                return Optional.of(conference.copy().put("id", id));
            }
        }
        return Optional.empty();
    }

    /** How many endpoints the named conference has on the bridge (0 when it does not exist). */
    public int endpointsOf(String name) throws IOException, InterruptedException {
        return conferenceNamed(name).map(c -> c.getJsonObject("endpoints", new JsonObject()).size()).orElse(0);
    }
}
