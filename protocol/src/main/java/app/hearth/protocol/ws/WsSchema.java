package app.hearth.protocol.ws;

import io.vertx.core.json.JsonObject;
import io.vertx.json.schema.Draft;
import io.vertx.json.schema.JsonSchema;
import io.vertx.json.schema.JsonSchemaOptions;
import io.vertx.json.schema.OutputFormat;
import io.vertx.json.schema.OutputUnit;
import io.vertx.json.schema.SchemaRepository;
import io.vertx.json.schema.Validator;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
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
 */
public final class WsSchema {

    public static final String RESOURCE = "/protocol/ws-messages.schema.json";
    private static final String BASE = "https://hearth.app/protocol/ws-messages.schema.json";

    /** Why a message was refused: a stable code, a human message, and the field when there is one. */
    public record Violation(WsErrorCode code, String message, String field) {
    }

    private final JsonObject document;
    private final Map<String, Validator> client = new TreeMap<>();
    private final Map<String, Validator> server = new TreeMap<>();

    private WsSchema(JsonObject document) {
        this.document = document;
        JsonSchemaOptions options = new JsonSchemaOptions().setDraft(Draft.DRAFT202012).setBaseUri(BASE)
                .setOutputFormat(OutputFormat.Basic);
        SchemaRepository repository = SchemaRepository.create(options);
        repository.dereference(BASE, JsonSchema.of(document));
        for (String name : document.getJsonObject("$defs").fieldNames()) {
            if (name.startsWith("client.")) {
                client.put(name.substring("client.".length()), repository.validator(BASE + "#/$defs/" + name));
            } else if (name.startsWith("server.")) {
                server.put(name.substring("server.".length()), repository.validator(BASE + "#/$defs/" + name));
            }
        }
    }

    public static WsSchema load() {
        try (InputStream in = WsSchema.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " is missing from the classpath");
            }
            return new WsSchema(new JsonObject(new String(in.readAllBytes(), StandardCharsets.UTF_8)));
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

    private static Optional<Violation> check(Map<String, Validator> validators, JsonObject message) {
        Object type = message.getValue("type");
        if (!(type instanceof String name)) {
            return Optional.of(new Violation(WsErrorCode.INVALID_MESSAGE, "Every message needs a string 'type'", "/type"));
        }
        Validator validator = validators.get(name);
        if (validator == null) {
            return Optional.of(new Violation(WsErrorCode.UNKNOWN_TYPE, "There is no message of type '" + clip(name) + "'", "/type"));
        }
        OutputUnit result = validator.validate(message);
        if (Boolean.TRUE.equals(result.getValid())) {
            return Optional.empty();
        }
        OutputUnit first = mostSpecific(result);
        String location = first.getInstanceLocation() == null ? "" : first.getInstanceLocation().replaceFirst("^#", "");
        String field = location.isEmpty() ? null : location;
        String reason = first.getError() == null ? "does not match the schema" : first.getError();
        return Optional.of(new Violation(WsErrorCode.INVALID_MESSAGE,
                "'" + name + "' is not valid" + (field == null ? "" : " at " + field) + ": " + reason, field));
    }

    /**
     * The error that says most: the library lists every keyword that failed, from "a property does
     * not match" down to the pattern that really failed; the deepest keyword path is the one to show.
     */
    private static OutputUnit mostSpecific(OutputUnit result) {
        List<OutputUnit> errors = new ArrayList<>();
        collect(result, errors);
        return errors.stream().max(Comparator.comparingInt((OutputUnit u) -> depth(u.getKeywordLocation()))
                .thenComparingInt(u -> -errors.indexOf(u))).orElse(result);
    }

    private static void collect(OutputUnit unit, List<OutputUnit> into) {
        if (unit.getErrors() == null || unit.getErrors().isEmpty()) {
            into.add(unit);
            return;
        }
        unit.getErrors().forEach(e -> collect(e, into));
    }

    private static int depth(String keywordLocation) {
        return keywordLocation == null ? 0 : keywordLocation.split("/").length;
    }

    private static String clip(String text) {
        return text.length() > 40 ? text.substring(0, 40) + "…" : text;
    }
}
