package app.hearth.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import app.hearth.gateway.testing.ApiClient;
import app.hearth.gateway.testing.TestNode;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The run command as a newcomer uses it: {@code java -jar gateway/target/hearth.jar} in its own
 * process, on the embedded default, with data kept across a restart.
 */
@DisplayName("The packaged jar")
class PackagedJarTest {

    private Path dataDirectory;
    private final List<Process> processes = new ArrayList<>();

    @BeforeEach
    void createDataDirectory() throws IOException {
        dataDirectory = Files.createTempDirectory("hearth-jar-");
    }

    @AfterEach
    void stopAll() throws InterruptedException {
        for (Process p : processes) {
            p.destroyForcibly().waitFor(20, TimeUnit.SECONDS);
        }
        TestNode.deleteRecursively(dataDirectory);
    }

    @Test
    @DisplayName("starts on the embedded default, prints one ready line, and keeps data and keys across a restart")
    void startsAndKeepsDataAcrossRestart() throws Exception {
        // given a first start on an empty data directory
        int httpPort = TestNode.freePort();
        Running first = start(httpPort);
        assertTrue(first.readyLine.contains("http://localhost:" + httpPort), first.readyLine);
        assertTrue(first.readyLine.contains("admin@demo.hearth") && first.readyLine.contains("hearth-demo"),
                "the ready line names the demo accounts: " + first.readyLine);
        ApiClient api = new ApiClient("http://127.0.0.1:" + httpPort);
        assertEquals(200, api.get("/health/ready", null).status());
        assertTrue(api.get("/api/openapi.yaml", null).body().startsWith("openapi: 3.1.0"));

        // when the admin adds a patient and the node is stopped the ordinary way (SIGTERM)
        String token = api.accessToken("admin@demo.hearth", "hearth-demo");
        ApiClient.Reply created = api.postJson("/api/people", token, new JsonObject()
                .put("role", "patient").put("displayName", "Kept Across Restarts").put("email", "kept@example.org"));
        assertEquals(201, created.status(), created.body());
        int peopleBefore = api.get("/api/people", token).json().getJsonArray("items").size();
        first.process.destroy();
        assertTrue(first.process.waitFor(60, TimeUnit.SECONDS), "the node stops on SIGTERM");

        // then a second start finds the patient, does not seed the demo clinic again, and still accepts the old token
        start(httpPort);
        ApiClient.Reply people = api.get("/api/people", token);
        assertEquals(200, people.status(), "the generated signing keys were kept: " + people.body());
        assertEquals(peopleBefore, people.json().getJsonArray("items").size());
        assertTrue(people.body().contains("Kept Across Restarts"));
    }

    @Test
    @DisplayName("production mode refuses to start on demo defaults and says what is missing")
    void productionRefusesDemoDefaults() throws Exception {
        ProcessBuilder builder = command(TestNode.freePort());
        builder.environment().put("HEARTH_MODE", "production");
        builder.redirectErrorStream(true);
        Process process = builder.start();
        processes.add(process);
        assertTrue(process.waitFor(60, TimeUnit.SECONDS));
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(2, process.exitValue(), output);
        assertTrue(output.contains("Production mode refuses to start"), output);
        assertTrue(output.contains("HEARTH_JWT_PRIVATE_KEY_FILE") && output.contains("https://"), output);
        assertTrue(output.contains("HEARTH_CARE_KEYSET_FILE"), output);
    }

    @Test
    @DisplayName("prints a new clinical-data keyset that a node can use, and starts with it")
    void newCareKeyset() throws Exception {
        ProcessBuilder builder = command(TestNode.freePort());
        builder.command().add("new-care-keyset");
        builder.redirectErrorStream(false);
        Process process = builder.start();
        processes.add(process);
        assertTrue(process.waitFor(60, TimeUnit.SECONDS));
        String keyset = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, process.exitValue(), keyset);
        app.hearth.platform.security.FieldCipher cipher = app.hearth.platform.security.FieldCipher.fromKeysetJson(keyset);
        assertEquals("kept", cipher.open(cipher.seal("kept", "t/1/f"), "t/1/f"));

        // a node given that file starts with it (and does not generate one of its own)
        Path file = dataDirectory.resolve("operator-keyset.json");
        Files.writeString(file, keyset);
        int httpPort = TestNode.freePort();
        ProcessBuilder node = command(httpPort);
        node.environment().put("HEARTH_CARE_KEYSET_FILE", file.toString());
        HearthProcess started = HearthProcess.start(node, "packaged jar", false);
        processes.add(started.process());
        assertTrue(Files.notExists(dataDirectory.resolve("keys").resolve(app.hearth.platform.security.FieldCipher.FILE)));
    }

    private record Running(Process process, String readyLine) {
    }

    private Running start(int httpPort) throws Exception {
        HearthProcess started = HearthProcess.start(command(httpPort), "packaged jar", false);
        processes.add(started.process());
        return new Running(started.process(), started.readyLine());
    }

    private ProcessBuilder command(int httpPort) {
        return HearthProcess.command("512m", Map.of(
                "HEARTH_DATA_DIR", dataDirectory.toString(),
                "HEARTH_HTTP_PORT", Integer.toString(httpPort),
                "HEARTH_CLUSTER_PORT", Integer.toString(TestNode.freePort())));
    }

}
