package app.hearth.gateway.http;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;
import io.vertx.openapi.contract.OpenAPIContract;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * The REST contract, {@code openapi/hearth.yaml} on the classpath: served verbatim to clients and
 * parsed for request validation.
 *
 * <p>Vert.x OpenAPI 5.0 rejects a contract whose responses use {@code application/problem+json}
 * (it knows only a fixed list of media types) although it never validates responses here. The copy
 * handed to the validator therefore says {@code application/json} for error bodies; the published
 * document keeps the true media type. See docs/adr/0004-openapi-validation-and-errors.md.
 */
public final class ApiContract {

    public static final String RESOURCE = "openapi/hearth.yaml";

    private final Buffer yaml;
    private final JsonObject forValidator;

    private ApiContract(Buffer yaml, JsonObject forValidator) {
        this.yaml = yaml;
        this.forValidator = forValidator;
    }

    public static ApiContract load() {
        String text;
        try (InputStream in = ApiContract.class.getClassLoader().getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " is missing from the classpath");
            }
            text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Object parsed = new Yaml(new SafeConstructor(new LoaderOptions()))
                .load(text.replace("application/problem+json:", "application/json:").replace("text/calendar:", "text/plain:")
                .replace("audio/*:", "application/octet-stream:").replace("text/html:", "text/plain:"));
        return new ApiContract(Buffer.buffer(text), new JsonObject(Json.encode(parsed)));
    }

    public Buffer yaml() {
        return yaml;
    }

    public Future<OpenAPIContract> parse(Vertx vertx) {
        return OpenAPIContract.from(vertx, forValidator);
    }
}
