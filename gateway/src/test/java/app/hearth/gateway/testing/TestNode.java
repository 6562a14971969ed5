package app.hearth.gateway.testing;

import app.hearth.gateway.HearthNode;
import app.hearth.gateway.config.NodeConfig;
import app.hearth.platform.config.Settings;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;

/**
 * A real Hearth node for tests: the embedded store over TCP in a fresh temporary data directory,
 * a random HTTP port on loopback, the demo clinic seeded. The cluster is off unless asked for; the
 * cluster tests start their own nodes with {@link #start(Map)}.
 *
 * <p>With {@code HEARTH_TEST_MONGO_URI} set in the environment, every test node uses that real
 * MongoDB instead, each in a database of its own that is dropped on close: the same suite, run
 * against a replica set ({@code HEARTH_TEST_MONGO_URI=mongodb://... ./mvnw -B verify}).
 */
public final class TestNode implements AutoCloseable {

    /** Names a real MongoDB for the whole suite; unset means the embedded store. */
    public static final String REAL_MONGO_ENV = "HEARTH_TEST_MONGO_URI";

    /** Where {@link #freePort()} looks: below Linux's default ephemeral range (32768–60999). */
    private static final int BELOW_EPHEMERAL_FROM = 20_000;
    private static final int BELOW_EPHEMERAL_TO = 32_000;

    private final HearthNode node;
    private final Path dataDirectory;
    private final boolean ownsDataDirectory;
    private final String storeUri;
    private final String databaseName;
    private final boolean ownsDatabase;

    private TestNode(HearthNode node, Path dataDirectory, boolean ownsDataDirectory, String storeUri,
                     String databaseName, boolean ownsDatabase) {
        this.node = node;
        this.dataDirectory = dataDirectory;
        this.ownsDataDirectory = ownsDataDirectory;
        this.storeUri = storeUri;
        this.databaseName = databaseName;
        this.ownsDatabase = ownsDatabase;
    }

    /** A standalone node with the demo clinic. */
    public static TestNode start() {
        return start(Map.of());
    }

    /**
     * A node with extra settings over the test defaults (same keys as the environment). Without
     * HEARTH_DATA_DIR a temporary directory is made and deleted on close. Without HEARTH_HTTP_PORT
     * the port is picked here, and picked again (up to three tries) if the node cannot bind it.
     */
    public static TestNode start(Map<String, String> overrides) {
        for (int attempt = 1; ; attempt++) {
            try {
                return startOnce(overrides);
            } catch (RuntimeException e) {
                // The HTTP port is picked here and bound by the node a moment later; another process
                // may bind it in between. Pick again, a few times, rather than fail the test.
                if (attempt >= 3 || overrides.containsKey("HEARTH_HTTP_PORT") || !causedByBind(e)) {
                    throw e;
                }
            }
        }
    }

    private static boolean causedByBind(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof java.net.BindException) {
                return true;
            }
        }
        return false;
    }

    private static TestNode startOnce(Map<String, String> overrides) {
        Map<String, String> settings = new HashMap<>();
        // A concrete port, so links and the token issuer name the address the test really uses.
        int port = freePort();
        settings.put("HEARTH_HTTP_PORT", Integer.toString(port));
        settings.put("HEARTH_PUBLIC_BASE_URL", "http://127.0.0.1:" + port);
        settings.put("HEARTH_HTTP_HOST", "127.0.0.1");
        settings.put("HEARTH_CLUSTER_ENABLED", "false");
        // Tests book against the demo's office hours and its 24-hour notice, not the first run's open day.
        settings.put("HEARTH_DEMO_BOOK_NOW", "false");
        // metrics on a free loopback port: several nodes (and several builds) share this machine
        settings.put("HEARTH_MANAGEMENT_PORT", "0");
        settings.putAll(overrides);
        String realMongo = System.getenv(REAL_MONGO_ENV);
        boolean ownsDatabase = false;
        if (realMongo != null && !realMongo.isBlank() && !settings.containsKey("MONGO_URI")) {
            settings.put("MONGO_URI", realMongo);
            settings.put("HEARTH_MONGO_DATABASE", "hearth_test_" + java.util.UUID.randomUUID().toString().replace("-", ""));
            settings.putIfAbsent("HEARTH_DEMO_SEED", "true");
            ownsDatabase = true;
        }
        boolean owns = !settings.containsKey("HEARTH_DATA_DIR");
        Path data;
        try {
            data = owns ? Files.createTempDirectory("hearth-test-") : Path.of(settings.get("HEARTH_DATA_DIR"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        settings.put("HEARTH_DATA_DIR", data.toString());
        NodeConfig config = NodeConfig.from(Settings.of(settings));
        HearthNode node;
        try {
            node = HearthNode.start(config);
        } catch (RuntimeException e) {
            if (owns) {
                deleteRecursively(data);
            }
            throw e;
        }
        String uri = node.embeddedStoreUri().orElse(config.store().mongoUri().orElse(null));
        return new TestNode(node, data, owns, uri, config.store().database(), ownsDatabase);
    }

    /**
     * Two nodes on loopback in one Hazelcast cluster, sharing the first node's store and key pair and
     * one token issuer, as behind a load balancer. Extra settings apply to both.
     */
    public static TestNode[] startPair(String clusterName, Map<String, String> extra) {
        int portA = freePort();
        int portB = freePort();
        String members = "127.0.0.1:" + portA + ",127.0.0.1:" + portB;
        Map<String, String> shared = new HashMap<>(extra);
        shared.putAll(Map.of("HEARTH_JWT_ISSUER", "https://hearth.test", "HEARTH_CLUSTER_ENABLED", "true",
                "HEARTH_CLUSTER_NAME", clusterName + "-" + portA, "HEARTH_CLUSTER_MEMBERS", members));
        Map<String, String> a = new HashMap<>(shared);
        a.put("HEARTH_CLUSTER_PORT", Integer.toString(portA));
        TestNode first = start(a);
        String keys = first.dataDirectory().resolve("keys").toString();
        Map<String, String> b = new HashMap<>(shared);
        b.putAll(first.storeSettings());
        b.put("HEARTH_CLUSTER_PORT", Integer.toString(portB));
        b.put("HEARTH_JWT_PRIVATE_KEY_FILE", keys + "/" + app.hearth.platform.security.SigningKeys.PRIVATE_FILE);
        b.put("HEARTH_JWT_PUBLIC_KEY_FILE", keys + "/" + app.hearth.platform.security.SigningKeys.PUBLIC_FILE);
        // one clinical-data keyset for the cluster, as in production: what one node seals the other opens
        b.put("HEARTH_CARE_KEYSET_FILE", keys + "/" + app.hearth.platform.security.FieldCipher.FILE);
        try {
            return new TestNode[] {first, start(b)};
        } catch (RuntimeException e) {
            first.close();
            throw e;
        }
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + node.httpPort();
    }

    public int port() {
        return node.httpPort();
    }

    public HearthNode node() {
        return node;
    }

    public Path dataDirectory() {
        return dataDirectory;
    }

    /** The store's URI, so a test (or a second node) can reach the same data. */
    public String storeUri() {
        return storeUri;
    }

    /** The database this node uses in {@link #storeUri()}. */
    public String databaseName() {
        return databaseName;
    }

    /** Settings that point another node at this node's store (URI and database). */
    public Map<String, String> storeSettings() {
        return Map.of("MONGO_URI", storeUri, "HEARTH_MONGO_DATABASE", databaseName);
    }

    @Override
    public void close() {
        if (ownsDatabase) {
            try (var store = app.hearth.platform.store.Store.connect(storeUri, databaseName)) {
                store.drop();
            }
        }
        node.close();
        if (ownsDataDirectory) {
            deleteRecursively(dataDirectory);
        }
    }

    /**
     * A currently free loopback port (for HTTP or Hazelcast), below the kernel's ephemeral range
     * (32768–60999 on Linux). A port the kernel hands out (a bind to port 0, an outgoing
     * connection's own end) comes from that range, so one picked there and released can be handed
     * out again before the node binds it. In CI a pair's second node found its HTTP port taken, most
     * likely so: the first node keeps connecting to the second's cluster port meanwhile, each attempt
     * from a new ephemeral port. Below the range only an explicit bind takes a port.
     */
    public static int freePort() {
        java.util.concurrent.ThreadLocalRandom random = java.util.concurrent.ThreadLocalRandom.current();
        for (int attempt = 0; attempt < 200; attempt++) {
            int candidate = BELOW_EPHEMERAL_FROM + random.nextInt(BELOW_EPHEMERAL_TO - BELOW_EPHEMERAL_FROM);
            try (java.net.ServerSocket socket = new java.net.ServerSocket()) {
                socket.bind(new java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), candidate));
                return candidate;
            } catch (IOException taken) {
                // in use: try another
            }
        }
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0, 0, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static void deleteRecursively(Path directory) {
        if (!Files.exists(directory)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(directory)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
