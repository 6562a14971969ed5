package app.hearth.gateway.logging;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import app.hearth.gateway.HearthMain;
import app.hearth.gateway.testing.Eventually;
import app.hearth.gateway.testing.TestNode;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The jar's whole output with HEARTH_LOG_FORMAT=json, from its first line (docs/adr/0025): a node
 * started as {@code java -jar} starts it ({@link HearthMain}, logback.xml of the jar, its own JVM),
 * whose lines logged while logging itself starts (ical4j's, replayed by SLF4J) were plain text.
 */
@DisplayName("JSON logs from the first line of the jar")
class JsonStartupLogTest {

    @Test
    @DisplayName("HEARTH_LOG_FORMAT=json: every line the process writes, up to and including 'ready', is one JSON object")
    void everyLineIsJson() throws Exception {
        URL logback = HearthMain.class.getResource("/logback.xml");
        assertNotNull(logback, "the jar's logback.xml");
        Path data = Files.createTempDirectory("hearth-json-start-");
        int port = TestNode.freePort();
        ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"),
                "-Dlogback.configurationFile=" + Path.of(logback.toURI()), // not the tests' logback-test.xml
                "-Xmx384m", HearthMain.class.getName())
                .directory(data.toFile()).redirectErrorStream(true);
        builder.environment().keySet().removeIf(k -> k.startsWith("HEARTH_") || k.equals("MONGO_URI"));
        builder.environment().putAll(java.util.Map.of("HEARTH_LOG_FORMAT", "json", "HEARTH_DATA_DIR", data.toString(),
                "HEARTH_HTTP_PORT", Integer.toString(port), "HEARTH_PUBLIC_BASE_URL", "http://127.0.0.1:" + port,
                "HEARTH_MANAGEMENT_PORT", "0", "HEARTH_CLUSTER_ENABLED", "false", "HEARTH_DEMO_BOOK_NOW", "false"));
        Process process = builder.start();
        List<String> lines = Collections.synchronizedList(new ArrayList<>());
        Thread reader = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = in.readLine()) != null; ) {
                    lines.add(line);
                }
            } catch (java.io.IOException e) {
                // the process ended
            }
        }, "json-start-output");
        reader.setDaemon(true);
        reader.start();
        try {
            Eventually.within(Duration.ofSeconds(120), "the node's ready line", () -> {
                assertTrue(process.isAlive() || lines.stream().anyMatch(l -> l.contains("Hearth is ready")),
                        "the node exited: " + lines);
                assertTrue(lines.stream().anyMatch(l -> l.contains("Hearth is ready")), "ready");
            });
        } finally {
            process.destroy();
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
            TestNode.deleteRecursively(data);
        }
        List<String> output;
        synchronized (lines) {
            output = List.copyOf(lines);
        }
        List<JsonNode> parsed;
        try {
            parsed = JsonLogTest.parse(output.stream().filter(l -> !l.isBlank()).toList());
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + "\nin the whole output:\n" + String.join("\n", output), e);
        }
        for (JsonNode line : parsed) {
            assertTrue(line.has("@timestamp") && line.has("level") && line.has("message"), line.toString());
        }
        // the line that was replayed as text before (ical4j logs while logback is starting), now JSON
        assertTrue(parsed.stream().anyMatch(l -> l.path("logger_name").asText().startsWith("net.fortuna.ical4j")),
                "the early, replayed line is among them: " + output);
        assertFalse(parsed.stream().anyMatch(l -> l.path("message").asText().contains("hearth-demo")),
                "the ready line names the demo accounts, not their password");
    }
}
