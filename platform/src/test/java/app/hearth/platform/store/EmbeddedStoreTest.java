package app.hearth.platform.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.mongodb.MongoWriteException;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.IndexOptions;
import com.mongodb.client.model.Indexes;
import com.mongodb.client.model.Updates;
import java.nio.file.Path;
import org.bson.Document;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The MongoDB Java Driver over real TCP to the embedded server: the boundary every repository relies on. */
@DisplayName("Embedded store through the MongoDB Java Driver")
class EmbeddedStoreTest {

    @TempDir
    Path dataDirectory;

    @Test
    @DisplayName("documents written before a restart are there after it")
    void survivesRestart() {
        try (EmbeddedMongoServer server = EmbeddedMongoServer.start(dataDirectory, 0);
             Store store = Store.connect(server.connectionString(), "hearth")) {
            store.collection("things").insertOne(new Document("_id", "a").append("n", 1));
        }
        try (EmbeddedMongoServer server = EmbeddedMongoServer.start(dataDirectory, 0);
             Store store = Store.connect(server.connectionString(), "hearth")) {
            Document found = store.collection("things").find(Filters.eq("_id", "a")).first();
            assertEquals(1, found.getInteger("n"));
        }
    }

    @Test
    @DisplayName("a unique index rejects a duplicate with a duplicate-key error the repositories recognise")
    void uniqueIndex() {
        try (EmbeddedMongoServer server = EmbeddedMongoServer.start(dataDirectory, 0);
             Store store = Store.connect(server.connectionString(), "hearth")) {
            MongoCollection<Document> c = store.collection("people");
            c.createIndex(Indexes.ascending("emailKey"), new IndexOptions().unique(true));
            c.insertOne(new Document("_id", "1").append("emailKey", "a@x"));
            MongoWriteException e = assertThrows(MongoWriteException.class,
                    () -> c.insertOne(new Document("_id", "2").append("emailKey", "a@x")));
            assertTrue(Documents.isDuplicateKey(e));
            assertEquals(1, c.countDocuments());
        }
    }

    @Test
    @DisplayName("a conditional findOneAndUpdate succeeds once: the primitive behind single-use tickets")
    void conditionalUpdateOnce() {
        try (EmbeddedMongoServer server = EmbeddedMongoServer.start(dataDirectory, 0);
             Store store = Store.connect(server.connectionString(), "hearth")) {
            MongoCollection<Document> c = store.collection("tickets");
            c.insertOne(new Document("_id", "t").append("usedAt", null));
            var first = c.findOneAndUpdate(Filters.and(Filters.eq("_id", "t"), Filters.eq("usedAt", null)),
                    Updates.set("usedAt", new java.util.Date()));
            var second = c.findOneAndUpdate(Filters.and(Filters.eq("_id", "t"), Filters.eq("usedAt", null)),
                    Updates.set("usedAt", new java.util.Date()));
            assertTrue(first != null && second == null);
        }
    }
}
