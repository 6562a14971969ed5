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
 */
public final class TestNode implements AutoCloseable {

    private final HearthNode node;
    private final Path dataDirectory;
    private final boolean ownsDataDirectory;

    private TestNode(HearthNode node, Path dataDirectory, boolean ownsDataDirectory) {
        this.node = node;
        this.dataDirectory = dataDirectory;
        this.ownsDataDirectory = ownsDataDirectory;
    }

    /** A standalone node with the demo clinic. */
    public static TestNode start() {
        return start(Map.of());
    }

    /**
     * A node with extra settings over the test defaults (same keys as the environment). Without
     * HEARTH_DATA_DIR a temporary directory is made and deleted on close.
     */
    public static TestNode start(Map<String, String> overrides) {
        Map<String, String> settings = new HashMap<>();
        settings.put("HEARTH_HTTP_PORT", "0");
        settings.put("HEARTH_HTTP_HOST", "127.0.0.1");
        settings.put("HEARTH_CLUSTER_ENABLED", "false");
        settings.putAll(overrides);
        boolean owns = !settings.containsKey("HEARTH_DATA_DIR");
        Path data;
        try {
            data = owns ? Files.createTempDirectory("hearth-test-") : Path.of(settings.get("HEARTH_DATA_DIR"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        settings.put("HEARTH_DATA_DIR", data.toString());
        HearthNode node = HearthNode.start(NodeConfig.from(Settings.of(settings)));
        return new TestNode(node, data, owns);
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

    /** The embedded store's URI, so a test (or a second node) can reach the same data. */
    public String storeUri() {
        return node.embeddedStoreUri().orElseThrow(() -> new IllegalStateException("node runs on MONGO_URI"));
    }

    @Override
    public void close() {
        node.close();
        if (ownsDataDirectory) {
            deleteRecursively(dataDirectory);
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
