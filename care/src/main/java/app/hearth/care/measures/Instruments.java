package app.hearth.care.measures;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The questionnaires, read once from {@code care/instruments.json} (the published wording with its
 * sources; the wording lives in that file so that it can be checked against the published forms
 * without reading code). Immutable and thread-safe.
 */
public final class Instruments {

    public static final String RESOURCE = "/care/instruments.json";
    public static final String PHQ9 = "phq9";
    public static final String GAD7 = "gad7";
    public static final String PCL5 = "pcl5";

    private final Map<String, Instrument> byId;

    private Instruments(Map<String, Instrument> byId) {
        this.byId = byId;
    }

    public static Instruments load() {
        try (InputStream in = Instruments.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " is missing from the classpath");
            }
            JsonObject document = new JsonObject(new String(in.readAllBytes(), StandardCharsets.UTF_8));
            Map<String, Instrument> byId = new LinkedHashMap<>();
            for (Object o : document.getJsonArray("instruments")) {
                Instrument instrument = parse((JsonObject) o);
                byId.put(instrument.id(), instrument);
            }
            return new Instruments(java.util.Collections.unmodifiableMap(byId));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public List<Instrument> all() {
        return List.copyOf(byId.values());
    }

    public Optional<Instrument> find(String id) {
        return Optional.ofNullable(id == null ? null : byId.get(id));
    }

    public Instrument get(String id) {
        return find(id).orElseThrow(() -> new IllegalArgumentException("no instrument " + id));
    }

    public boolean known(String id) {
        return id != null && byId.containsKey(id);
    }

    private static Instrument parse(JsonObject j) {
        JsonObject d = j.getJsonObject("difficulty");
        return new Instrument(j.getString("id"), j.getString("name"), j.getString("title"), j.getString("source"),
                j.getString("instructions"), options(j.getJsonArray("options")),
                j.getJsonArray("items").stream().map(o -> (JsonObject) o)
                        .map(i -> new Instrument.Item(i.getInteger("number"), i.getString("text"))).toList(),
                d == null ? null : new Instrument.Difficulty(d.getString("text"), options(d.getJsonArray("options"))),
                j.getJsonArray("bands").stream().map(o -> (JsonObject) o).map(b -> new Instrument.Band(b.getInteger("min"),
                        b.getInteger("max"), b.getString("band"), b.getString("label"))).toList(),
                j.getInteger("safetyItem", 0));
    }

    private static List<Instrument.Option> options(JsonArray array) {
        List<Instrument.Option> out = new ArrayList<>();
        for (Object o : array) {
            JsonObject option = (JsonObject) o;
            out.add(new Instrument.Option(option.getInteger("value"), option.getString("label")));
        }
        return List.copyOf(out);
    }
}
