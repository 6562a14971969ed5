package app.hearth.care.measures;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/** The one JSON form of {@link CareSettings}: the API's body and the stored document's content. */
public final class CareSettingsJson {

    private CareSettingsJson() {
    }

    public static JsonObject toJson(CareSettings s) {
        CareSettings.Cadence c = s.cadence();
        JsonArray resources = crisisResources(s.crisisResources());
        return new JsonObject()
                .put("cadence", new JsonObject().put("baseline", new JsonArray(c.baseline()))
                        .put("beforeDosing", new JsonArray(c.beforeDosing())).put("afterIntegration", new JsonArray(c.afterIntegration()))
                        .put("followUpWeeks", new JsonArray(c.followUpWeeks())).put("followUp", new JsonArray(c.followUp())))
                .put("crisisResources", resources)
                .put("thresholds", new JsonObject().put("phq9Total", s.thresholds().phq9Total())
                        .put("pcl5Total", s.thresholds().pcl5Total()));
    }

    public static JsonArray crisisResources(List<CareSettings.CrisisResource> list) {
        JsonArray resources = new JsonArray();
        list.forEach(r -> resources.add(new JsonObject().put("name", r.name()).put("contact", r.contact())
                .put("description", r.description())));
        return resources;
    }

    /** Reads the shape; {@link CareSettings#validated} judges the content. Missing lists stay null. */
    public static CareSettings fromJson(JsonObject j) {
        JsonObject c = j.getJsonObject("cadence");
        CareSettings.Cadence cadence = c == null ? null : new CareSettings.Cadence(strings(c.getJsonArray("baseline")),
                strings(c.getJsonArray("beforeDosing")), strings(c.getJsonArray("afterIntegration")),
                integers(c.getJsonArray("followUpWeeks")), strings(c.getJsonArray("followUp")));
        List<CareSettings.CrisisResource> resources = null;
        JsonArray r = j.getJsonArray("crisisResources");
        if (r != null) {
            resources = new ArrayList<>();
            for (Object o : r) {
                JsonObject x = o instanceof JsonObject ox ? ox : new JsonObject();
                resources.add(new CareSettings.CrisisResource(trim(x.getString("name")), trim(x.getString("contact")),
                        trim(x.getString("description"))));
            }
        }
        JsonObject t = j.getJsonObject("thresholds");
        CareSettings.Thresholds thresholds = t == null ? new CareSettings.Thresholds(null, null)
                : new CareSettings.Thresholds(t.getInteger("phq9Total"), t.getInteger("pcl5Total"));
        return new CareSettings(cadence, resources, thresholds);
    }

    private static String trim(String s) {
        return s == null ? null : s.strip();
    }

    private static List<String> strings(JsonArray a) {
        return a == null ? null : a.stream().map(o -> o instanceof String s ? s : String.valueOf(o)).toList();
    }

    private static List<Integer> integers(JsonArray a) {
        if (a == null) {
            return null;
        }
        List<Integer> out = new ArrayList<>();
        for (Object o : a) {
            out.add(o instanceof Number n && n.doubleValue() == Math.rint(n.doubleValue()) ? n.intValue() : null);
        }
        return out;
    }
}
