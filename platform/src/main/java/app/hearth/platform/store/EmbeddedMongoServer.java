package app.hearth.platform.store;

import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.h2.H2Backend;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The embedded default's system of record: an in-process server that speaks the MongoDB wire
 * protocol, backed by an H2 file under the data directory so data survives restarts. It listens
 * on loopback only; the application reaches it through the MongoDB Java Driver over TCP, the same
 * code path as a real replica set.
 */
public final class EmbeddedMongoServer implements AutoCloseable {

    private final MongoServer server;
    private final H2Backend backend;
    private final InetSocketAddress address;

    private EmbeddedMongoServer(H2Backend backend, MongoServer server, InetSocketAddress address) {
        this.backend = backend;
        this.server = server;
        this.address = address;
    }

    /**
     * @param dataDirectory the node's data directory; the store file is {@code store/hearth.mv} in it
     * @param port a loopback port, or 0 for any free one
     */
    public static EmbeddedMongoServer start(Path dataDirectory, int port) {
        try {
            Path storeDirectory = Files.createDirectories(dataDirectory.resolve("store"));
            H2Backend backend = new H2Backend(storeDirectory.resolve("hearth.mv").toString());
            MongoServer server = new MongoServer(backend);
            server.bind(new InetSocketAddress("127.0.0.1", port));
            return new EmbeddedMongoServer(backend, server, server.getLocalAddress());
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create the embedded store under " + dataDirectory, e);
        }
    }

    /** A connection string for the MongoDB Java Driver. */
    public String connectionString() {
        return "mongodb://127.0.0.1:" + address.getPort();
    }

    public int port() {
        return address.getPort();
    }

    @Override
    public void close() {
        server.shutdown();
        backend.close();
    }
}
