package app.hearth.platform.store;

import de.bwaldvogel.mongo.MongoServer;
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
 *
 * <p>Every write is in the store file before the server answers it (see {@link DurableH2Backend}
 * and docs/adr/0014): what Hearth acknowledged survives the process being killed at any moment.
 */
public final class EmbeddedMongoServer implements AutoCloseable {

    private final MongoServer server;
    private final DurableH2Backend backend;
    private final InetSocketAddress address;

    private EmbeddedMongoServer(DurableH2Backend backend, MongoServer server, InetSocketAddress address) {
        this.backend = backend;
        this.server = server;
        this.address = address;
    }

    /**
     * @param dataDirectory the node's data directory; the store file is {@code store/hearth.mv} in it
     * @param port a loopback port, or 0 for any free one
     */
    public static EmbeddedMongoServer start(Path dataDirectory, int port) {
        return start(dataDirectory, port, FSYNC_DEFAULT);
    }

    /**
     * Whether a write is also forced to the device before it is answered (survives a power loss or
     * kernel crash, not only the process dying): the default, see docs/adr/0014 for its cost.
     */
    public static final boolean FSYNC_DEFAULT = true;

    /**
     * @param fsync force each commit to the device ({@code FileChannel.force}) before answering;
     *              without it a write survives kill -9 (it is in the OS page cache) but not a power loss
     */
    public static EmbeddedMongoServer start(Path dataDirectory, int port, boolean fsync) {
        try {
            Path storeDirectory = Files.createDirectories(dataDirectory.resolve("store"));
            DurableH2Backend backend = DurableH2Backend.open(storeDirectory.resolve("hearth.mv").toString(), fsync);
            MongoServer server = new MongoServer(backend);
            try {
                server.bind(new InetSocketAddress("127.0.0.1", port));
            } catch (RuntimeException e) {
                backend.close(); // releases the store file's lock for the next attempt
                throw e;
            }
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
