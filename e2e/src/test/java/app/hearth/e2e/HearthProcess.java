package app.hearth.e2e;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The packaged jar ({@code gateway/target/hearth.jar}, or {@code -Dhearth.jar}) started as a node in
 * a process of its own, as a newcomer or an operator starts it: settings from the environment only
 * (the test's own HEARTH_* and MONGO_URI are not inherited), ready when it prints its ready line.
 */
record HearthProcess(Process process, String readyLine) {

    /** The command with a clean environment holding just {@code settings}; start it with {@link #start}. */
    static ProcessBuilder command(String maxHeap, Map<String, String> settings) {
        String jar = System.getProperty("hearth.jar", "../gateway/target/hearth.jar");
        assertTrue(Files.isRegularFile(Path.of(jar)), "package the gateway first: " + jar);
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder builder = new ProcessBuilder(java, "-Xmx" + maxHeap, "-jar", jar);
        Map<String, String> env = builder.environment();
        env.keySet().removeIf(k -> k.startsWith("HEARTH_") || k.equals("MONGO_URI"));
        env.put("HEARTH_MANAGEMENT_PORT", "0"); // /metrics on a free port: several nodes share this machine
        env.putAll(settings);
        return builder;
    }

    /**
     * Starts it and waits (up to 120 s) for "Hearth is ready at …"; a process that ends first fails
     * with everything it printed.
     *
     * @param name what its output lines are called when echoed
     * @param echo print its output (for a failing run), e.g. {@code Boolean.getBoolean("hearth.freeze.log")}
     */
    static HearthProcess start(ProcessBuilder builder, String name, boolean echo) throws Exception {
        builder.redirectErrorStream(true);
        Process process = builder.start();
        List<String> output = Collections.synchronizedList(new ArrayList<>());
        CompletableFuture<String> ready = new CompletableFuture<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = in.readLine()) != null) {
                    output.add(line);
                    if (echo) {
                        System.out.println("[" + name + "] " + line);
                    }
                    if (line.startsWith("Hearth is ready at ")) {
                        ready.complete(line);
                    }
                }
            } catch (IOException ignored) {
                // the process ended; the wait below reports what it printed
            }
            ready.completeExceptionally(new AssertionError(name + " exited without a ready line:\n" + String.join("\n", output)));
        }, "hearth-process-output");
        reader.setDaemon(true);
        reader.start();
        try {
            return new HearthProcess(process, ready.get(120, TimeUnit.SECONDS));
        } catch (Exception e) {
            process.destroyForcibly();
            throw e;
        }
    }
}
