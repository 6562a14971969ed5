package app.hearth.care.measures;

import app.hearth.platform.store.Store;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.ReplaceOptions;
import io.vertx.core.json.JsonObject;
import java.util.Optional;
import org.bson.Document;

/** The {@code care_settings} collection: one document per clinic, keyed by its id. Blocking. */
public final class CareSettingsStore {

    public static final String COLLECTION = "care_settings";

    private final MongoCollection<Document> settings;

    public CareSettingsStore(Store store) {
        this.settings = store.collection(COLLECTION);
    }

    /** The clinic's settings, or the defaults until an admin saves some. */
    public CareSettings get(String clinicId) {
        return Optional.ofNullable(settings.find(Filters.eq("_id", clinicId)).first())
                .map(d -> CareSettingsJson.fromJson(new JsonObject(d.get("settings", Document.class).toJson())))
                .orElseGet(CareSettings::defaults);
    }

    public void save(String clinicId, CareSettings value, String by, java.time.Instant at) {
        settings.replaceOne(Filters.eq("_id", clinicId), new Document("_id", clinicId)
                        .append("settings", Document.parse(CareSettingsJson.toJson(value).encode()))
                        .append("updatedBy", by).append("updatedAt", java.util.Date.from(at)),
                new ReplaceOptions().upsert(true));
    }
}
