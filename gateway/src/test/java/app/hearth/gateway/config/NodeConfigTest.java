package app.hearth.gateway.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import app.hearth.platform.config.ConfigException;
import app.hearth.platform.config.Settings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("Node configuration")
class NodeConfigTest {

    @Test
    @DisplayName("the embedded default: port 8080, ./data, embedded store, one-member cluster on loopback, demo seeding on")
    void defaults() {
        NodeConfig config = NodeConfig.from(Settings.of(Map.of()));
        assertEquals(8080, config.http().port());
        assertEquals(Path.of("./data"), config.dataDirectory());
        assertTrue(config.store().embedded());
        assertTrue(config.cluster().enabled());
        assertEquals(java.util.List.of("127.0.0.1:5701"), config.cluster().members());
        assertTrue(config.demoSeed());
        assertTrue(config.demoBookNow(), "the first run: the demo's Dr. Okafor bookable now (issue 14)");
        assertEquals(Duration.ofMinutes(15), config.jwt().accessTokenTtl());
        assertEquals(Duration.ofHours(24), config.accounts().setPasswordTtl());
    }

    @Test
    @DisplayName("the store timeout: 5 s by default, HEARTH_STORE_TIMEOUT sets it, zero or negative is refused")
    void storeTimeout() {
        assertEquals(Duration.ofSeconds(5), NodeConfig.from(Settings.of(Map.of())).store().timeout());
        assertEquals(Duration.ofMillis(1500), NodeConfig.from(Settings.of(Map.of("HEARTH_STORE_TIMEOUT", "PT1.5S"))).store().timeout());
        ConfigException refused = assertThrows(ConfigException.class,
                () -> NodeConfig.from(Settings.of(Map.of("HEARTH_STORE_TIMEOUT", "PT0S"))));
        assertTrue(refused.getMessage().contains("HEARTH_STORE_TIMEOUT"), refused.getMessage());
    }

    @Test
    @DisplayName("MONGO_URI switches off the embedded store and the demo clinic")
    void mongoUriMeansNoDemo() {
        NodeConfig config = NodeConfig.from(Settings.of(Map.of("MONGO_URI", "mongodb://db.internal:27017/?replicaSet=rs0")));
        assertFalse(config.store().embedded());
        assertFalse(config.demoSeed());
        assertFalse(config.demoBookNow(), "no demo, nothing to open");
        assertFalse(NodeConfig.from(Settings.of(Map.of("HEARTH_DEMO_BOOK_NOW", "false"))).demoBookNow());
    }

    @Test
    @DisplayName("defaults < config file < environment")
    void layering(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("hearth.properties");
        Files.writeString(file, "HEARTH_HTTP_PORT=9000\nHEARTH_PUBLIC_BASE_URL=http://file.example\nHEARTH_MONGO_DATABASE=fromfile\n");
        Settings settings = Settings.load(Map.of(
                Settings.CONFIG_FILE_KEY, file.toString(),
                "HEARTH_HTTP_PORT", "9100",
                "PATH", "/usr/bin"));
        NodeConfig config = NodeConfig.from(settings);
        assertEquals(9100, config.http().port(), "environment wins over the file");
        assertEquals("http://file.example", config.http().publicBaseUrl(), "file wins over defaults");
        assertEquals("fromfile", config.store().database());
        assertTrue(settings.get("PATH").isEmpty(), "unrelated environment variables are ignored");
    }

    @Test
    @DisplayName("a named config file that does not exist is an error, not silently ignored")
    void missingNamedFile() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> Settings.load(Map.of(Settings.CONFIG_FILE_KEY, "/nonexistent/hearth.properties")));
        assertTrue(e.getMessage().contains("/nonexistent/hearth.properties"));
    }

    @Test
    @DisplayName("malformed values name the key at fault")
    void malformedValues() {
        assertTrue(assertThrows(ConfigException.class,
                () -> NodeConfig.from(Settings.of(Map.of("HEARTH_HTTP_PORT", "eighty")))).getMessage().contains("HEARTH_HTTP_PORT"));
        assertTrue(assertThrows(ConfigException.class,
                () -> NodeConfig.from(Settings.of(Map.of("HEARTH_ACCESS_TOKEN_TTL", "15 minutes")))).getMessage()
                .contains("HEARTH_ACCESS_TOKEN_TTL"));
        assertTrue(assertThrows(ConfigException.class,
                () -> NodeConfig.from(Settings.of(Map.of("HEARTH_JWT_PRIVATE_KEY_FILE", "/k.pem")))).getMessage()
                .contains("HEARTH_JWT_PUBLIC_KEY_FILE"));
    }

    @Test
    @DisplayName("production mode refuses demo seeding, generated keys, plain http and the embedded store, saying what to set")
    void productionRefusals() {
        ConfigException e = assertThrows(ConfigException.class, () -> NodeConfig.from(Settings.of(Map.of(
                "HEARTH_MODE", "production",
                "HEARTH_DEMO_SEED", "true",
                "HEARTH_PUBLIC_BASE_URL", "http://clinic.example"))));
        String message = e.getMessage();
        assertTrue(message.contains("HEARTH_DEMO_SEED=false"), message);
        assertTrue(message.contains("HEARTH_JWT_PRIVATE_KEY_FILE"), message);
        assertTrue(message.contains("HEARTH_CARE_KEYSET_FILE"), message);
        assertTrue(message.contains("https://"), message);
        assertTrue(message.contains("MONGO_URI"), message);
    }

    @Test
    @DisplayName("production mode starts with real keys, https and a replica set")
    void productionAccepted() {
        NodeConfig config = NodeConfig.from(Settings.of(Map.of(
                "HEARTH_MODE", "production",
                "HEARTH_PUBLIC_BASE_URL", "https://clinic.example",
                "MONGO_URI", "mongodb://db1,db2,db3/?replicaSet=rs0",
                "HEARTH_JWT_PRIVATE_KEY_FILE", "/run/secrets/jwt-private.pem",
                "HEARTH_JWT_PUBLIC_KEY_FILE", "/run/secrets/jwt-public.pem",
                "HEARTH_CARE_KEYSET_FILE", "/run/secrets/care-keyset.json")));
        assertEquals(NodeConfig.Mode.PRODUCTION, config.mode());
        assertFalse(config.demoSeed());
    }
}
