package app.hearth.platform.store;

import com.mongodb.ErrorCategory;
import com.mongodb.MongoWriteException;
import java.time.Instant;
import java.util.Date;
import org.bson.Document;

/** Small conversions shared by the repositories. */
public final class Documents {

    private Documents() {
    }

    public static boolean isDuplicateKey(MongoWriteException e) {
        return e.getError().getCategory() == ErrorCategory.DUPLICATE_KEY;
    }

    public static Date date(Instant instant) {
        return instant == null ? null : Date.from(instant);
    }

    public static Instant instant(Document document, String key) {
        Date date = document.getDate(key);
        return date == null ? null : date.toInstant();
    }
}
