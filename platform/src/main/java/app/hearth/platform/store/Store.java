package app.hearth.platform.store;

import com.mongodb.ConnectionString;
import com.mongodb.MongoClientSettings;
import com.mongodb.ReadConcern;
import com.mongodb.WriteConcern;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.bson.Document;

/**
 * The connection to the system of record. Writes are acknowledged by a majority (on a replica set
 * that is what makes a 201 durable); the code uses single-document atomic operations and unique
 * indexes only, so it runs unchanged on the embedded server and on a real replica set.
 *
 * <p>Every wait on the store is bounded by one {@code timeout}: each read waits at most that long,
 * and finding a usable server, connecting and waiting for a pooled connection at most half of it.
 * Reads are not retried by the driver (a retry would double the bound; the client retries on the
 * 503 instead). So a store that stops answering — crashed, partitioned, or a frozen process that
 * still accepts TCP connections — fails an operation with a {@link com.mongodb.MongoTimeoutException}
 * or {@link com.mongodb.MongoSocketReadTimeoutException} within {@code timeout}, which the edge
 * answers with 503 and Retry-After. A write that timed out may still be applied by the store later:
 * the caller was not told it succeeded, and a retry meets the unique indexes (time claims, emails)
 * that keep it from doubling what may already be there (ADR 0015).
 */
public final class Store implements AutoCloseable {

    private final MongoClient client;
    private final MongoDatabase database;

    private Store(MongoClient client, MongoDatabase database) {
        this.client = client;
        this.database = database;
    }

    /** The bound on one operation on the store unless the node says otherwise. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(5);

    public static Store connect(String connectionString, String databaseName) {
        return connect(connectionString, databaseName, DEFAULT_TIMEOUT);
    }

    /**
     * @param timeout the longest one operation waits for the store; the server's health is checked
     *                every 2 s, so an unreachable store is known to be down soon after
     */
    public static Store connect(String connectionString, String databaseName, Duration timeout) {
        ConnectionString uri = new ConnectionString(connectionString);
        long millis = Math.max(100, timeout.toMillis());
        long half = Math.max(100, millis / 2);
        MongoClientSettings settings = MongoClientSettings.builder()
                .applyConnectionString(uri)
                .applicationName("hearth")
                .writeConcern(uri.getWriteConcern() != null ? uri.getWriteConcern() : WriteConcern.MAJORITY)
                .readConcern(ReadConcern.DEFAULT)
                .retryReads(uri.getRetryReads() != null && uri.getRetryReads())
                .applyToClusterSettings(b -> b.serverSelectionTimeout(half, TimeUnit.MILLISECONDS))
                .applyToConnectionPoolSettings(b -> b.maxWaitTime(half, TimeUnit.MILLISECONDS))
                .applyToServerSettings(b -> b.heartbeatFrequency(2, TimeUnit.SECONDS))
                .applyToSocketSettings(b -> b.connectTimeout(half, TimeUnit.MILLISECONDS)
                        .readTimeout(millis, TimeUnit.MILLISECONDS))
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
