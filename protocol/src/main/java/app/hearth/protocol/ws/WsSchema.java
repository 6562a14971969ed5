package app.hearth.protocol.ws;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SchemaRegistryConfig;
import com.networknt.schema.SpecificationVersion;
import com.networknt.schema.path.PathType;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * The room protocol's one schema ({@code protocol/ws-messages.schema.json}): every client message is
 * checked against {@code $defs/client.<type>} on receipt, and tests check every server message
 * against {@code $defs/server.<type>}. Thread-safe after construction; build it once per node.
 *
 * <p>The checks run on networknt's json-schema-validator, not vertx-json-schema: every chat line is
 * checked, and vertx-json-schema took 20–60 µs for one (it compiles its patterns on each call), a
 * tenth of the node's CPU at 2,000 lines/s; networknt takes about 1 µs (docs/adr/0032).
 */
public final class WsSchema {

    public static final String RESOURCE = "/protocol/ws-messages.schema.json";
    private static final String BASE = "https://hearth.app/protocol/ws-messages.schema.json";
    /** Jackson's own tree, which the validator reads (Vert.x's JsonObject is encoded into it). */
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Why a message was refused: a stable code, a human message, and the field when there is one. */
    public record Violation(WsErrorCode code, String message, String field) {
    }

    private final JsonObject document;
    private final Map<String, Schema> client = new TreeMap<>();
    private final Map<String, Schema> server = new TreeMap<>();

    private WsSchema(String text) {
        this.document = new JsonObject(text);
        // formats asserted (2020-12 makes them annotations by default): a "date-time" must be one
        SchemaRegistryConfig config = SchemaRegistryConfig.builder().formatAssertionsEnabled(true)
                .pathType(PathType.JSON_POINTER).build();
        SchemaRegistry registry = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12,
                builder -> builder.schemaRegistryConfig(config).schemas(Map.of(BASE, text)));
        for (String name : document.getJsonObject("$defs").fieldNames()) {
            Schema schema = registry.getSchema(SchemaLocation.of(BASE + "#/$defs/" + name));
            schema.initializeValidators(); // every $ref resolved now, not on the first message
            if (name.startsWith("client.")) {
                client.put(name.substring("client.".length()), schema);
            } else if (name.startsWith("server.")) {
                server.put(name.substring("server.".length()), schema);
            }
        }
    }

    public static WsSchema load() {
        try (InputStream in = WsSchema.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " is missing from the classpath");
            }
            return new WsSchema(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public JsonObject document() {
        return document.copy();
    }

    public Set<String> clientTypes() {
        return client.keySet();
    }

    public Set<String> serverTypes() {
        return server.keySet();
    }

    /** @return empty when the message is a valid client message; otherwise why not */
    public Optional<Violation> checkClient(JsonObject message) {
        return check(client, message);
    }

    /** @return empty when the message is a valid server message; otherwise why not (tests use this) */
    public Optional<Violation> checkServer(JsonObject message) {
        return check(server, message);
    }

    private static Optional<Violation> check(Map<String, Schema> schemas, JsonObject message) {
        Object type = message.getValue("type");
        if (!(type instanceof String name)) {
            return Optional.of(new Violation(WsErrorCode.INVALID_MESSAGE, "Every message needs a string 'type'", "/type"));
        }
        Schema schema = schemas.get(name);
        if (schema == null) {
            return Optional.of(new Violation(WsErrorCode.UNKNOWN_TYPE, "There is no message of type '" + clip(name) + "'", "/type"));
        }
        List<Error> errors = schema.validate(tree(message));
        if (errors.isEmpty()) {
            return Optional.empty();
        }
        Error first = mostSpecific(errors);
        String field = field(first);
        return Optional.of(new Violation(WsErrorCode.INVALID_MESSAGE,
                "'" + name + "' is not valid" + (field == null ? "" : " at " + field) + ": " + reason(first), field));
    }

    private static JsonNode tree(JsonObject message) {
        try {
            return JSON.readTree(message.encode());
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a JsonObject that does not encode as JSON", e); // cannot happen
        }
    }

    /** The error deepest in the message (a pattern inside an object before the object itself); the first of equals. */
    private static Error mostSpecific(List<Error> errors) {
        return errors.stream().max(Comparator.comparingInt((Error e) -> depth(field(e)))
                .thenComparingInt(e -> -errors.indexOf(e))).orElseThrow();
    }

    /**
     * Where in the message an error is, as a JSON pointer: the offending value's place, or for a
     * missing or unexpected property the place that property names.
     */
    private static String field(Error error) {
        String location = error.getInstanceLocation() == null ? "" : error.getInstanceLocation().toString();
        if (error.getProperty() != null && ("required".equals(error.getKeyword()) || "additionalProperties".equals(error.getKeyword()))) {
            location = location + "/" + error.getProperty();
        }
        return location.isEmpty() ? null : location;
    }

    /** The validator's message without the location it starts with (the violation names the field itself). */
    private static String reason(Error error) {
        String message = error.getMessage() == null ? "does not match the schema" : error.getMessage();
        String location = error.getInstanceLocation() == null ? "" : error.getInstanceLocation().toString();
        return message.startsWith(location + ": ") ? message.substring(location.length() + 2) : message;
    }

    private static int depth(String pointer) {
        return pointer == null ? 0 : pointer.split("/").length;
    }

    private static String clip(String text) {
        return text.length() > 40 ? text.substring(0, 40) + "…" : text;
    }
}
