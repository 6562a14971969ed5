package app.hearth.notify;

import app.hearth.platform.store.Store;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.ReplaceOptions;
import java.time.Duration;
import java.util.List;
import org.bson.Document;

/**
 * A clinic's mail settings: when reminders go out before an appointment (default 24 h and 1 h) and
 * what a dosing reminder asks the patient to prepare. One document per clinic in
 * {@code mail_settings}; a clinic without one gets the defaults. Admins change it through
 * {@link MailSettingsService}.
 */
public final class ClinicMailSettings {

    public static final String COLLECTION = "mail_settings";
    public static final List<Duration> DEFAULT_REMINDERS = List.of(Duration.ofHours(24), Duration.ofHours(1));
    public static final String DEFAULT_DOSING_INSTRUCTIONS = "Arrange a ride home: you must not drive for the rest of the day. "
            + "Eat lightly beforehand, wear comfortable clothes, and bring an eye mask and headphones if you like.";

    /** What one clinic has chosen. */
    public record Settings(List<Duration> reminderOffsets, String dosingInstructions) {
    }

    private final MongoCollection<Document> settings;

    public ClinicMailSettings(Store store) {
        this.settings = store.collection(COLLECTION);
    }

    public Settings of(String clinicId) {
        Document d = settings.find(Filters.eq("_id", clinicId)).first();
        if (d == null) {
            return new Settings(DEFAULT_REMINDERS, DEFAULT_DOSING_INSTRUCTIONS);
        }
        List<String> offsets = d.getList("reminderOffsets", String.class);
        String instructions = d.getString("dosingInstructions");
        return new Settings(offsets == null ? DEFAULT_REMINDERS : offsets.stream().map(Duration::parse).toList(),
                instructions == null || instructions.isBlank() ? DEFAULT_DOSING_INSTRUCTIONS : instructions);
    }

    public void save(String clinicId, Settings chosen) {
        settings.replaceOne(Filters.eq("_id", clinicId), new Document("_id", clinicId)
                        .append("reminderOffsets", chosen.reminderOffsets().stream().map(Duration::toString).toList())
                        .append("dosingInstructions", chosen.dosingInstructions()),
                new ReplaceOptions().upsert(true));
    }
}
