package app.hearth.platform.store;

import com.mongodb.ConnectionString;
import com.mongodb.MongoClientSettings;
import com.mongodb.ReadConcern;
import com.mongodb.WriteConcern;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import java.util.concurrent.TimeUnit;
import org.bson.Document;

/**
 * The connection to the system of record. Writes are acknowledged by a majority (on a replica set
 * that is what makes a 201 durable); the code uses single-document atomic operations and unique
 * indexes only, so it runs unchanged on the embedded server and on a real replica set.
 */
public final class Store implements AutoCloseable {

    private final MongoClient client;
    private final MongoDatabase database;

    private Store(MongoClient client, MongoDatabase database) {
        this.client = client;
        this.database = database;
    }

    public static Store connect(String connectionString, String databaseName) {
        ConnectionString uri = new ConnectionString(connectionString);
        MongoClientSettings settings = MongoClientSettings.builder()
                .applyConnectionString(uri)
                .applicationName("hearth")
                .writeConcern(uri.getWriteConcern() != null ? uri.getWriteConcern() : WriteConcern.MAJORITY)
                .readConcern(ReadConcern.DEFAULT)
                .applyToClusterSettings(b -> b.serverSelectionTimeout(10, TimeUnit.SECONDS))
                .applyToSocketSettings(b -> b.connectTimeout(5, TimeUnit.SECONDS).readTimeout(30, TimeUnit.SECONDS))
                .build();
        MongoClient client = MongoClients.create(settings);
        return new Store(client, client.getDatabase(databaseName));
    }

    /** The database itself, for what is more than a collection (GridFS buckets). */
    public MongoDatabase database() {
        return database;
    }

    public MongoCollection<Document> collection(String name) {
        return database.getCollection(name);
    }

    /** Round-trips a ping to the server; throws when it is unreachable. */
    public void ping() {
        database.runCommand(new Document("ping", 1));
    }

    /** Drops the whole database: for test databases only. */
    public void drop() {
        database.drop();
    }

    @Override
    public void close() {
        client.close();
    }
}
