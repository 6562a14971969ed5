import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * Hearth's start-up and sign-in load harness. JDK only; run with the source launcher:
 *
 *   java bench/HearthBench.java cold-start [--runs 5] [--jar gateway/target/hearth.jar]
 *   java bench/HearthBench.java login [--concurrency 8] [--seconds 20] [--max-requests 20000] [--jar ...]
 *
 * Every node it starts listens on 127.0.0.1 only, in a temporary data directory that is deleted
 * afterwards; every loop is bounded in count and time; child processes are killed on exit.
 */
public class HearthBench {

    static final List<Process> CHILDREN = new CopyOnWriteArrayList<>();
    static final List<Path> TEMP_DIRS = new CopyOnWriteArrayList<>();
    static final String[] ACCOUNTS = {"admin@demo.hearth", "therapist@demo.hearth", "therapist2@demo.hearth",
            "patient1@demo.hearth", "patient2@demo.hearth", "patient3@demo.hearth", "patient4@demo.hearth"};

    public static void main(String[] args) throws Exception {
        Runtime.getRuntime().addShutdownHook(new Thread(HearthBench::cleanUp));
        if (args.length == 0) {
            System.err.println("usage: java bench/HearthBench.java cold-start|login [options]");
            System.exit(2);
        }
        Map<String, String> options = options(args);
        Path jar = Path.of(options.getOrDefault("jar", "gateway/target/hearth.jar"));
        if (!Files.isRegularFile(jar)) {
            System.err.println("No jar at " + jar + ": run ./mvnw -B -DskipTests package first");
            System.exit(2);
        }
        switch (args[0]) {
            case "cold-start" -> coldStart(jar, Integer.parseInt(options.getOrDefault("runs", "5")));
            case "login" -> login(jar, Integer.parseInt(options.getOrDefault("concurrency", "8")),
                    Integer.parseInt(options.getOrDefault("seconds", "20")),
                    Integer.parseInt(options.getOrDefault("max-requests", "20000")));
            default -> {
                System.err.println("unknown command " + args[0]);
                System.exit(2);
            }
        }
        cleanUp();
    }

    // ---------------------------------------------------------------- cold start

    static void coldStart(Path jar, int runs) throws Exception {
        List<long[]> fresh = new ArrayList<>();
        List<long[]> warm = new ArrayList<>();
        Path kept = Files.createTempDirectory("hearth-bench-warm-");
        TEMP_DIRS.add(kept);
        for (int i = 0; i < runs; i++) {
            Path dir = Files.createTempDirectory("hearth-bench-cold-");
            TEMP_DIRS.add(dir);
            fresh.add(startOnce(jar, dir));
        }
        startOnce(jar, kept); // first start of the warm directory seeds it
        for (int i = 0; i < runs; i++) {
            warm.add(startOnce(jar, kept));
        }
        System.out.println();
        System.out.println("| start | runs | ready line ms (min / p50 / max) | first 200 from /health/ready ms (p50) | RSS after ready MiB (p50) |");
        System.out.println("|---|---|---|---|---|");
        report("empty data directory (keys generated, demo seeded)", fresh);
        report("existing data directory (restart)", warm);
    }

    static void report(String label, List<long[]> samples) {
        List<Long> ready = samples.stream().map(s -> s[0]).sorted().toList();
        List<Long> health = samples.stream().map(s -> s[1]).sorted().toList();
        List<Long> rss = samples.stream().map(s -> s[2]).sorted().toList();
        System.out.printf("| %s | %d | %d / %d / %d | %d | %d |%n", label, samples.size(), ready.get(0),
                percentile(ready, 50), ready.get(ready.size() - 1), percentile(health, 50), percentile(rss, 50) / 1024);
    }

    /** @return {ms to ready line, ms to first healthy answer, RSS KiB} */
    static long[] startOnce(Path jar, Path dataDir) throws Exception {
        int port = freePort();
        long started = System.nanoTime();
        Process process = launch(jar, dataDir, port, Map.of());
        long readyMs = awaitReadyLine(process, Duration.ofSeconds(120));
        HttpClient http = HttpClient.newHttpClient();
        long healthyMs = -1;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            try {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health/ready"))
                        .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200) {
                    healthyMs = (System.nanoTime() - started) / 1_000_000;
                    break;
                }
            } catch (IOException ignored) {
                // not listening yet
            }
            Thread.sleep(20);
        }
        long rss = rssKib(process.pid());
        stop(process);
        System.out.printf("  start on %s: ready line %d ms, healthy %d ms, RSS %d MiB%n", dataDir.getFileName(), readyMs,
                healthyMs, rss / 1024);
        return new long[] {readyMs, healthyMs, rss};
    }

    // ---------------------------------------------------------------- login throughput

    static void login(Path jar, int concurrency, int seconds, int maxRequests) throws Exception {
        Path dir = Files.createTempDirectory("hearth-bench-login-");
        TEMP_DIRS.add(dir);
        int port = freePort();
        // Lifted so the harness measures Argon2 and the stack, not the limiter (one client address).
        Process process = launch(jar, dir, port, Map.of("HEARTH_LOGINS_PER_ADDRESS", "1000000"));
        awaitReadyLine(process, Duration.ofSeconds(120));
        HttpClient http = HttpClient.newBuilder().executor(Executors.newFixedThreadPool(4)).build();
        URI uri = URI.create("http://127.0.0.1:" + port + "/api/auth/login");
        // warm-up: JIT and pools, not counted
        runLoad(http, uri, Math.min(concurrency, 4), Duration.ofSeconds(3), 200);
        Result result = runLoad(http, uri, concurrency, Duration.ofSeconds(seconds), maxRequests);
        stop(process);
        List<Long> sorted = new ArrayList<>(result.latenciesMicros);
        Collections.sort(sorted);
        double rps = sorted.size() / (result.elapsedNanos / 1e9);
        System.out.printf("| %d | %d | %.1f | %.1f | %.1f | %.1f | %.1f | %s |%n", concurrency, sorted.size(), rps,
                percentile(sorted, 50) / 1000.0, percentile(sorted, 95) / 1000.0, percentile(sorted, 99) / 1000.0,
                sorted.isEmpty() ? 0 : sorted.get(sorted.size() - 1) / 1000.0, result.statuses);
    }

    record Result(List<Long> latenciesMicros, Map<Integer, Integer> statuses, long elapsedNanos) {
    }

    static Result runLoad(HttpClient http, URI uri, int concurrency, Duration duration, int maxRequests) throws Exception {
        List<Long> latencies = Collections.synchronizedList(new ArrayList<>());
        Map<Integer, Integer> statuses = new ConcurrentHashMap<>();
        AtomicInteger issued = new AtomicInteger();
        long start = System.nanoTime();
        long deadline = start + duration.toNanos();
        ExecutorService users = Executors.newFixedThreadPool(concurrency);
        for (int u = 0; u < concurrency; u++) {
            int user = u;
            users.submit(() -> {
                int i = user;
                while (System.nanoTime() < deadline && issued.incrementAndGet() <= maxRequests) {
                    String body = "{\"email\":\"" + ACCOUNTS[i++ % ACCOUNTS.length] + "\",\"password\":\"hearth-demo\"}";
                    long t0 = System.nanoTime();
                    int status;
                    try {
                        status = http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30))
                                .header("Content-Type", "application/json")
                                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
                    } catch (Exception e) {
                        status = -1;
                    }
                    statuses.merge(status, 1, Integer::sum);
                    if (status == 200) {
                        latencies.add((System.nanoTime() - t0) / 1000);
                    }
                }
                return null;
            });
        }
        users.shutdown();
        users.awaitTermination(duration.toSeconds() + 60, TimeUnit.SECONDS);
        return new Result(latencies, new TreeMap<>(statuses), System.nanoTime() - start);
    }

    // ---------------------------------------------------------------- helpers

    static Process launch(Path jar, Path dataDir, int port, Map<String, String> extra) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder builder = new ProcessBuilder(java, "-jar", jar.toString()).redirectErrorStream(true);
        Map<String, String> env = builder.environment();
        env.keySet().removeIf(k -> k.startsWith("HEARTH_") || k.equals("MONGO_URI"));
        env.put("HEARTH_DATA_DIR", dataDir.toString());
        env.put("HEARTH_HTTP_HOST", "127.0.0.1");
        env.put("HEARTH_HTTP_PORT", Integer.toString(port));
        env.put("HEARTH_CLUSTER_PORT", Integer.toString(freePort()));
        env.putAll(extra);
        Process process = builder.start();
        CHILDREN.add(process);
        return process;
    }

    static long awaitReadyLine(Process process, Duration timeout) throws Exception {
        long start = System.nanoTime();
        BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        long deadline = start + timeout.toNanos();
        String line;
        while (System.nanoTime() < deadline && (line = in.readLine()) != null) {
            if (line.startsWith("Hearth is ready at ")) {
                long ms = (System.nanoTime() - start) / 1_000_000;
                Thread drain = new Thread(() -> {
                    try {
                        while (in.readLine() != null) {
                            // keep the pipe empty so the node never blocks on logging
                        }
                    } catch (IOException ignored) {
                        // process ended
                    }
                });
                drain.setDaemon(true);
                drain.start();
                return ms;
            }
        }
        throw new IllegalStateException("node did not print its ready line in " + timeout);
    }

    static void stop(Process process) throws InterruptedException {
        process.destroy();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
        CHILDREN.remove(process);
    }

    static long rssKib(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        } catch (IOException ignored) {
            // not Linux: no RSS figure
        }
        return 0;
    }

    static long percentile(List<Long> sorted, int p) {
        if (sorted.isEmpty()) {
            return 0;
        }
        int index = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, index)));
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 0, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    static Map<String, String> options(String[] args) {
        Map<String, String> options = new TreeMap<>();
        for (int i = 1; i + 1 < args.length; i += 2) {
            options.put(args[i].replaceFirst("^--", ""), args[i + 1]);
        }
        return options;
    }

    static void cleanUp() {
        for (Process p : CHILDREN) {
            p.destroyForcibly();
        }
        for (Path dir : TEMP_DIRS) {
            try (Stream<Path> paths = Files.walk(dir)) {
                paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException ignored) {
                // already gone
            }
        }
        TEMP_DIRS.clear();
    }
}
