package app.hearth.gateway.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import app.hearth.gateway.config.NodeConfig;
import app.hearth.platform.config.ConfigException;
import app.hearth.platform.config.Settings;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The management port's and the log format's settings (docs/adr/0025). */
@DisplayName("Metrics and log settings")
class MetricsConfigTest {

    private static NodeConfig.Observability of(Map<String, String> settings) {
        return NodeConfig.from(Settings.of(settings)).observability();
    }

    @Test
    @DisplayName("defaults: management on 127.0.0.1:9464, text logs")
    void defaults() {
        NodeConfig.Observability o = of(Map.of());
        assertTrue(o.managementEnabled());
        assertEquals("127.0.0.1", o.managementHost());
        assertEquals(9464, o.managementPort());
        assertEquals(NodeConfig.LogFormat.TEXT, o.logFormat());
    }

    @Test
    @DisplayName("set: host, port (0 = free), off switch, json in any case")
    void set() {
        NodeConfig.Observability o = of(Map.of("HEARTH_MANAGEMENT_HOST", "0.0.0.0", "HEARTH_MANAGEMENT_PORT", "0",
                "HEARTH_MANAGEMENT_ENABLED", "false", "HEARTH_LOG_FORMAT", "JSON"));
        assertFalse(o.managementEnabled());
        assertEquals("0.0.0.0", o.managementHost());
        assertEquals(0, o.managementPort());
        assertEquals(NodeConfig.LogFormat.JSON, o.logFormat());
    }

    @Test
    @DisplayName("refused: an unknown log format, a port out of range, the public port")
    void refused() {
        assertTrue(assertThrows(ConfigException.class, () -> of(Map.of("HEARTH_LOG_FORMAT", "xml")))
                .getMessage().contains("HEARTH_LOG_FORMAT"));
        assertThrows(ConfigException.class, () -> of(Map.of("HEARTH_MANAGEMENT_PORT", "70000")));
        assertTrue(assertThrows(ConfigException.class, () -> of(Map.of("HEARTH_HTTP_PORT", "9000", "HEARTH_MANAGEMENT_PORT", "9000")))
                .getMessage().contains("HEARTH_HTTP_PORT"));
        // the same port is fine when the management port is off
        assertFalse(of(Map.of("HEARTH_HTTP_PORT", "9000", "HEARTH_MANAGEMENT_PORT", "9000", "HEARTH_MANAGEMENT_ENABLED", "false"))
                .managementEnabled());
    }
}
