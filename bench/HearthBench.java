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
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * Hearth's load harness (start-up, sign-in, booking, live rooms). JDK only; run with the source launcher:
 *
 *   java bench/HearthBench.java cold-start [--runs 5] [--env K=V,K=V] [--jar gateway/target/hearth.jar]
 *   java bench/HearthBench.java login [--concurrency 8] [--seconds 20] [--max-requests 20000] [--jar ...]
 *   java bench/HearthBench.java booking [--concurrency 4] [--jar ...]
 *   java bench/HearthBench.java fanout|fanout-compare [--rooms 50] [--rates 500,1000] [--seconds 8] [--rounds 3] [--jar ...]
 *       (rooms of 8 on one node, chat at fixed total rates; fanout-compare also drives bench/socketio-peer, interleaved)
 *   java bench/HearthBench.java rooms [--rooms 8] [--per-room 4] [--messages 20] [--idle-connections 500] [--jar ...]
 *       (two nodes on loopback; chat fan-out, roster pushes, waiting-room alerts, heap per idle socket, dead-node cleanup)
 *
 * Common option: --max-minutes 10 (a watchdog ends the whole run, killing its nodes, after that).
 *
 * Every node it starts listens on 127.0.0.1 only, in a temporary data directory that is deleted
 * afterwards; every loop is bounded in count and time; child processes are killed on exit, also
 * when the harness fails or is interrupted (shutdown hook).
 */
public class HearthBench {

    static final List<Process> CHILDREN = new CopyOnWriteArrayList<>();
    static final List<Path> TEMP_DIRS = new CopyOnWriteArrayList<>();
    /** Set once main is done; the shutdown hook says so when it runs before (a signal, the watchdog). */
    static volatile boolean finished;
    static final String[] ACCOUNTS = {"admin@demo.hearth", "therapist@demo.hearth", "therapist2@demo.hearth",
            "patient1@demo.hearth", "patient2@demo.hearth", "patient3@demo.hearth", "patient4@demo.hearth"};
    static final String READY_LINE = "Hearth is ready at ";
    /** Clock ticks per second of /proc/<pid>/stat (USER_HZ): 100 on every mainstream Linux build. */
    static final double USER_HZ = 100.0;

    public static void main(String[] args) throws Exception {
        Runtime.getRuntime().addShutdownHook(new Thread(HearthBench::cleanUp, "hearth-bench-cleanup"));
        if (args.length == 0) {
            System.err.println("usage: java bench/HearthBench.java cold-start|login|booking|rooms|flood|fanout|fanout-compare|idle|refusals [options]");
            System.exit(2);
        }
        Map<String, String> options = options(args);
        Path jar = Path.of(options.getOrDefault("jar", "gateway/target/hearth.jar"));
        if (!Files.isRegularFile(jar)) {
            System.err.println("No jar at " + jar + ": run ./mvnw -B -DskipTests package first");
            System.exit(2);
        }
        startWatchdog(Duration.ofMinutes(Long.parseLong(options.getOrDefault("max-minutes", "10"))));
        int exit = 0;
        try {
            switch (args[0]) {
                case "cold-start" -> coldStart(jar, Integer.parseInt(options.getOrDefault("runs", "5")),
                        envOption(options.getOrDefault("env", "")));
                case "booking" -> booking(jar, Integer.parseInt(options.getOrDefault("concurrency", "4")));
                case "rooms" -> RoomsBench.run(jar, Integer.parseInt(options.getOrDefault("rooms", "8")),
                        Integer.parseInt(options.getOrDefault("per-room", "4")),
                        Integer.parseInt(options.getOrDefault("messages", "20")),
                        Integer.parseInt(options.getOrDefault("idle-connections", "500")),
                        envOption(options.getOrDefault("env", "")));
                case "flood" -> FloodBench.run(jar, Integer.parseInt(options.getOrDefault("rooms", "4")),
                        Integer.parseInt(options.getOrDefault("messages", "100")),
                        Integer.parseInt(options.getOrDefault("bombs", "5")),
                        Integer.parseInt(options.getOrDefault("pings-per-socket", "0")), envOption(options.getOrDefault("env", "")));
                case "fanout", "fanout-compare" -> {
                    int setupThreads = Integer.parseInt(options.getOrDefault("setup-threads", "1"));
                    if (setupThreads < 1 || setupThreads > 16) {
                        throw new IllegalArgumentException("1 ≤ --setup-threads ≤ 16");
                    }
                    if (setupThreads > 1) {
                        RoomsBench.peopleThreads = setupThreads;
                        RoomsBench.roomThreads = setupThreads;
                    }
                    FanoutBench.run(jar, args[0].equals("fanout-compare"),
                        Integer.parseInt(options.getOrDefault("rooms", "50")),
                        Stream.of(options.getOrDefault("rates", "500").split(",")).map(String::trim).map(Integer::parseInt).toList(),
                        Integer.parseInt(options.getOrDefault("seconds", "8")),
                        Integer.parseInt(options.getOrDefault("rounds", "3")), envOption(options.getOrDefault("env", "")),
                        Integer.parseInt(options.getOrDefault("nodes", "1")));
                }
                case "idle" -> FanoutBench.idle(jar, Integer.parseInt(options.getOrDefault("connections", "5000")),
                        Integer.parseInt(options.getOrDefault("idle-seconds", "30")), "true".equals(options.getOrDefault("compare", "false")),
                        Integer.parseInt(options.getOrDefault("heap-mib", "1024")), envOption(options.getOrDefault("env", "")));
                case "refusals" -> refusals(jar, Integer.parseInt(options.getOrDefault("good", "20")),
                        Integer.parseInt(options.getOrDefault("requests", "50")),
                        Integer.parseInt(options.getOrDefault("malformed", "1000")),
                        Integer.parseInt(options.getOrDefault("flood-connections", "10")),
                        options.getOrDefault("kinds", "all"));
                case "login" -> login(jar, Integer.parseInt(options.getOrDefault("concurrency", "8")),
                        Integer.parseInt(options.getOrDefault("seconds", "20")),
                        Integer.parseInt(options.getOrDefault("max-requests", "20000")));
                default -> {
                    System.err.println("unknown command " + args[0]);
                    exit = 2;
                }
            }
        } catch (Exception e) {
            e.printStackTrace();
            exit = 1;
        } finally {
            finished = true;
            cleanUp();
        }
        System.exit(exit); // also ends the HTTP clients' and drainers' threads
    }

    // ---------------------------------------------------------------- cold start

    /** One start: ms from spawning the JVM to the ready line and to the first 200 from /health/ready. */
    record Start(long readyMs, long healthyMs, long rssKib, double cpuSeconds) {
    }

    static final HttpClient PROBE_CLIENT = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2)).build();

    /**
     * Exercises the harness's own HTTP client against a throwaway local server first, so that its
     * class loading and JIT (a few hundred ms on the first request) are not charged to the node.
     */
    static void warmUpProbeClient() throws Exception {
        com.sun.net.httpserver.HttpServer server = com.sun.net.httpserver.HttpServer.create(
                new java.net.InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        server.start();
        try {
            HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/health/ready"))
                    .timeout(Duration.ofSeconds(5)).build();
            for (int i = 0; i < 200; i++) {
                PROBE_CLIENT.send(request, HttpResponse.BodyHandlers.discarding());
            }
        } finally {
            server.stop(0);
        }
    }

    static void coldStart(Path jar, int runs, Map<String, String> env) throws Exception {
        warmUpProbeClient();
        List<Start> fresh = new ArrayList<>();
        List<Start> warm = new ArrayList<>();
        Path kept = Files.createTempDirectory("hearth-bench-warm-");
        TEMP_DIRS.add(kept);
        if (!env.isEmpty()) {
            System.out.println("extra environment: " + env);
        }
        for (int i = 0; i < runs; i++) {
            Path dir = Files.createTempDirectory("hearth-bench-cold-");
            TEMP_DIRS.add(dir);
            fresh.add(startOnce(jar, dir, env, "empty dir   "));
            deleteTree(dir); // one fresh directory at a time on disk
        }
        startOnce(jar, kept, env, "seeding (not counted)"); // the first start of the kept directory seeds it
        for (int i = 0; i < runs; i++) {
            warm.add(startOnce(jar, kept, env, "existing dir"));
        }
        System.out.println();
        System.out.println("| start | runs | ready line ms (min / p50 / max) | first 200 from /health/ready ms (min / p50 / max) "
                + "| RSS after ready MiB (p50 / max) | CPU s to ready (p50) |");
        System.out.println("|---|---|---|---|---|---|");
        report("empty data directory (keys generated, demo seeded)", fresh);
        report("existing data directory (restart)", warm);
    }

    static void report(String label, List<Start> samples) {
        List<Long> ready = samples.stream().map(Start::readyMs).sorted().toList();
        List<Long> health = samples.stream().map(Start::healthyMs).sorted().toList();
        List<Long> rss = samples.stream().map(Start::rssKib).sorted().toList();
        List<Double> cpu = samples.stream().map(Start::cpuSeconds).sorted().toList();
        System.out.printf("| %s | %d | %d / %d / %d | %d / %d / %d | %d / %d | %.1f |%n", label, samples.size(),
                ready.get(0), percentile(ready, 50), ready.get(ready.size() - 1),
                health.get(0), percentile(health, 50), health.get(health.size() - 1),
                percentile(rss, 50) / 1024, rss.get(rss.size() - 1) / 1024, cpu.get((cpu.size() - 1) / 2));
    }

    static Start startOnce(Path jar, Path dataDir, Map<String, String> env, String label) throws Exception {
        int port = freePort();
        long started = System.nanoTime();
        Process process = launch(jar, dataDir, port, env);
        long readyMs = awaitReadyLine(process, started, Duration.ofSeconds(120));
        double cpu = cpuSeconds(process.pid()); // read at once: CPU the JVM spent to get ready
        HttpClient http = PROBE_CLIENT;
        HttpRequest probe = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health/ready"))
                .timeout(Duration.ofSeconds(5)).build();
        long healthyMs = -1;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            try {
                if (http.send(probe, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    healthyMs = (System.nanoTime() - started) / 1_000_000;
                    break;
                }
            } catch (IOException ignored) {
                // not listening yet
            }
            Thread.sleep(10);
        }
        if (healthyMs < 0) {
            throw new IllegalStateException("/health/ready never answered 200 within 30 s of the ready line");
        }
        long rss = rssKib(process.pid());
        stop(process);
        System.out.printf("  %s %s: ready line %d ms, healthy %d ms, RSS %d MiB, CPU %.2f s%n", label,
                dataDir.getFileName(), readyMs, healthyMs, rss / 1024, cpu);
        return new Start(readyMs, healthyMs, rss, cpu);
    }

    // ---------------------------------------------------------------- login throughput

    static void login(Path jar, int concurrency, int seconds, int maxRequests) throws Exception {
        Path dir = Files.createTempDirectory("hearth-bench-login-");
        TEMP_DIRS.add(dir);
        int port = freePort();
        // Lifted so the harness measures Argon2 and the stack, not the limiter (one client address).
        Process process = launch(jar, dir, port, Map.of("HEARTH_LOGINS_PER_ADDRESS", "1000000"));
        awaitReadyLine(process, Duration.ofSeconds(120));
        ExecutorService clientThreads = Executors.newFixedThreadPool(4);
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).executor(clientThreads)
                .connectTimeout(Duration.ofSeconds(5)).build();
        URI uri = URI.create("http://127.0.0.1:" + port + "/api/auth/login");
        // warm-up: JIT and pools, not counted
        runLoad(http, uri, Math.min(concurrency, 4), Duration.ofSeconds(3), 200);
        Result result = runLoad(http, uri, concurrency, Duration.ofSeconds(seconds), maxRequests);
        long rss = rssKib(process.pid());
        stop(process);
        clientThreads.shutdownNow();
        List<Long> sorted = new ArrayList<>(result.latenciesMicros);
        Collections.sort(sorted);
        double elapsed = result.elapsedNanos / 1e9;
        int total = result.statuses.values().stream().mapToInt(Integer::intValue).sum();
        System.out.printf("concurrency %d for %.1f s: %d requests, %d answered 200; node RSS at the end %d MiB%n", concurrency,
                elapsed, total, sorted.size(), rss / 1024);
        System.out.println("| concurrency | requests | sign-ins/s (200) | p50 ms | p95 ms | p99 ms | max ms | statuses |");
        System.out.printf("| %d | %d | %.1f | %.1f | %.1f | %.1f | %.1f | %s |%n", concurrency, total, sorted.size() / elapsed,
                percentile(sorted, 50) / 1000.0, percentile(sorted, 95) / 1000.0, percentile(sorted, 99) / 1000.0,
                sorted.isEmpty() ? 0 : sorted.get(sorted.size() - 1) / 1000.0, statusText(result.statuses));
    }

    static String statusText(Map<Integer, Integer> statuses) {
        StringBuilder text = new StringBuilder();
        statuses.forEach((status, count) -> text.append(text.length() == 0 ? "" : ", ")
                .append(status < 0 ? "no answer" : status.toString()).append(" × ").append(count));
        return text.toString();
    }

    /** Latencies (µs) are of the 200 answers only; statuses count every request (-1: no answer). */
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
                int i = user; // each virtual user starts on a different demo account, then cycles through all 7
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
        if (!users.awaitTermination(duration.toSeconds() + 40, TimeUnit.SECONDS)) {
            users.shutdownNow(); // a request hung past its own 30 s timeout: give up on it
        }
        return new Result(latencies, new TreeMap<>(statuses), System.nanoTime() - start);
    }

    // ---------------------------------------------------------------- refusals

    /** A malformed or unauthorised request of one kind: what it is, and how to send it. */
    record Bad(String name, String method, String path, String token, String contentType, String body) {
    }

    /**
     * The cost of refusing: {@code good} booking clients (the demo admin asking for a week of slots,
     * {@code requests} each, one at a time) alone, then the same while {@code malformed} bad requests
     * arrive over {@code floodConnections} connections. Prints the good clients' p50/p99 for both, and
     * the flood's statuses; with {@code kinds} = each, one flood per kind of bad request as well.
     */
    static void refusals(Path jar, int good, int requests, int malformed, int floodConnections, String kinds) throws Exception {
        Path dir = Files.createTempDirectory("hearth-bench-refusals-");
        TEMP_DIRS.add(dir);
        int port = freePort();
        Process process = launch(jar, dir, port, Map.of());
        awaitReadyLine(process, Duration.ofSeconds(120));
        String base = "http://127.0.0.1:" + port;
        Api api = new Api(base);
        String admin = api.token("admin@demo.hearth", "hearth-demo");
        // A well-formed ES256 token whose signature is wrong: costs a signature check to refuse.
        String[] parts = admin.split("\\.");
        String forged = parts[0] + "." + parts[1] + "." + new StringBuilder(parts[2]).reverse();
        Instant from = Instant.now().plus(Duration.ofDays(2)).truncatedTo(java.time.temporal.ChronoUnit.HOURS);
        String slots = "/api/therapists/demo-therapist-1/slots?type=preparation&from=" + from + "&to=" + from.plus(Duration.ofDays(7));
        String booking = "{\"type\":\"preparation\",\"therapistIds\":[\"demo-therapist-1\"],\"patientId\":\"demo-patient-1\",\"start\":\"";
        List<Bad> all = List.of(
                new Bad("broken JSON", "POST", "/api/appointments", admin, "application/json", "{\"type\": \"preparation\","),
                new Bad("no token", "POST", "/api/appointments", null, "application/json", booking + from + "\"}"),
                new Bad("forged token", "GET", slots, forged, null, null),
                new Bad("schema-invalid body", "POST", "/api/appointments", admin, "application/json", "{\"type\":\"preparation\"}"),
                new Bad("bad query", "GET", "/api/therapists/demo-therapist-1/slots?type=preparation&from=soon&to=later", admin, null, null),
                new Bad("unknown therapist", "POST", "/api/appointments", admin, "application/json",
                        "{\"type\":\"preparation\",\"therapistIds\":[\"nobody\"],\"patientId\":\"demo-patient-1\",\"start\":\"" + from + "\"}"),
                new Bad("unknown appointment", "GET", "/api/appointments/no-such-appointment", admin, null, null),
                new Bad("range too long", "GET", "/api/appointments?from=" + from + "&to=" + from.plus(Duration.ofDays(400)), admin, null, null),
                new Bad("login without password", "POST", "/api/auth/login", null, "application/json", "{\"email\":\"x@example.org\"}"),
                new Bad("not JSON", "POST", "/api/appointments", admin, "text/plain", "hello"),
                new Bad("60 KB of broken JSON", "POST", "/api/appointments", admin, "application/json",
                        "{\"type\":\"preparation\",\"x\":[" + "1,".repeat(30_000)));

        HttpClient goodHttp = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .executor(Executors.newFixedThreadPool(4)).build();
        HttpClient floodHttp = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .executor(Executors.newFixedThreadPool(4)).build();
        URI slotsUri = URI.create(base + slots);
        // warm-up, not counted: JIT of both paths
        goodClients(goodHttp, slotsUri, admin, good, 10);
        flood(floodHttp, base, all, 200, floodConnections, null);

        System.out.println("| good clients | bad requests during the run | good p50 ms | good p99 ms | good max ms | good statuses | bad statuses |");
        System.out.println("|---|---|---|---|---|---|---|");
        Result alone = goodClients(goodHttp, slotsUri, admin, good, requests);
        printRefusalRow(good + " × " + requests, "none", alone, Map.of());
        List<List<Bad>> floods = new ArrayList<>();
        floods.add(all);
        if (kinds.equals("each")) {
            all.forEach(b -> floods.add(List.of(b)));
        }
        for (List<Bad> kind : floods) {
            Map<Integer, Integer> badStatuses = new ConcurrentHashMap<>();
            CompletableFuture<Void> flooding = CompletableFuture.runAsync(() -> flood(floodHttp, base, kind, malformed, floodConnections, badStatuses));
            Result during = goodClients(goodHttp, slotsUri, admin, good, requests);
            flooding.get(10, TimeUnit.MINUTES);
            printRefusalRow(good + " × " + requests, malformed + " × " + (kind.size() == 1 ? kind.get(0).name() : "mix of " + kind.size() + " kinds")
                    + " over " + floodConnections + " connections", during, badStatuses);
            Result after = goodClients(goodHttp, slotsUri, admin, good, requests);
            printRefusalRow(good + " × " + requests, "none (after)", after, Map.of());
        }
        // What one refusal costs the node, in CPU time (robust on a shared machine, unlike latency):
        // each kind alone, the node's user+system CPU over the flood divided by its requests.
        System.out.println();
        System.out.println("| bad request (alone) | requests | node CPU µs per request | wall s | statuses |");
        System.out.println("|---|---|---|---|---|");
        List<Bad> cpuKinds = new ArrayList<>(all);
        cpuKinds.add(new Bad("(reference: a good request) a week of slots", "GET", slots, admin, null, null));
        for (Bad kind : cpuKinds) {
            Map<Integer, Integer> badStatuses = new ConcurrentHashMap<>();
            double cpu0 = cpuSeconds(process.pid());
            long t0 = System.nanoTime();
            flood(floodHttp, base, List.of(kind), malformed, floodConnections, badStatuses);
            double cpu = cpuSeconds(process.pid()) - cpu0;
            System.out.printf("| %s | %d | %.0f | %.1f | %s |%n", kind.name(), malformed, cpu * 1e6 / malformed,
                    (System.nanoTime() - t0) / 1e9, statusText(new TreeMap<>(badStatuses)));
        }
        stop(process);
    }

    static void printRefusalRow(String goodText, String badText, Result result, Map<Integer, Integer> badStatuses) {
        List<Long> sorted = new ArrayList<>(result.latenciesMicros);
        Collections.sort(sorted);
        System.out.printf("| %s | %s | %.1f | %.1f | %.1f | %s | %s |%n", goodText, badText, percentile(sorted, 50) / 1000.0,
                percentile(sorted, 99) / 1000.0, sorted.isEmpty() ? 0 : sorted.get(sorted.size() - 1) / 1000.0,
                statusText(result.statuses), statusText(new TreeMap<>(badStatuses)));
    }

    /** {@code clients} users each sending {@code requests} requests one after another; latencies of the 200s. */
    static Result goodClients(HttpClient http, URI uri, String token, int clients, int requests) throws Exception {
        List<Long> latencies = Collections.synchronizedList(new ArrayList<>());
        Map<Integer, Integer> statuses = new ConcurrentHashMap<>();
        long start = System.nanoTime();
        ExecutorService users = Executors.newFixedThreadPool(clients);
        for (int u = 0; u < clients; u++) {
            users.submit(() -> {
                for (int i = 0; i < requests; i++) {
                    long t0 = System.nanoTime();
                    int status;
                    try {
                        status = http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30))
                                .header("Authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
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
        if (!users.awaitTermination(10, TimeUnit.MINUTES)) {
            users.shutdownNow();
        }
        return new Result(latencies, new TreeMap<>(statuses), System.nanoTime() - start);
    }

    /** Sends {@code total} bad requests, cycling through the kinds, over {@code connections} sequential senders. */
    static void flood(HttpClient http, String base, List<Bad> kinds, int total, int connections, Map<Integer, Integer> statuses) {
        AtomicInteger next = new AtomicInteger();
        ExecutorService senders = Executors.newFixedThreadPool(connections);
        for (int c = 0; c < connections; c++) {
            senders.submit(() -> {
                int i;
                while ((i = next.getAndIncrement()) < total) {
                    Bad bad = kinds.get(i % kinds.size());
                    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + bad.path())).timeout(Duration.ofSeconds(30))
                            .method(bad.method(), bad.body() == null ? HttpRequest.BodyPublishers.noBody()
                                    : HttpRequest.BodyPublishers.ofString(bad.body()));
                    if (bad.contentType() != null) {
                        b.header("Content-Type", bad.contentType());
                    }
                    if (bad.token() != null) {
                        b.header("Authorization", "Bearer " + bad.token());
                    }
                    int status;
                    try {
                        status = http.send(b.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
                    } catch (Exception e) {
                        status = -1;
                    }
                    if (statuses != null) {
                        statuses.merge(status, 1, Integer::sum);
                    }
                }
                return null;
            });
        }
        senders.shutdown();
        try {
            if (!senders.awaitTermination(10, TimeUnit.MINUTES)) {
                senders.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    // ---------------------------------------------------------------- booking

    /**
     * Fills a therapist's next year (six 1-hour appointments every weekday), measuring booking
     * latency under concurrency; then times slot computation over that year; then fires 50 identical
     * bookings at once and counts the winners.
     */
    static void booking(Path jar, int concurrency) throws Exception {
        Path dir = Files.createTempDirectory("hearth-bench-booking-");
        TEMP_DIRS.add(dir);
        int port = freePort();
        Process process = launch(jar, dir, port, Map.of("HEARTH_LOGINS_PER_ADDRESS", "1000000"));
        awaitReadyLine(process, Duration.ofSeconds(120));
        Api api = new Api("http://127.0.0.1:" + port);
        String admin = api.token("admin@demo.hearth", "hearth-demo");

        String therapist = field(api.call("POST", "/api/people", admin,
                "{\"role\":\"therapist\",\"displayName\":\"Bench Therapist\",\"email\":\"bench.therapist@example.org\"}"), "\"id\":\"");
        StringBuilder weekly = new StringBuilder();
        for (String day : new String[] {"MONDAY", "TUESDAY", "WEDNESDAY", "THURSDAY", "FRIDAY"}) {
            weekly.append(weekly.length() == 0 ? "" : ",").append("{\"day\":\"").append(day).append("\",\"start\":\"08:00\",\"end\":\"20:00\"}");
        }
        api.call("PUT", "/api/therapists/" + therapist + "/availability", admin, "{\"timeZone\":\"UTC\",\"weekly\":[" + weekly
                + "],\"minimumNoticeHours\":0,\"horizonDays\":730}");
        List<String> patients = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            patients.add(field(api.call("POST", "/api/people", admin, "{\"role\":\"patient\",\"displayName\":\"Bench Patient " + i
                    + "\",\"email\":\"bench.patient" + i + "@example.org\"}"), "\"id\":\""));
        }

        java.time.LocalDate day = java.time.LocalDate.now(java.time.ZoneOffset.UTC).plusDays(1);
        List<Instant> starts = new ArrayList<>();
        for (int d = 0; d < 365; d++, day = day.plusDays(1)) {
            if (day.getDayOfWeek().getValue() >= 6) {
                continue;
            }
            for (int hour = 8; hour < 20; hour += 2) {
                starts.add(day.atTime(hour, 0).toInstant(java.time.ZoneOffset.UTC));
            }
        }
        List<Long> latencies = Collections.synchronizedList(new ArrayList<>());
        Map<Integer, Integer> statuses = new ConcurrentHashMap<>();
        AtomicInteger next = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(concurrency);
        long t0 = System.nanoTime();
        for (int u = 0; u < concurrency; u++) {
            pool.submit(() -> {
                int i;
                while ((i = next.getAndIncrement()) < starts.size()) {
                    String body = "{\"type\":\"preparation\",\"therapistIds\":[\"" + therapist + "\"],\"patientId\":\""
                            + patients.get(i % patients.size()) + "\",\"start\":\"" + starts.get(i) + "\"}";
                    long s0 = System.nanoTime();
                    int status = api.status("POST", "/api/appointments", admin, body);
                    latencies.add((System.nanoTime() - s0) / 1000);
                    statuses.merge(status, 1, Integer::sum);
                }
                return null;
            });
        }
        pool.shutdown();
        pool.awaitTermination(30, TimeUnit.MINUTES);
        double seconds = (System.nanoTime() - t0) / 1e9;
        List<Long> sorted = new ArrayList<>(latencies);
        Collections.sort(sorted);
        System.out.printf("bookings: %d in %.1f s = %.1f/s at concurrency %d; p50 %.1f ms, p99 %.1f ms, max %.1f ms; statuses %s%n",
                sorted.size(), seconds, sorted.size() / seconds, concurrency, percentile(sorted, 50) / 1000.0,
                percentile(sorted, 99) / 1000.0, sorted.get(sorted.size() - 1) / 1000.0, new TreeMap<>(statuses));

        // slot computation over the booked year: 62-day ranges
        List<Long> slotTimes = new ArrayList<>();
        Instant from = starts.get(0).minus(Duration.ofHours(8));
        for (int i = 0; i < 30; i++) {
            Instant a = from.plus(Duration.ofDays((i * 11) % 300));
            long s0 = System.nanoTime();
            int status = api.status("GET", "/api/therapists/" + therapist + "/slots?type=preparation&from=" + a + "&to="
                    + a.plus(Duration.ofDays(62)), admin, null);
            slotTimes.add((System.nanoTime() - s0) / 1000);
            if (status != 200) {
                System.out.println("slots answered " + status);
            }
        }
        Collections.sort(slotTimes);
        System.out.printf("slots over 62 days of a fully booked year (%d appointments): p50 %.1f ms, p99 %.1f ms%n", starts.size(),
                percentile(slotTimes, 50) / 1000.0, percentile(slotTimes, 99) / 1000.0);

        // the double-booking storm: 50 identical bookings at once on a free time after the filled year
        Instant stormStart = starts.get(starts.size() - 1).plus(Duration.ofDays(7));
        ExecutorService storm = Executors.newFixedThreadPool(50);
        List<java.util.concurrent.Future<Integer>> results = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            String patient = patients.get(i % patients.size());
            results.add(storm.submit(() -> api.status("POST", "/api/appointments", admin, "{\"type\":\"preparation\",\"therapistIds\":[\""
                    + therapist + "\"],\"patientId\":\"" + patient + "\",\"start\":\"" + stormStart + "\"}")));
        }
        Map<Integer, Integer> stormStatuses = new TreeMap<>();
        for (var f : results) {
            stormStatuses.merge(f.get(60, TimeUnit.SECONDS), 1, Integer::sum);
        }
        storm.shutdown();
        System.out.println("storm of 50 identical bookings: " + stormStatuses);
        stop(process);
    }

    // ---------------------------------------------------------------- live rooms

    /**
     * Live rooms under load on a two-node cluster (two processes on loopback). Each circle's
     * facilitator is connected to node 1; its patients alternate, the first on node 2, the second on
     * node 1, the third on node 2, and so on, so that every room has members on both nodes and each
     * figure can be split into same-node and cross-node deliveries. Measures chat fan-out, roster
     * pushes after presence changes, waiting-room alerts, connections and heap per idle connection,
     * and the time to clear a killed node's people from the survivors' rosters.
     */
    static final class RoomsBench {

        static final long WAIT_MS = 15_000;
        /** The HTTP client each room socket is opened with (the fanout mode shares a few between all). */
        static java.util.function.Supplier<HttpClient> socketHttp = HttpClient::newHttpClient;
        /** Node 2's fixed heap (MiB) for the idle-connection figures. */
        static final int NODE2_HEAP_MIB = 512;
        /** Set-up parallelism: people made at once (each two Argon2id hashes), and circles set up at once. */
        static int peopleThreads = 3;
        static int roomThreads = 1;

        /** One WebSocket client; every text message is kept with the nanoTime it arrived. */
        static final class Client implements java.net.http.WebSocket.Listener {
            record Received(long atNanos, String text) {
            }

            final List<Received> received = new CopyOnWriteArrayList<>();
            final StringBuilder partial = new StringBuilder();
            final AtomicInteger pings = new AtomicInteger();
            volatile String closedWith;
            java.net.http.WebSocket socket;
            String personId;
            String token;
            int node;
            int nextId;
            /** When the last {@link #request} was handed to the socket. */
            long sentNanos;
            /** Set by the fanout mode: every message goes here (arrival nanoTime, text) and is not kept. */
            volatile java.util.function.BiConsumer<Long, String> tap;

            static Client open(Api api, HttpClient http, String token, String personId, int node) throws Exception {
                String url = field(api.call("POST", "/api/realtime/ticket", token, null), "\"url\":\"");
                Client client = new Client();
                client.personId = personId;
                client.token = token;
                client.node = node;
                client.socket = http.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(10))
                        .buildAsync(URI.create(api.base().replace("http://", "ws://") + url), client).get(15, TimeUnit.SECONDS);
                client.await(t -> t.contains("\"type\":\"welcome\""), 10_000);
                return client;
            }

            @Override
            public java.util.concurrent.CompletionStage<?> onText(java.net.http.WebSocket ws, CharSequence data, boolean last) {
                partial.append(data);
                if (last) {
                    java.util.function.BiConsumer<Long, String> t = tap;
                    if (t != null) {
                        t.accept(System.nanoTime(), partial.toString());
                    } else {
                        received.add(new Received(System.nanoTime(), partial.toString()));
                    }
                    partial.setLength(0);
                }
                ws.request(1);
                return null;
            }

            @Override
            public java.util.concurrent.CompletionStage<?> onPing(java.net.http.WebSocket ws, java.nio.ByteBuffer message) {
                pings.incrementAndGet(); // the JDK answers every ping with a pong by itself
                ws.request(1);
                return null;
            }

            @Override
            public java.util.concurrent.CompletionStage<?> onClose(java.net.http.WebSocket ws, int statusCode, String reason) {
                closedWith = statusCode + " " + reason;
                return null;
            }

            @Override
            public void onError(java.net.http.WebSocket ws, Throwable error) {
                closedWith = error.toString();
            }

            /** Sends a request and waits for its reply; fails on an error reply. */
            String request(String json) throws Exception {
                String id = "b" + (++nextId);
                int from = received.size();
                sentNanos = System.nanoTime();
                socket.sendText(json.substring(0, json.length() - 1) + ",\"id\":\"" + id + "\"}", true).join();
                Received reply = awaitFrom(from, t -> t.contains("\"id\":\"" + id + "\""), WAIT_MS);
                if (reply.text().contains("\"type\":\"error\"")) {
                    throw new IllegalStateException(json + " → " + reply.text());
                }
                return reply.text();
            }

            Received await(java.util.function.Predicate<String> match, long timeoutMs) throws InterruptedException {
                return awaitFrom(0, match, timeoutMs);
            }

            Received awaitFrom(int from, java.util.function.Predicate<String> match, long timeoutMs) throws InterruptedException {
                long deadline = System.currentTimeMillis() + timeoutMs;
                int next = from;
                while (System.currentTimeMillis() < deadline) {
                    for (; next < received.size(); next++) {
                        if (match.test(received.get(next).text())) {
                            return received.get(next);
                        }
                    }
                    Thread.sleep(2); // polling the client's own inbox; bounded by the deadline
                }
                throw new IllegalStateException("timed out after " + timeoutMs + " ms waiting on a socket of " + personId
                        + " (node " + node + "); last message: " + (received.isEmpty() ? "none" : received.get(received.size() - 1).text()));
            }
        }

        record Person(String id, String token) {
        }

        /** One circle: its facilitator (node 1) and its patients (alternating node 2, node 1, …). */
        static final class Room {
            final String roomId;
            final String appointmentId;
            final Client host;
            final List<Client> patients = new ArrayList<>();

            Room(String roomId, String appointmentId, Client host) {
                this.roomId = roomId;
                this.appointmentId = appointmentId;
                this.host = host;
            }

            List<Client> members() {
                List<Client> all = new ArrayList<>();
                all.add(host);
                all.addAll(patients);
                return all;
            }
        }

        /** Latencies in µs, split by whether sender and receiver were connected to the same node. */
        record Split(List<Long> same, List<Long> cross) {
            Split() {
                this(new ArrayList<>(), new ArrayList<>());
            }

            void add(Client from, Client to, long micros) {
                (from.node == to.node ? same : cross).add(micros);
            }

            List<Long> all() {
                List<Long> all = new ArrayList<>(same);
                all.addAll(cross);
                return all;
            }
        }

        static Person newPerson(Api api, String admin, String json, String email) throws Exception {
            String created = api.call("POST", "/api/people", admin, json);
            String url = field(created, "\"url\":\"");
            String ticket = url.substring(url.indexOf("#/set-password/") + "#/set-password/".length());
            api.call("POST", "/api/auth/set-password", null, "{\"ticket\":\"" + ticket + "\",\"password\":\"a bench passphrase\"}");
            return new Person(field(created.substring(created.indexOf("\"person\"")), "\"id\":\""), api.token(email, "a bench passphrase"));
        }

        static void run(Path jar, int rooms, int perRoom, int messages, int idleConnections, Map<String, String> extraEnv)
                throws Exception {
            if (rooms < 1 || rooms > 100 || perRoom < 2 || perRoom > 51 || messages < 1 || messages > 1000
                    || idleConnections < 0 || idleConnections > 10_000) {
                throw new IllegalArgumentException("bounds: 1 ≤ --rooms ≤ 100, 2 ≤ --per-room ≤ 51 (a circle seats 50), "
                        + "1 ≤ --messages ≤ 1000, 0 ≤ --idle-connections ≤ 10000");
            }
            long runStarted = System.nanoTime();
            System.out.println("load average at start: " + Files.readString(Path.of("/proc/loadavg")).strip());
            Path dir1 = Files.createTempDirectory("hearth-bench-rooms-1-");
            Path dir2 = Files.createTempDirectory("hearth-bench-rooms-2-");
            TEMP_DIRS.add(dir1);
            TEMP_DIRS.add(dir2);
            int mongoPort = freePort();
            int c1 = freePort();
            int c2 = freePort();
            String members = "127.0.0.1:" + c1 + ",127.0.0.1:" + c2;
            int port1 = freePort();
            int port2 = freePort();
            Map<String, String> common = Map.of("HEARTH_LOGINS_PER_ADDRESS", "1000000", "HEARTH_CLUSTER_MEMBERS", members,
                    "HEARTH_CLUSTER_NAME", "bench-" + c1, "HEARTH_JWT_ISSUER", "http://bench.local");
            common = new java.util.HashMap<>(common);
            common.putAll(extraEnv);
            Map<String, String> env1 = new java.util.HashMap<>(common);
            env1.put("HEARTH_EMBEDDED_MONGO_PORT", Integer.toString(mongoPort));
            env1.put("HEARTH_CLUSTER_PORT", Integer.toString(c1));
            Process node1 = launch(jar, dir1, port1, env1);
            awaitReadyLine(node1, Duration.ofSeconds(120));
            Map<String, String> env2 = new java.util.HashMap<>(common);
            env2.put("MONGO_URI", "mongodb://127.0.0.1:" + mongoPort);
            env2.put("HEARTH_CLUSTER_PORT", Integer.toString(c2));
            env2.put("HEARTH_JWT_PRIVATE_KEY_FILE", dir1.resolve("keys/jwt-private.pem").toString());
            env2.put("HEARTH_JWT_PUBLIC_KEY_FILE", dir1.resolve("keys/jwt-public.pem").toString());
            env2.put("HEARTH_CARE_KEYSET_FILE", dir1.resolve("keys/care-keyset.json").toString());
            env2.put("HEARTH_DEMO_SEED", "false");
            // Node 2 holds the idle sockets: its store is node 1's, so its heap is connections only; a
            // fixed, pre-touched heap keeps G1's resizing out of its RSS, so RSS growth is memory outside the heap.
            env2.put("JAVA_TOOL_OPTIONS", ("-Xms" + NODE2_HEAP_MIB + "m -Xmx" + NODE2_HEAP_MIB + "m -XX:+AlwaysPreTouch "
                    + extraEnv.getOrDefault("JAVA_TOOL_OPTIONS", "")).strip());
            Process node2 = launch(jar, dir2, port2, env2);
            awaitReadyLine(node2, Duration.ofSeconds(120));
            Api api1 = new Api("http://127.0.0.1:" + port1);
            Api api2 = new Api("http://127.0.0.1:" + port2);
            awaitMembers(api1, 2, 60_000);
            String admin = api1.token("admin@demo.hearth", "hearth-demo");

            // set-up: circles starting at the next 5-minute mark (rooms open 10 min before), patients waiting then admitted
            System.out.printf("setting up %d circles of %d (facilitator on node 1, patients alternating node 2 / node 1)…%n",
                    rooms, perRoom);
            long setupStarted = System.nanoTime();
            Split alerts = new Split();
            List<Room> circles = setUp(api1, api2, admin, rooms, perRoom, alerts);
            System.out.printf("set-up took %.0f s%n", (System.nanoTime() - setupStarted) / 1e9);

            Split alone = chat(circles, messages, false);
            Split fanOut = chat(circles, messages, true);
            Split media = new Split();
            Split dropped = new Split();
            Split back = new Split();
            Split left = new Split();
            presenceChanges(circles, api1, api2, media, dropped, back, left);

            long n1 = circles.stream().flatMap(r -> r.members().stream()).filter(c -> c.node == 1).count();
            long n2 = circles.stream().flatMap(r -> r.members().stream()).filter(c -> c.node == 2).count();
            String idleRow = idle(api2, admin, node2.pid(), idleConnections, n2);

            Split seenReconnecting = new Split();
            Split cleared = new Split();
            int[] wronglyRemoved = {0};
            killNode2(circles, node2, seenReconnecting, cleared, wronglyRemoved);
            awaitMembers(api1, 1, 30_000);

            System.out.println();
            System.out.printf("rooms: %d circles × %d people = %d room sockets (node 1: %d, node 2: %d), %d chat rounds, "
                    + "%d idle sockets; run took %.0f s%n", rooms, perRoom, rooms * perRoom, n1, n2, messages, idleConnections,
                    (System.nanoTime() - runStarted) / 1e9);
            System.out.println();
            System.out.println("| measurement | n | p50 | p99 | max |");
            System.out.println("|---|---|---|---|---|");
            row("chat fan-out, one circle at a time (send → each other member's receipt)", alone.all());
            row("… sender and receiver on different nodes", alone.cross());
            row("… sender and receiver on the same node", alone.same());
            row("chat fan-out, all " + rooms + " circles sending at once", fanOut.all());
            row("… sender and receiver on different nodes", fanOut.cross());
            row("… sender and receiver on the same node", fanOut.same());
            row("roster push after a media-state change, every other member", media.all());
            row("roster push after a socket drops (→ reconnecting), every other member", dropped.all());
            row("roster push after a rejoin within the grace (→ in-room), every other member", back.all());
            row("roster push after room.leave (→ gone), every other member", left.all());
            row("waiting-room alert, gate submitted on node 2 → therapist's lobby on node 1", alerts.cross());
            row("waiting-room alert, gate submitted on node 1 → therapist's lobby on node 1", alerts.same());
            row("node 2 killed (SIGKILL) → node 1's rosters show its people reconnecting", seenReconnecting.all());
            row("node 2 killed (SIGKILL) → node 1's rosters no longer list its people", cleared.all());
            System.out.println();
            System.out.println("| idle connections | connections on node 2 | heap per connection (after full GC, jcmd) "
                    + "| RSS per connection | heap after closing them (vs before) |");
            System.out.println("|---|---|---|---|---|");
            System.out.println(idleRow);
            System.out.println();
            System.out.println("node 1's own people still listed after node 2's cleanup: "
                    + (wronglyRemoved[0] == 0 ? "all of them" : wronglyRemoved[0] + " rosters were missing one (see above)"));
            stop(node1);
        }

        static void awaitMembers(Api api, int count, long timeoutMs) throws Exception {
            long deadline = System.currentTimeMillis() + timeoutMs;
            while (!api.call("GET", "/health/ready", null, null).contains("\"members\":" + count)) {
                if (System.currentTimeMillis() > deadline) {
                    throw new IllegalStateException("the cluster did not reach " + count + " member(s) in " + timeoutMs + " ms");
                }
                Thread.sleep(200); // waiting for the cluster, bounded
            }
        }

        static List<Room> setUp(Api api1, Api api2, String admin, int rooms, int perRoom, Split alerts) throws Exception {
            int offset = Math.max(-12, Math.min(14, 12 - java.time.ZonedDateTime.now(java.time.ZoneOffset.UTC).getHour()));
            String zone = offset == 0 ? "Etc/GMT" : "Etc/GMT" + (offset > 0 ? "-" : "+") + Math.abs(offset);
            StringBuilder everyDay = new StringBuilder();
            for (java.time.DayOfWeek d : java.time.DayOfWeek.values()) {
                everyDay.append(everyDay.length() == 0 ? "" : ",").append("{\"day\":\"").append(d).append("\",\"start\":\"00:00\",\"end\":\"23:55\"}");
            }
            // the people first, three at a time (each costs two Argon2id hashes: set-password and sign-in)
            long run = System.nanoTime() % 100000;
            ExecutorService pool = Executors.newFixedThreadPool(peopleThreads);
            List<java.util.concurrent.Future<Person>> people = new ArrayList<>();
            for (int r = 0; r < rooms; r++) {
                for (int p = 0; p < perRoom; p++) {
                    String role = p == 0 ? "therapist" : "patient";
                    String name = (p == 0 ? "Facilitator " + r : "Patient " + r + "." + p);
                    String email = "bench." + role + "." + run + "." + r + "." + p + "@example.org";
                    people.add(pool.submit(() -> newPerson(api1, admin, "{\"role\":\"" + role + "\",\"displayName\":\"" + name
                            + "\",\"email\":\"" + email + "\"}", email)));
                }
            }
            pool.shutdown();
            List<Person> persons = new ArrayList<>();
            for (var f : people) {
                persons.add(f.get(120, TimeUnit.SECONDS));
            }
            System.out.printf("%d people made%n", persons.size());
            // the circles one after another (as always in `rooms`), or several at once (fanout's --setup-threads)
            ExecutorService roomPool = Executors.newFixedThreadPool(roomThreads);
            List<java.util.concurrent.Future<Room>> made = new ArrayList<>();
            for (int r0 = 0; r0 < rooms; r0++) {
                int r = r0;
                made.add(roomPool.submit(() -> {
                Person therapist = persons.get(r * perRoom);
                api1.call("PUT", "/api/therapists/" + therapist.id() + "/availability", admin, "{\"timeZone\":\"" + zone
                        + "\",\"weekly\":[" + everyDay + "],\"minimumNoticeHours\":0,\"horizonDays\":30}");
                // the next 5-minute mark at least a minute ahead (set-up may outlast one mark): its room is open now
                Instant start = Instant.ofEpochSecond((Instant.now().getEpochSecond() / 300 + 1) * 300);
                start = start.isBefore(Instant.now().plusSeconds(60)) ? start.plusSeconds(300) : start;
                String circle = api1.call("POST", "/api/appointments", admin, "{\"type\":\"circle\",\"therapistIds\":[\""
                        + therapist.id() + "\"],\"capacity\":" + Math.max(2, perRoom - 1) + ",\"start\":\"" + start + "\"}");
                Client host = Client.open(api1, socketHttp.get(), therapist.token(), therapist.id(), 1);
                Room room = new Room(field(circle, "\"roomId\":\""), field(circle, "\"id\":\""), host);
                join(api1, host, room);
                host.request("{\"type\":\"lobby.watch\",\"scope\":\"mine\"}");
                for (int p = 1; p < perRoom; p++) {
                    int node = p % 2 == 1 ? 2 : 1;
                    Api api = node == 1 ? api1 : api2;
                    Person patient = persons.get(r * perRoom + p);
                    api1.call("POST", "/api/appointments/" + room.appointmentId + "/seats", admin, "{\"patientId\":\"" + patient.id() + "\"}");
                    Client c = Client.open(api, socketHttp.get(), patient.token(), patient.id(), node);
                    join(api, c, room);
                    int from = host.received.size();
                    c.request("{\"type\":\"gate.submit\",\"roomId\":\"" + room.roomId + "\",\"address\":\"Bench Street 1\","
                            + "\"emergencyContact\":{\"name\":\"Bench Contact\",\"phone\":\"+1 555 0100\"},\"privateAndNotDriving\":true}");
                    String pid = patient.id();
                    Client.Received seen = host.awaitFrom(from, t -> t.contains("\"lobby.snapshot\"")
                            && "waiting".equals(presenceOf(t, pid)), WAIT_MS);
                    synchronized (alerts) {
                        alerts.add(c, host, (seen.atNanos() - c.sentNanos) / 1000);
                    }
                    admit(room, c);
                    room.patients.add(c);
                }
                return room;
                }));
            }
            roomPool.shutdown();
            List<Room> circles = new ArrayList<>();
            for (var f : made) {
                circles.add(f.get(600, TimeUnit.SECONDS));
            }
            // everyone sees everyone in the room before anything is measured
            for (Room room : circles) {
                for (Client c : room.members()) {
                    c.await(t -> t.contains("\"room.roster\"") && room.members().stream()
                            .allMatch(m -> "in-room".equals(presenceOf(t, m.personId))), WAIT_MS);
                }
            }
            return circles;
        }

        /** Spends a fresh join ticket on the client's socket. */
        static void join(Api api, Client c, Room room) throws Exception {
            String ticket = field(api.call("POST", "/api/appointments/" + room.appointmentId + "/join-ticket", c.token, null),
                    "\"ticket\":\"");
            c.request("{\"type\":\"room.join\",\"joinTicket\":\"" + ticket + "\"}");
        }

        static void admit(Room room, Client patient) throws Exception {
            int from = patient.received.size();
            room.host.request("{\"type\":\"host.admit\",\"roomId\":\"" + room.roomId + "\",\"personId\":\"" + patient.personId + "\"}");
            patient.awaitFrom(from, t -> t.contains("\"room.admitted\""), WAIT_MS);
        }

        /**
         * Chat rounds: in every round each circle has one sender (the members take turns, so both
         * nodes send). With {@code together}, all circles send at once and then every receipt is
         * awaited; otherwise one circle sends and its receipts are awaited before the next one sends.
         */
        static Split chat(List<Room> circles, int messages, boolean together) throws Exception {
            Split fanOut = new Split();
            for (int m = 0; m < messages; m++) {
                List<Runnable> checks = new ArrayList<>();
                for (Room room : circles) {
                    List<Client> members = room.members();
                    Client sender = members.get(m % members.size());
                    String marker = "bench chat " + m + (together ? " together" : " alone") + " in " + room.roomId;
                    List<Client> recipients = members.stream().filter(c -> c != sender).toList();
                    List<Integer> marks = recipients.stream().map(c -> c.received.size()).toList();
                    int replyFrom = sender.received.size();
                    String id = "chat-" + m + (together ? "t" : "a");
                    long sent = System.nanoTime();
                    sender.socket.sendText("{\"type\":\"chat.send\",\"id\":\"" + id + "\",\"roomId\":\"" + room.roomId
                            + "\",\"text\":\"" + marker + "\"}", true).join();
                    checks.add(() -> {
                        try {
                            for (int i = 0; i < recipients.size(); i++) {
                                Client to = recipients.get(i);
                                Client.Received got = to.awaitFrom(marks.get(i), t -> t.contains("\"text\":\"" + marker + "\""), WAIT_MS);
                                fanOut.add(sender, to, (got.atNanos() - sent) / 1000);
                            }
                            String reply = sender.awaitFrom(replyFrom, t -> t.contains("\"id\":\"" + id + "\""), WAIT_MS).text();
                            if (reply.contains("\"type\":\"error\"")) {
                                throw new IllegalStateException("chat.send → " + reply);
                            }
                        } catch (InterruptedException e) {
                            throw new IllegalStateException(e);
                        }
                    });
                    if (!together) {
                        checks.remove(0).run();
                    }
                }
                int sameFrom = fanOut.same().size();
                int crossFrom = fanOut.cross().size();
                checks.forEach(Runnable::run);
                long slowest = Math.max(fanOut.same().subList(sameFrom, fanOut.same().size()).stream().mapToLong(x -> x).max().orElse(0),
                        fanOut.cross().subList(crossFrom, fanOut.cross().size()).stream().mapToLong(x -> x).max().orElse(0));
                if (slowest > 200_000) {
                    System.out.printf("  chat round %d (%s) at %s: slowest delivery %s%n", m, together ? "all at once" : "alone",
                            java.time.LocalTime.now(), ms(slowest));
                }
                Thread.sleep(50); // spacing between rounds (each socket sends at most once a round), bounded by --messages
            }
            return fanOut;
        }

        /**
         * In every circle, its first patient (node 2) changes their media state, drops their socket
         * (lid closed), comes back within the grace on a new socket, then leaves (and is seated again,
         * not measured); every other member's roster is watched for the change.
         */
        static void presenceChanges(List<Room> circles, Api api1, Api api2, Split media, Split dropped, Split back, Split left)
                throws Exception {
            for (Room room : circles) {
                Client subject = room.patients.get(0);
                String pid = subject.personId;
                Api api = subject.node == 1 ? api1 : api2;

                List<Client> others = room.members().stream().filter(c -> c != subject).toList();
                List<Integer> marks = others.stream().map(c -> c.received.size()).toList();
                subject.request("{\"type\":\"media.state\",\"roomId\":\"" + room.roomId + "\",\"media\":{\"audio\":false,\"video\":true}}");
                long sent = subject.sentNanos;
                awaitRosters(others, marks, t -> t.contains("\"audio\":false") && muted(t, pid), subject, sent, media);

                marks = others.stream().map(c -> c.received.size()).toList();
                sent = System.nanoTime();
                subject.socket.abort();
                awaitRosters(others, marks, t -> "reconnecting".equals(presenceOf(t, pid)), subject, sent, dropped);

                Client again = Client.open(api, HttpClient.newHttpClient(), subject.token, pid, subject.node);
                String ticket = field(api.call("POST", "/api/appointments/" + room.appointmentId + "/join-ticket", again.token, null),
                        "\"ticket\":\"");
                marks = others.stream().map(c -> c.received.size()).toList();
                String joined = again.request("{\"type\":\"room.join\",\"joinTicket\":\"" + ticket + "\"}");
                if (!joined.contains("\"resumed\":true")) {
                    throw new IllegalStateException("a rejoin within the grace did not resume the seat: " + joined);
                }
                awaitRosters(others, marks, t -> "in-room".equals(presenceOf(t, pid)), again, again.sentNanos, back);
                room.patients.set(0, again);

                marks = others.stream().map(c -> c.received.size()).toList();
                again.request("{\"type\":\"room.leave\",\"roomId\":\"" + room.roomId + "\"}");
                sent = again.sentNanos;
                awaitRosters(others, marks, t -> presenceOf(t, pid) == null, again, sent, left);

                // seated again for what follows: the safety check is on record, so they wait for admission
                List<Client> everyone = room.members();
                marks = everyone.stream().map(c -> c.received.size()).toList();
                join(api, again, room);
                admit(room, again);
                for (int i = 0; i < everyone.size(); i++) {
                    everyone.get(i).awaitFrom(marks.get(i), t -> t.contains("\"room.roster\"") && everyone.stream()
                            .allMatch(m -> "in-room".equals(presenceOf(t, m.personId))), WAIT_MS);
                }
            }
        }

        static void awaitRosters(List<Client> viewers, List<Integer> marks, java.util.function.Predicate<String> shows,
                                 Client subject, long sentNanos, Split into) throws InterruptedException {
            for (int i = 0; i < viewers.size(); i++) {
                Client.Received roster = viewers.get(i).awaitFrom(marks.get(i), t -> t.contains("\"room.roster\"") && shows.test(t), WAIT_MS);
                into.add(subject, viewers.get(i), (roster.atNanos() - sentNanos) / 1000);
            }
        }

        /**
         * Opens idle sockets on node 2 (the admin's, one realtime ticket each, over one shared HTTP
         * client) and reads node 2's used heap after a full GC before, with them open, and after
         * closing them. A socket counts as held when the server has pinged it and not closed it.
         */
        static String idle(Api api, String admin, long pid, int count, long roomSockets) throws Exception {
            if (count == 0) {
                return "| 0 | – | – | – | – |";
            }
            HttpClient shared = HttpClient.newBuilder().executor(Executors.newFixedThreadPool(2)).build();
            long heapBefore = heapUsedBytes(pid);
            long rssBefore = rssKib(pid);
            List<Client> idle = new ArrayList<>();
            long deadline = System.currentTimeMillis() + 120_000;
            for (int i = 0; i < count && System.currentTimeMillis() < deadline; i++) {
                idle.add(Client.open(api, shared, admin, "admin", 2));
            }
            // until every open socket has been pinged and answered: a resting socket (in no room, watching
            // no lobby) is pinged after 25 s of silence (docs/adr/0031), so this takes about that long
            long pingDeadline = System.currentTimeMillis() + 45_000;
            while (System.currentTimeMillis() < pingDeadline
                    && idle.stream().anyMatch(c -> c.closedWith == null && c.pings.get() == 0)) {
                Thread.sleep(250);
            }
            long held = idle.stream().filter(c -> c.closedWith == null && c.pings.get() > 0).count();
            long heapAfter = heapUsedBytes(pid);
            long rssAfter = rssKib(pid);
            for (Client c : idle) {
                c.socket.sendClose(java.net.http.WebSocket.NORMAL_CLOSURE, "bench over");
            }
            Thread.sleep(3000); // the server's close handlers run
            long heapClosed = heapUsedBytes(pid);
            for (Client c : idle) {
                c.socket.abort();
            }
            System.out.printf("idle: opened %d of %d, %d held (pinged, open); heap %.1f → %.1f → %.1f MiB; RSS %.1f → %.1f MiB%n",
                    idle.size(), count, held, heapBefore / 1048576.0, heapAfter / 1048576.0, heapClosed / 1048576.0,
                    rssBefore / 1024.0, rssAfter / 1024.0);
            return String.format("| %,d on node 2 (%,d held) | %,d | %.1f KiB | %.1f KiB (%+.1f MiB in all) | %+.1f MiB |", idle.size(),
                    held, held + roomSockets, (heapAfter - heapBefore) / 1024.0 / Math.max(1, held),
                    (rssAfter - rssBefore) / (double) Math.max(1, held), (rssAfter - rssBefore) / 1024.0,
                    (heapClosed - heapBefore) / 1048576.0);
        }

        /**
         * SIGKILL to node 2; every node-1 member of every circle watches its rosters: first its node-2
         * people shown reconnecting, then gone, while node 1's own people stay.
         */
        static void killNode2(List<Room> circles, Process node2, Split seenReconnecting, Split cleared, int[] wronglyRemoved)
                throws Exception {
            List<Client> watchers = new ArrayList<>();
            List<Room> watcherRooms = new ArrayList<>();
            for (Room room : circles) {
                for (Client c : room.members()) {
                    if (c.node == 1) {
                        watchers.add(c);
                        watcherRooms.add(room);
                    }
                }
            }
            List<Integer> marks = watchers.stream().map(c -> c.received.size()).toList();
            long killed = System.nanoTime();
            node2.destroyForcibly();
            for (int i = 0; i < watchers.size(); i++) {
                Client w = watchers.get(i);
                Room room = watcherRooms.get(i);
                List<Client> gone = room.patients.stream().filter(p -> p.node == 2).toList();
                List<Client> staying = room.members().stream().filter(p -> p.node == 1).toList();
                Client.Received reconnecting = w.awaitFrom(marks.get(i), t -> t.contains("\"room.roster\"")
                        && gone.stream().allMatch(p -> "reconnecting".equals(presenceOf(t, p.personId))), 30_000);
                seenReconnecting.add(gone.get(0), w, (reconnecting.atNanos() - killed) / 1000);
                Client.Received clean = w.awaitFrom(marks.get(i), t -> t.contains("\"room.roster\"")
                        && gone.stream().allMatch(p -> presenceOf(t, p.personId) == null), 30_000);
                cleared.add(gone.get(0), w, (clean.atNanos() - killed) / 1000);
                if (!staying.stream().allMatch(p -> "in-room".equals(presenceOf(clean.text(), p.personId)))) {
                    wronglyRemoved[0]++;
                    System.out.println("roster without one of node 1's own people: " + clean.text());
                }
            }
        }

        /** The presence shown for a person in a roster or lobby snapshot, or null when they are not in it. */
        static String presenceOf(String json, String personId) {
            String entry = entryOf(json, personId);
            return entry == null || !entry.contains("\"presence\":\"") ? null : field(entry, "\"presence\":\"");
        }

        static boolean muted(String roster, String personId) {
            String entry = entryOf(roster, personId);
            return entry != null && entry.contains("\"audio\":false");
        }

        /** A person's part of a roster or snapshot: from their personId to the next personId (participants start with it). */
        static String entryOf(String json, String personId) {
            int at = json.indexOf("\"personId\":\"" + personId + "\"");
            if (at < 0) {
                return null;
            }
            int next = json.indexOf("\"personId\":\"", at + 1);
            return json.substring(at, next < 0 ? json.length() : next);
        }

        static void row(String what, List<Long> micros) {
            if (micros.isEmpty()) {
                System.out.printf("| %s | 0 | – | – | – |%n", what);
                return;
            }
            List<Long> sorted = new ArrayList<>(micros);
            Collections.sort(sorted);
            System.out.printf("| %s | %d | %s | %s | %s |%n", what, sorted.size(), ms(percentile(sorted, 50)),
                    ms(percentile(sorted, 99)), ms(sorted.get(sorted.size() - 1)));
        }

        static String ms(long micros) {
            return micros >= 1_000_000 ? String.format("%.2f s", micros / 1e6) : String.format("%.1f ms", micros / 1000.0);
        }

        /** Used heap after a full GC, from jcmd (the JDK's own tool, next to this java). */
        static long heapUsedBytes(long pid) throws Exception {
            String jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd").toString();
            Process gc = new ProcessBuilder(jcmd, Long.toString(pid), "GC.run").redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            if (!gc.waitFor(60, TimeUnit.SECONDS)) {
                gc.destroyForcibly();
                throw new IllegalStateException("jcmd GC.run did not finish in 60 s");
            }
            Process info = new ProcessBuilder(jcmd, Long.toString(pid), "GC.heap_info").redirectErrorStream(true).start();
            String out = new String(info.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            info.waitFor(60, TimeUnit.SECONDS);
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("used (\\d+)K").matcher(out);
            if (!m.find()) {
                throw new IllegalStateException("no heap figure in: " + out);
            }
            return Long.parseLong(m.group(1)) * 1024;
        }
    }

    // ---------------------------------------------------------------- a flooding socket and compression bombs

    /**
     * Other rooms' chat latency while one socket floods its node, against the same rooms at rest; and
     * how fast a compressed frame that would inflate to 60 MB is refused. One node (embedded default).
     */
    static final class FloodBench {

        static void run(Path jar, int rooms, int messages, int bombs, int pingsPerSocket, Map<String, String> extraEnv)
                throws Exception {
            if (rooms < 1 || rooms > 50 || messages < 10 || messages > 1000 || bombs < 0 || bombs > 100) {
                throw new IllegalArgumentException("bounds: 1 ≤ --rooms ≤ 50, 10 ≤ --messages ≤ 1000, 0 ≤ --bombs ≤ 100");
            }
            System.out.println("load average at start: " + Files.readString(Path.of("/proc/loadavg")).strip());
            Path dir = Files.createTempDirectory("hearth-bench-flood-");
            TEMP_DIRS.add(dir);
            int port = freePort();
            Map<String, String> env = new java.util.HashMap<>(Map.of("HEARTH_LOGINS_PER_ADDRESS", "1000000",
                    "HEARTH_CLUSTER_NAME", "bench-flood-" + port));
            env.putAll(extraEnv);
            Process node = launch(jar, dir, port, env);
            awaitReadyLine(node, Duration.ofSeconds(120));
            Api api = new Api("http://127.0.0.1:" + port);
            String admin = api.token("admin@demo.hearth", "hearth-demo");
            System.out.printf("setting up %d rooms of 2…%n", rooms);
            List<RoomsBench.Room> circles = RoomsBench.setUp(api, api, admin, rooms, 2, new RoomsBench.Split());

            RoomsBench.chat(circles, 10, true); // warm-up, not counted
            long self = ProcessHandle.current().pid();
            double nodeCpu0 = cpuSeconds(node.pid());
            double selfCpu0 = cpuSeconds(self);
            long baseStarted = System.nanoTime();
            List<Long> baseline = RoomsBench.chat(circles, messages, true).all();
            double baseSeconds = (System.nanoTime() - baseStarted) / 1e9;
            double nodeCpu1 = cpuSeconds(node.pid());
            double selfCpu1 = cpuSeconds(self);

            // one socket floods: pings as fast as it can send them; when it is closed for it, it opens a new
            // socket (a new ticket) and goes on. Bounded by count and by the measurement's end.
            java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
            AtomicInteger sent = new AtomicInteger();
            AtomicInteger closes = new AtomicInteger();
            // the flooder's own session: the node refuses it new tickets for a while after each flood close
            String flooding = api.token("admin@demo.hearth", "hearth-demo");
            Thread flooder = new Thread(() -> {
                HttpClient http = HttpClient.newHttpClient();
                String ping = "{\"type\":\"ping\",\"clientTime\":1}";
                while (!stop.get() && sent.get() < 5_000_000) {
                    try {
                        // a hostile client: it ignores the node's close and sends on until the connection is gone
                        RoomsBench.Client c = RoomsBench.Client.open(api, http, flooding, "flooder", 1);
                        // (with --pings-per-socket: only that many, then the next socket; churn without the flood's tail)
                        for (int i = 0; !stop.get() && sent.get() < 5_000_000 && (pingsPerSocket == 0 || i < pingsPerSocket); i++) {
                            c.socket.sendText(ping, true).get(15, TimeUnit.SECONDS);
                            sent.incrementAndGet();
                        }
                        c.socket.abort();
                    } catch (Exception e) {
                        // closed while sending: the next socket
                    }
                    closes.incrementAndGet();
                }
            }, "flooder");
            flooder.setDaemon(true);
            long floodStarted = System.nanoTime();
            flooder.start();
            List<Long> flooded = RoomsBench.chat(circles, messages, true).all();
            stop.set(true);
            flooder.join(10_000);
            double floodSeconds = (System.nanoTime() - floodStarted) / 1e9;
            double nodeCpu2 = cpuSeconds(node.pid());
            double selfCpu2 = cpuSeconds(self);

            List<Long> bombMillis = new ArrayList<>();
            List<String> bombAnswers = new ArrayList<>();
            for (int i = 0; i < bombs; i++) {
                bomb(api, admin, port, bombMillis, bombAnswers);
            }
            List<Long> afterBombs = RoomsBench.chat(circles, 10, true).all();

            System.out.println();
            System.out.printf("flood: %d rooms of 2 chatting (%d rounds, all rooms at once, 50 ms apart) while one socket sent %d pings"
                    + " in %.1f s (%.0f/s) and was closed %d times for it%n", rooms, messages, sent.get(), floodSeconds,
                    sent.get() / floodSeconds, closes.get());
            System.out.println();
            System.out.println("| other rooms' chat (send → other member's receipt) | n | p50 | p99 | max |");
            System.out.println("|---|---|---|---|---|");
            RoomsBench.row("baseline, nobody flooding", baseline);
            RoomsBench.row("while one socket floods", flooded);
            RoomsBench.row("after " + bombs + " compression bombs", afterBombs);
            List<Long> b = new ArrayList<>(baseline);
            List<Long> f = new ArrayList<>(flooded);
            Collections.sort(b);
            Collections.sort(f);
            System.out.printf("%nCPU used (share of one core): node %.0f%% at rest, %.0f%% while flooded; this harness %.0f%% at rest,"
                    + " %.0f%% while flooding; load average now %s%n",
                    100 * (nodeCpu1 - nodeCpu0) / baseSeconds, 100 * (nodeCpu2 - nodeCpu1) / floodSeconds,
                    100 * (selfCpu1 - selfCpu0) / baseSeconds, 100 * (selfCpu2 - selfCpu1) / floodSeconds,
                    Files.readString(Path.of("/proc/loadavg")).strip());
            System.out.printf("flooded / baseline: p50 %.2f×, p99 %.2f×%n", percentile(f, 50) / (double) percentile(b, 50),
                    percentile(f, 99) / (double) percentile(b, 99));
            if (!bombMillis.isEmpty()) {
                List<Long> sorted = new ArrayList<>(bombMillis);
                Collections.sort(sorted);
                System.out.printf("inflated message refused after 0 bytes / %d ms (p50 of %d; max %d ms); answers: %s%n",
                        percentile(sorted, 50), sorted.size(), sorted.get(sorted.size() - 1), bombAnswers);
            }
            stop(node);
        }

        /**
         * A raw client offers permessage-deflate, then sends one text frame marked compressed (RSV1)
         * whose DEFLATE payload (~60 KB) would inflate to 60 MB; times the write to the node's answer.
         */
        static void bomb(Api api, String admin, int port, List<Long> millis, List<String> answers) throws Exception {
            String url = field(api.call("POST", "/api/realtime/ticket", admin, null), "\"url\":\"");
            byte[] payload = deflatedZeros(60 * 1024 * 1024);
            try (java.net.Socket raw = new java.net.Socket("127.0.0.1", port)) {
                raw.setSoTimeout(30_000);
                java.io.OutputStream out = raw.getOutputStream();
                java.io.DataInputStream in = new java.io.DataInputStream(raw.getInputStream());
                out.write(("GET " + url + " HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                        + "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: aGVhcnRoLWJvbWItYmVuY2g=\r\n"
                        + "Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                out.flush();
                StringBuilder head = new StringBuilder();
                while (!head.toString().endsWith("\r\n\r\n")) {
                    int c = in.read();
                    if (c < 0) {
                        throw new IllegalStateException("handshake refused: " + head);
                    }
                    head.append((char) c);
                }
                boolean negotiated = head.toString().toLowerCase(java.util.Locale.ROOT).contains("permessage-deflate");
                readFrame(in); // welcome
                java.io.ByteArrayOutputStream frame = new java.io.ByteArrayOutputStream();
                frame.write(0x80 | 0x40 | 0x1);
                frame.write(0x80 | 126);
                frame.write(payload.length >>> 8);
                frame.write(payload.length & 0xff);
                frame.write(new byte[4]); // a zero mask: the payload goes as it is
                frame.write(payload);
                long start = System.nanoTime();
                String answer;
                try {
                    out.write(frame.toByteArray());
                    out.flush();
                    int[] header = readFrame(in);
                    answer = header[0] == 8 ? "close " + header[1] : "opcode " + header[0];
                } catch (java.io.IOException e) {
                    answer = "dropped";
                }
                millis.add((System.nanoTime() - start) / 1_000_000);
                answers.add(answer + (negotiated ? " (deflate negotiated!)" : ""));
            }
        }

        /** Reads one server frame: {opcode, close code or -1}. */
        static int[] readFrame(java.io.DataInputStream in) throws java.io.IOException {
            int first = in.readUnsignedByte();
            int second = in.readUnsignedByte();
            long length = second & 0x7f;
            if (length == 126) {
                length = in.readUnsignedShort();
            } else if (length == 127) {
                length = in.readLong();
            }
            byte[] body = new byte[(int) length];
            in.readFully(body);
            int code = (first & 0x0f) == 8 && body.length >= 2 ? ((body[0] & 0xff) << 8) | (body[1] & 0xff) : -1;
            return new int[] {first & 0x0f, code};
        }

        static byte[] deflatedZeros(int size) {
            java.util.zip.Deflater deflater = new java.util.zip.Deflater(java.util.zip.Deflater.BEST_COMPRESSION, true);
            java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
            byte[] zeros = new byte[1 << 20];
            byte[] buffer = new byte[1 << 16];
            for (int left = size; left > 0; left -= zeros.length) {
                deflater.setInput(zeros, 0, Math.min(left, zeros.length));
                while (!deflater.needsInput()) {
                    out.write(buffer, 0, deflater.deflate(buffer, 0, buffer.length, java.util.zip.Deflater.NO_FLUSH));
                }
            }
            int n;
            while ((n = deflater.deflate(buffer, 0, buffer.length, java.util.zip.Deflater.SYNC_FLUSH)) > 0) {
                out.write(buffer, 0, n);
            }
            deflater.end();
            byte[] all = out.toByteArray();
            return java.util.Arrays.copyOf(all, all.length - 4);
        }
    }

    // ---------------------------------------------------------------- room fan-out, Hearth and a Socket.IO peer

    /**
     * Room fan-out on one node (issue 16): {@code --rooms} rooms of 8 real WebSocket clients, chat at
     * fixed total rates (open loop: message i is due at i / rate seconds, whatever came back), each
     * line timed from the hand-off to the sender's socket to its arrival at each of the other 7
     * members, on the harness's one clock. With {@code fanout-compare} the same generator also drives
     * an idiomatic Socket.IO 4 server ({@code bench/socketio-peer}, Engine.IO v4 framing over the JDK
     * WebSocket client), rounds interleaved (Hearth, peer, Hearth, peer, …) so both see the same noise.
     * A line not received 5 s after the last send of its run is counted lost.
     */
    static final class FanoutBench {

        static final int PER_ROOM = 8;
        static final long DRAIN_MS = 5_000;
        /** A few HTTP clients (selector threads) shared by all sockets, the same for both servers. */
        static final List<HttpClient> HTTP = Stream.generate(() -> HttpClient.newBuilder().build()).limit(4).toList();
        static final AtomicInteger NEXT_HTTP = new AtomicInteger();

        /** The last started peer's port and token (the idle mode opens its own sockets to it). */
        static int peerPort;
        static String peerToken;

        static HttpClient http() {
            return HTTP.get(Math.floorMod(NEXT_HTTP.getAndIncrement(), HTTP.size()));
        }

        /** One member's socket as the load generator sees it: sends are chained so one is in flight at a time. */
        static final class Member {
            final int index;
            /** The Hearth node it is connected to (1 or 2; the peer is one process: 1). */
            int node = 1;
            final String roomId;
            final java.net.http.WebSocket ws;
            final java.util.function.Function<String, String> frame;
            CompletableFuture<?> tail = CompletableFuture.completedFuture(null);

            Member(int index, String roomId, java.net.http.WebSocket ws, java.util.function.Function<String, String> frame) {
                this.index = index;
                this.roomId = roomId;
                this.ws = ws;
                this.frame = frame;
            }

            synchronized void sendRaw(String text) {
                tail = tail.thenCompose(x -> ws.sendText(text, true)).exceptionally(e -> null);
            }

            void chat(String text) {
                sendRaw(frame.apply(text));
            }
        }

        /** What one run is counting; the taps of every member write into the current one. */
        static final class Run {
            final long[] sentAt;
            final int[] sentBy;
            final int[] sentFrom;
            /** Per latency: whether sender and receiver were on different nodes. */
            final boolean[] cross;
            final java.util.concurrent.atomic.AtomicIntegerArray receipts;
            final long[] latencies;
            /** Per latency: the line it belongs to (for the late-delivery timeline). */
            final int[] latencySeq;
            final AtomicInteger latencyCount = new AtomicInteger();
            final java.util.concurrent.atomic.AtomicLong lastReceipt = new java.util.concurrent.atomic.AtomicLong();
            final AtomicInteger deliveries = new AtomicInteger();
            /** Error replies (a refused line is lost too, but this says why). */
            final AtomicInteger errors = new AtomicInteger();
            final String tag;

            Run(int messages, String tag) {
                sentAt = new long[messages];
                sentBy = new int[messages];
                sentFrom = new int[messages];
                cross = new boolean[messages * (PER_ROOM - 1) + 16];
                receipts = new java.util.concurrent.atomic.AtomicIntegerArray(messages);
                latencies = new long[messages * (PER_ROOM - 1) + 16];
                latencySeq = new int[latencies.length];
                this.tag = tag;
            }

            /** A text arrived at member {@code to}: the chat lines of this run are "…fo#<tag>#<seq>#…". */
            void received(int to, long atNanos, String text) {
                received(to, 1, atNanos, text);
            }

            void received(int to, int toNode, long atNanos, String text) {
                int at = text.indexOf("fo#" + tag + "#");
                if (at < 0) {
                    return;
                }
                int from = at + 4 + tag.length();
                int end = text.indexOf('#', from);
                int seq = Integer.parseInt(text, from, end, 10);
                if (seq >= sentAt.length || sentBy[seq] == to) {
                    return; // its own line back (Socket.IO's room emit and Hearth's deliver both include the sender)
                }
                receipts.incrementAndGet(seq);
                int n = latencyCount.getAndIncrement();
                if (n < latencies.length) {
                    latencies[n] = (atNanos - sentAt[seq]) / 1000;
                    latencySeq[n] = seq;
                    cross[n] = sentFrom[seq] != toNode;
                }
                deliveries.incrementAndGet();
                lastReceipt.accumulateAndGet(atNanos, Math::max);
            }
        }

        /** One server under test: its members by room, and how its member taps are pointed at a run. */
        static final class Target {
            final String name;
            final long pid;
            /** Further server processes (Hearth's second node) whose CPU counts too. */
            final List<Long> morePids = new ArrayList<>();
            final List<List<Member>> rooms;
            volatile Run run;

            Target(String name, long pid, List<List<Member>> rooms) {
                this.name = name;
                this.pid = pid;
                this.rooms = rooms;
            }
        }

        record Result(int rate, double deliveriesPerSecond, long p50, long p99, long max, int lost, int extra, double cpuSeconds,
                      double seconds, int errors) {
        }

        static void run(Path jar, boolean compare, int rooms, List<Integer> rates, int seconds, int rounds, Map<String, String> extraEnv,
                        int nodes) throws Exception {
            if (nodes < 1 || nodes > 2) {
                throw new IllegalArgumentException("--nodes is 1 or 2");
            }
            if (rooms < 1 || rooms > 250 || seconds < 2 || seconds > 60 || rounds < 1 || rounds > 9
                    || rates.stream().anyMatch(r -> r < 1 || r > 5000)) {
                throw new IllegalArgumentException("bounds: 1 ≤ --rooms ≤ 250, 2 ≤ --seconds ≤ 60, 1 ≤ --rounds ≤ 9, 1 ≤ each rate ≤ 5000");
            }
            long started = System.nanoTime();
            System.out.println("load average at start: " + Files.readString(Path.of("/proc/loadavg")).strip());
            List<Target> targets = new ArrayList<>();
            targets.add(hearth(jar, rooms, extraEnv, nodes));
            if (compare) {
                targets.add(socketIo(rooms));
            }
            // warm-up, not counted: JIT for both
            for (Target t : targets) {
                load(t, Math.min(rates.get(0), 500), 3, "w");
            }
            Map<String, Map<Integer, List<Result>>> results = new java.util.LinkedHashMap<>();
            int runNo = 0;
            for (int rate : rates) {
                for (int round = 0; round < rounds; round++) {
                    for (Target t : targets) {
                        Result r = load(t, rate, seconds, "r" + (runNo++));
                        results.computeIfAbsent(t.name, k -> new TreeMap<>()).computeIfAbsent(rate, k -> new ArrayList<>()).add(r);
                        System.out.printf("  %s %d msgs/s round %d: %.0f deliveries/s, p50 %s, p99 %s, max %s, lost %d, "
                                        + "duplicates %d, error replies %d, server CPU %.1f s in %.1f s; load %s%n",
                                t.name, rate, round + 1, r.deliveriesPerSecond(), ms(r.p50()), ms(r.p99()), ms(r.max()), r.lost(),
                                r.extra(), r.errors(), r.cpuSeconds(), r.seconds(), Files.readString(Path.of("/proc/loadavg")).strip());
                    }
                }
            }
            System.out.println();
            System.out.printf("fan-out: %d rooms × %d sockets on %s, %d s per run, %d round(s) per rate, medians; "
                    + "run took %.0f s; load average at end: %s%n", rooms, PER_ROOM, nodes == 1 ? "one node" : "two nodes", seconds, rounds,
                    (System.nanoTime() - started) / 1e9, Files.readString(Path.of("/proc/loadavg")).strip());
            System.out.println();
            System.out.println("| load | server | deliveries/s | p50 | p99 | max | lost | server CPU s per 10k deliveries |");
            System.out.println("|---|---|---|---|---|---|---|---|");
            for (int rate : rates) {
                for (Target t : targets) {
                    List<Result> rs = results.get(t.name).get(rate);
                    double dps = median(rs.stream().map(Result::deliveriesPerSecond).toList());
                    double cpu = median(rs.stream().map(r -> r.cpuSeconds() * 10_000 / Math.max(1, r.deliveriesPerSecond() * r.seconds())).toList());
                    System.out.printf("| %d rooms × %d, %d msgs/s | %s | %.0f | %s | %s | %s | %s | %.2f |%n", rooms, PER_ROOM, rate, t.name, dps,
                            ms(medianLong(rs.stream().map(Result::p50).toList())), ms(medianLong(rs.stream().map(Result::p99).toList())),
                            ms(medianLong(rs.stream().map(Result::max).toList())),
                            rs.stream().map(r -> Integer.toString(r.lost())).collect(java.util.stream.Collectors.joining(" / ")), cpu);
                }
            }
            if (compare) {
                System.out.println();
                System.out.println("| load | p50 Hearth ÷ peer | p99 Hearth ÷ peer | deliveries/s Hearth ÷ peer |");
                System.out.println("|---|---|---|---|");
                for (int rate : rates) {
                    List<Result> h = results.get(targets.get(0).name).get(rate);
                    List<Result> p = results.get(targets.get(1).name).get(rate);
                    System.out.printf("| %d rooms × %d, %d msgs/s | %.2f | %.2f | %.2f |%n", rooms, PER_ROOM, rate,
                            medianLong(h.stream().map(Result::p50).toList()) / (double) Math.max(1, medianLong(p.stream().map(Result::p50).toList())),
                            medianLong(h.stream().map(Result::p99).toList()) / (double) Math.max(1, medianLong(p.stream().map(Result::p99).toList())),
                            median(h.stream().map(Result::deliveriesPerSecond).toList()) / Math.max(1, median(p.stream().map(Result::deliveriesPerSecond).toList())));
                }
            }
        }

        /**
         * Diagnostics (HEARTH_BENCH_TIMELINE set): per 100 ms of send time, the deliveries later than 5 ms and the
         * latest, so a tail made by a periodic task or a pause shows as a few bad buckets and load as many.
         */
        static void printLateTimeline(Run run, int n, long start) {
            java.util.TreeMap<Long, long[]> buckets = new java.util.TreeMap<>();
            for (int k = 0; k < n; k++) {
                if (run.latencies[k] > 5_000) {
                    long bucket = (run.sentAt[run.latencySeq[k]] - start) / 100_000_000L;
                    long[] b = buckets.computeIfAbsent(bucket, x -> new long[2]);
                    b[0]++;
                    b[1] = Math.max(b[1], run.latencies[k]);
                }
            }
            StringBuilder line = new StringBuilder("    late (>5 ms) by send time, 100 ms buckets: ");
            buckets.forEach((bucket, b) -> line.append(String.format("%.1fs:%d/%dms ", bucket / 10.0, b[0], b[1] / 1000)));
            System.out.println(line);
        }

        /**
         * Diagnostics (HEARTH_BENCH_PROFILE = the path of async-profiler's libasyncProfiler.so, loaded through
         * {@code jcmd JVMTI.agent_load}): each measured Hearth run is profiled on its own, with the events of
         * HEARTH_BENCH_PROFILE_EVENT (default {@code event=cpu,interval=1ms}: Java and kernel frames of running
         * threads; {@code event=wall,threads} for where the event loops wait; several separated by {@code ;} are
         * taken in turn, one per run), into one collapsed-stacks file per run.
         */
        static final String PROFILER = System.getenv("HEARTH_BENCH_PROFILE");
        static final String[] PROFILE_EVENTS = java.util.Objects.requireNonNullElse(System.getenv("HEARTH_BENCH_PROFILE_EVENT"),
                "event=cpu,interval=1ms").split(";");
        static final AtomicInteger PROFILED_RUNS = new AtomicInteger();

        static boolean profile(Target t, String tag, String command) throws Exception {
            if (PROFILER == null || !t.name.startsWith("Hearth") || tag.startsWith("w")) {
                return false;
            }
            Process jcmd = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(), Long.toString(t.pid),
                    "JVMTI.agent_load", PROFILER, '"' + command + '"') // quoted: jcmd would read "event=cpu" as its own option
                    .redirectErrorStream(true).start();
            String said = new String(jcmd.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (jcmd.waitFor() != 0 || said.contains("ERROR") || !said.contains("return code: 0")) {
                System.out.println("    profiler: " + said.strip());
            }
            return true;
        }

        /** One measured run at a fixed total rate: rooms take turns, and in each room its members take turns. */
        static Result load(Target t, int rate, int seconds, String tag) throws Exception {
            int messages = rate * seconds;
            Run run = new Run(messages, tag);
            t.run = run;
            double cpuBefore = cpuSeconds(t.pid) + t.morePids.stream().mapToDouble(HearthBench::cpuSeconds).sum();
            String profileEvent = PROFILE_EVENTS[PROFILED_RUNS.get() % PROFILE_EVENTS.length];
            // with "jfr" among its options the profile streams to its file (timestamps: the bursts can be found)
            String format = profileEvent.contains("jfr") ? "jfr" : "collapsed";
            Path profileFile = Path.of(System.getProperty("java.io.tmpdir"), "hearth-profile-" + tag + "-" + rate + "-"
                    + profileEvent.replaceAll("[^a-z0-9]+", "-") + "." + format);
            boolean profiled = profile(t, tag, "start," + profileEvent + (format.equals("jfr") ? ",file=" + profileFile : ""));
            long start = System.nanoTime() + 20_000_000L;
            if (profiled) {
                // to line the profile's timestamps up with the late-delivery timeline (which counts from here)
                System.out.printf("    run %s starts at %s%n", tag, Instant.ofEpochMilli(System.currentTimeMillis() + 20));
            }
            long stepNanos = 1_000_000_000L / rate;
            int roomCount = t.rooms.size();
            for (int i = 0; i < messages; i++) {
                long due = start + i * stepNanos;
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    java.util.concurrent.locks.LockSupport.parkNanos(wait);
                }
                List<Member> room = t.rooms.get(i % roomCount);
                Member sender = room.get((i / roomCount) % room.size());
                run.sentBy[i] = sender.index;
                run.sentFrom[i] = sender.node;
                run.sentAt[i] = System.nanoTime();
                sender.chat("fo#" + tag + "#" + i + "# a line of chat");
            }
            long lastSend = System.nanoTime();
            long expected = (long) messages * (PER_ROOM - 1);
            while (run.deliveries.get() < expected && System.nanoTime() - lastSend < DRAIN_MS * 1_000_000L) {
                Thread.sleep(5); // draining, bounded by DRAIN_MS
            }
            double cpu = cpuSeconds(t.pid) + t.morePids.stream().mapToDouble(HearthBench::cpuSeconds).sum() - cpuBefore;
            if (profiled) {
                PROFILED_RUNS.incrementAndGet();
                profile(t, tag, format.equals("jfr") ? "stop" : "stop,collapsed,file=" + profileFile);
                System.out.println("    profile of the node in this run: " + profileFile);
            }
            t.run = null;
            int lost = 0;
            int extra = 0;
            for (int i = 0; i < messages; i++) {
                int got = run.receipts.get(i);
                lost += Math.max(0, PER_ROOM - 1 - got);
                extra += Math.max(0, got - (PER_ROOM - 1));
            }
            int n = Math.min(run.latencyCount.get(), run.latencies.length);
            long[] sorted = java.util.Arrays.copyOf(run.latencies, n);
            java.util.Arrays.sort(sorted);
            double span = Math.max(1, run.lastReceipt.get() - start) / 1e9;
            List<Long> list = java.util.Arrays.stream(sorted).boxed().toList();
            List<Long> same = new ArrayList<>();
            List<Long> crossed = new ArrayList<>();
            for (int k = 0; k < n; k++) {
                (run.cross[k] ? crossed : same).add(run.latencies[k]);
            }
            Collections.sort(same);
            Collections.sort(crossed);
            if (!crossed.isEmpty()) {
                System.out.printf("    %s same node: p50 %s, p99 %s (%d); across nodes: p50 %s, p99 %s (%d)%n", t.name,
                        ms(percentile(same, 50)), ms(percentile(same, 99)), same.size(),
                        ms(percentile(crossed, 50)), ms(percentile(crossed, 99)), crossed.size());
            }
            if (System.getenv("HEARTH_BENCH_TIMELINE") != null) {
                printLateTimeline(run, n, start);
            }
            Thread.sleep(500); // a breath between runs so one run's stragglers do not start the next
            return new Result(rate, run.deliveries.get() / span, percentile(list, 50), percentile(list, 99),
                    n == 0 ? 0 : sorted[n - 1], lost, extra, cpu, span, run.errors.get());
        }

        /** Hearth on one node: rooms of a facilitator and 7 admitted patients, set up through the REST API (as `rooms`). */
        static Target hearth(Path jar, int rooms, Map<String, String> extraEnv, int nodes) throws Exception {
            Path dir = Files.createTempDirectory("hearth-bench-fanout-");
            TEMP_DIRS.add(dir);
            int port = freePort();
            Map<String, String> env = new java.util.HashMap<>(Map.of("HEARTH_LOGINS_PER_ADDRESS", "1000000",
                    "HEARTH_JWT_ISSUER", "http://bench.local"));
            env.putAll(extraEnv);
            // a known management port, to see the mail outbox drain before anything is measured
            int management = freePort();
            env.put("HEARTH_MANAGEMENT_PORT", Integer.toString(management));
            Process node2 = null;
            Api api2 = null;
            if (nodes == 2) {
                // as `rooms`: node 2 uses node 1's embedded store and keys, one Hazelcast cluster on loopback
                int mongoPort = freePort();
                int c1 = freePort();
                int c2 = freePort();
                env.put("HEARTH_CLUSTER_MEMBERS", "127.0.0.1:" + c1 + ",127.0.0.1:" + c2);
                env.put("HEARTH_CLUSTER_NAME", "bench-fanout-" + c1);
                env.put("HEARTH_EMBEDDED_MONGO_PORT", Integer.toString(mongoPort));
                env.put("HEARTH_CLUSTER_PORT", Integer.toString(c1));
                Process node1 = launch(jar, dir, port, env);
                awaitReadyLine(node1, Duration.ofSeconds(120));
                Path dir2 = Files.createTempDirectory("hearth-bench-fanout-2-");
                TEMP_DIRS.add(dir2);
                Map<String, String> env2 = new java.util.HashMap<>(env);
                env2.remove("HEARTH_EMBEDDED_MONGO_PORT");
                env2.put("MONGO_URI", "mongodb://127.0.0.1:" + mongoPort);
                env2.put("HEARTH_CLUSTER_PORT", Integer.toString(c2));
                env2.put("HEARTH_JWT_PRIVATE_KEY_FILE", dir.resolve("keys/jwt-private.pem").toString());
                env2.put("HEARTH_JWT_PUBLIC_KEY_FILE", dir.resolve("keys/jwt-public.pem").toString());
                env2.put("HEARTH_CARE_KEYSET_FILE", dir.resolve("keys/care-keyset.json").toString());
                env2.put("HEARTH_DEMO_SEED", "false");
                int management2 = freePort();
                env2.put("HEARTH_MANAGEMENT_PORT", Integer.toString(management2));
                int port2 = freePort();
                node2 = launch(jar, dir2, port2, env2);
                awaitReadyLine(node2, Duration.ofSeconds(120));
                api2 = new Api("http://127.0.0.1:" + port2);
                RoomsBench.awaitMembers(new Api("http://127.0.0.1:" + port), 2, 60_000);
                Target target = hearthRooms(node1, node2, new Api("http://127.0.0.1:" + port), api2, rooms);
                awaitOutboxDrained(List.of(management, management2));
                return target;
            }
            Process node = launch(jar, dir, port, env);
            awaitReadyLine(node, Duration.ofSeconds(120));
            Api api = new Api("http://127.0.0.1:" + port);
            Target target = hearthRooms(node, null, api, api, rooms);
            awaitOutboxDrained(List.of(management));
            return target;
        }

        /**
         * The set-up queues an invitation and a booking email per person (4,000 for 250 rooms), which
         * the node's mailer sends to its in-process SMTP server for minutes afterwards. That is the
         * product's own work, but not fan-out: the rounds start once every node's outbox backlog
         * (its /metrics gauge, counted every 15 s) reads zero, bounded by 10 minutes.
         */
        static void awaitOutboxDrained(List<Integer> managementPorts) throws Exception {
            long started = System.nanoTime();
            long deadline = started + TimeUnit.MINUTES.toNanos(10);
            for (int managementPort : managementPorts) {
                while (true) {
                    String metrics = http().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + managementPort + "/metrics"))
                            .timeout(Duration.ofSeconds(10)).GET().build(), HttpResponse.BodyHandlers.ofString()).body();
                    double backlog = metrics.lines().filter(l -> l.startsWith("hearth_mail_outbox_backlog"))
                            .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
                    if (backlog == 0) {
                        break;
                    }
                    if (System.nanoTime() > deadline) {
                        System.out.printf("Hearth: mail outbox still %.0f behind after 10 min; measuring anyway%n", backlog);
                        return;
                    }
                    Thread.sleep(2000);
                }
            }
            System.out.printf("Hearth: mail outbox drained %.0f s after the set-up%n", (System.nanoTime() - started) / 1e9);
        }

        /** Circles of 8 (facilitator on node 1, patients alternating node 2 / node 1 when there are two nodes). */
        static Target hearthRooms(Process node, Process node2, Api api, Api api2, int rooms) throws Exception {
            String admin = api.token("admin@demo.hearth", "hearth-demo");
            System.out.printf("Hearth: setting up %d circles of %d%s…%n", rooms, PER_ROOM,
                    node2 == null ? "" : " (facilitator on node 1, patients alternating node 2 / node 1)");
            long setup = System.nanoTime();
            RoomsBench.socketHttp = FanoutBench::http;
            List<RoomsBench.Room> circles = RoomsBench.setUp(api, api2, admin, rooms, PER_ROOM, new RoomsBench.Split());
            System.out.printf("Hearth: set-up took %.0f s%n", (System.nanoTime() - setup) / 1e9);
            Target target = new Target(node2 == null ? "Hearth" : "Hearth (2 nodes)", node.pid(), new ArrayList<>());
            if (node2 != null) {
                target.morePids.add(node2.pid());
            }
            int index = 0;
            for (RoomsBench.Room room : circles) {
                List<Member> members = new ArrayList<>();
                String roomId = room.roomId;
                for (RoomsBench.Client c : room.members()) {
                    AtomicInteger ids = new AtomicInteger();
                    int onNode = node2 == null ? 1 : c.node;
                    Member m = new Member(index++, roomId, c.socket, text -> "{\"type\":\"chat.send\",\"id\":\"f"
                            + ids.incrementAndGet() + "\",\"roomId\":\"" + roomId + "\",\"text\":\"" + text + "\"}");
                    c.tap = (at, text) -> {
                        Run r = target.run;
                        if (r != null && text.startsWith("{\"type\":\"error\"")) {
                            r.errors.incrementAndGet();
                        }
                        if (r != null) {
                            r.received(m.index, onNode, at, text);
                        }
                    };
                    m.node = onNode;
                    members.add(m);
                }
                target.rooms.add(members);
            }
            return target;
        }

        /** The Socket.IO peer (bench/socketio-peer, npm install at the first run), its sockets authenticated on connect and joined. */
        static Target socketIo(int rooms) throws Exception {
            Path dir = Path.of("bench/socketio-peer");
            if (!Files.isDirectory(dir.resolve("node_modules/socket.io"))) {
                System.out.println("socket.io peer: npm install…");
                Process npm = new ProcessBuilder("npm", "install", "--no-audit", "--no-fund").directory(dir.toFile()).inheritIO().start();
                if (!npm.waitFor(180, TimeUnit.SECONDS) || npm.exitValue() != 0) {
                    npm.destroyForcibly();
                    throw new IllegalStateException("npm install in bench/socketio-peer failed");
                }
            }
            String token = Long.toHexString(new java.security.SecureRandom().nextLong());
            ProcessBuilder builder = new ProcessBuilder("node", "server.js").directory(dir.toFile()).redirectErrorStream(true);
            builder.environment().put("BENCH_TOKEN", token);
            builder.environment().put("PORT", "0");
            Process peer = builder.start();
            CHILDREN.add(peer);
            BufferedReader out = new BufferedReader(new InputStreamReader(peer.getInputStream(), StandardCharsets.UTF_8));
            CompletableFuture<Integer> ready = new CompletableFuture<>();
            Thread drain = new Thread(() -> {
                try {
                    for (String line; (line = out.readLine()) != null; ) {
                        if (line.startsWith("socket.io peer ready at ")) {
                            ready.complete(Integer.parseInt(line.substring("socket.io peer ready at ".length()).trim()));
                        } else if (!ready.isDone()) {
                            System.out.println("  peer: " + line);
                        }
                    }
                } catch (IOException ignored) {
                    // the peer ended
                }
                ready.completeExceptionally(new IllegalStateException("the socket.io peer ended before it was ready"));
            }, "socketio-peer-output");
            drain.setDaemon(true);
            drain.start();
            int port = ready.get(30, TimeUnit.SECONDS);
            peerPort = port;
            peerToken = token;
            Target target = new Target("Socket.IO 4.8.4", peer.pid(), new ArrayList<>());
            int index = 0;
            for (int r = 0; r < rooms; r++) {
                String roomId = "room-" + r;
                List<Member> members = new ArrayList<>();
                for (int p = 0; p < PER_ROOM; p++) {
                    members.add(SioClient.connect(target, port, token, "person-" + r + "-" + p, roomId, index++));
                }
                target.rooms.add(members);
            }
            System.out.printf("socket.io peer: %d sockets connected and in their rooms%n", rooms * PER_ROOM);
            return target;
        }

        /** An Engine.IO v4 / Socket.IO v5 client over the JDK WebSocket: 40{auth}, 42[event,…], 2 → 3. */
        static final class SioClient implements java.net.http.WebSocket.Listener {
            final StringBuilder partial = new StringBuilder();
            final java.util.concurrent.LinkedBlockingQueue<String> setup = new java.util.concurrent.LinkedBlockingQueue<>();
            final Target target;
            volatile Member member;
            volatile boolean loaded;
            final AtomicInteger acks = new AtomicInteger();

            SioClient(Target target) {
                this.target = target;
            }

            static Member connect(Target target, int port, String token, String person, String roomId, int index) throws Exception {
                SioClient client = new SioClient(target);
                java.net.http.WebSocket ws = http().newWebSocketBuilder().connectTimeout(Duration.ofSeconds(10))
                        .buildAsync(URI.create("ws://127.0.0.1:" + port + "/socket.io/?EIO=4&transport=websocket"), client)
                        .get(15, TimeUnit.SECONDS);
                client.expect("0{", 10_000); // Engine.IO open
                Member m = new Member(index, roomId, ws, text -> "42" + client.acks.incrementAndGet()
                        + "[\"chat\",{\"roomId\":\"" + roomId + "\",\"text\":\"" + text + "\"}]");
                client.member = m;
                m.sendRaw("40{\"token\":\"" + token + "\",\"person\":\"" + person + "\"}");
                client.expect("40{", 10_000); // Socket.IO connect accepted (a refused token gets 44{…})
                if (roomId != null) { // the idle mode's sockets join no room
                    m.sendRaw("420[\"join\",\"" + roomId + "\"]");
                    client.expect("430[{\"ok\":true}]", 10_000);
                }
                client.loaded = true;
                return m;
            }

            void expect(String prefix, long timeoutMs) throws InterruptedException {
                long deadline = System.currentTimeMillis() + timeoutMs;
                while (true) {
                    String next = setup.poll(Math.max(1, deadline - System.currentTimeMillis()), TimeUnit.MILLISECONDS);
                    if (next == null) {
                        throw new IllegalStateException("socket.io peer: no " + prefix + " within " + timeoutMs + " ms");
                    }
                    if (next.startsWith(prefix)) {
                        return;
                    }
                    if (next.startsWith("44")) {
                        throw new IllegalStateException("socket.io peer refused the connection: " + next);
                    }
                }
            }

            @Override
            public java.util.concurrent.CompletionStage<?> onText(java.net.http.WebSocket ws, CharSequence data, boolean last) {
                partial.append(data);
                if (last) {
                    String text = partial.toString();
                    partial.setLength(0);
                    long at = System.nanoTime();
                    if (text.equals("2")) {
                        member.sendRaw("3"); // Engine.IO ping → pong
                    } else if (!loaded) {
                        setup.add(text);
                    } else {
                        Run r = target.run;
                        if (r != null) {
                            r.received(member.index, at, text);
                        }
                    }
                }
                ws.request(1);
                return null;
            }
        }

        /**
         * Idle sockets (issue 16): {@code count} authenticated sockets held open and silent on one
         * Hearth node (a fixed, pre-touched heap, so RSS growth is memory outside the heap), then as
         * many on the Socket.IO peer (authenticated on connect, in no room). For each: used heap after
         * a full GC (Hearth, jcmd), RSS growth, and the server's CPU over {@code idleSeconds} of silence
         * (Hearth pings a socket silent for 4 s, then every 2 s; the JDK client answers each ping).
         */
        static void idle(Path jar, int count, int idleSeconds, boolean compare, int heapMib, Map<String, String> extraEnv) throws Exception {
            if (count < 1 || count > 19_500 || idleSeconds < 5 || idleSeconds > 120 || heapMib < 256 || heapMib > 4096) {
                throw new IllegalArgumentException("bounds: 1 ≤ --connections ≤ 19500 (20,000 open files per process here), "
                        + "5 ≤ --idle-seconds ≤ 120, 256 ≤ --heap-mib ≤ 4096");
            }
            System.out.println("load average at start: " + Files.readString(Path.of("/proc/loadavg")).strip());
            List<String> rows = new ArrayList<>();
            Path dir = Files.createTempDirectory("hearth-bench-idle-");
            TEMP_DIRS.add(dir);
            int port = freePort();
            Map<String, String> env = new java.util.HashMap<>(Map.of("HEARTH_LOGINS_PER_ADDRESS", "1000000",
                    "HEARTH_JWT_ISSUER", "http://bench.local",
                    "JAVA_TOOL_OPTIONS", "-Xms" + heapMib + "m -Xmx" + heapMib + "m -XX:+AlwaysPreTouch"));
            env.putAll(extraEnv);
            Process node = launch(jar, dir, port, env);
            awaitReadyLine(node, Duration.ofSeconds(120));
            Api api = new Api("http://127.0.0.1:" + port);
            String admin = api.token("admin@demo.hearth", "hearth-demo");
            long pid = node.pid();
            Thread.sleep(5000); // start-up settles
            long heapBefore = RoomsBench.heapUsedBytes(pid);
            long rssBefore = rssKib(pid);
            double cpuQuiet0 = cpuSeconds(pid);
            Thread.sleep(idleSeconds * 1000L);
            double quietCpu = (cpuSeconds(pid) - cpuQuiet0) / idleSeconds;
            // a few selector threads for all idle sockets; opened from 4 threads at once, bounded in time
            List<HttpClient> clients = Stream.generate(() -> HttpClient.newBuilder().executor(Executors.newFixedThreadPool(2)).build())
                    .limit(4).toList();
            List<RoomsBench.Client> idle = new CopyOnWriteArrayList<>();
            long openStart = System.nanoTime();
            long deadline = System.currentTimeMillis() + 300_000;
            AtomicInteger next = new AtomicInteger();
            AtomicInteger failures = new AtomicInteger();
            ExecutorService openers = Executors.newFixedThreadPool(4);
            for (int t = 0; t < 4; t++) {
                int thread = t;
                openers.submit(() -> {
                    while (next.getAndIncrement() < count && System.currentTimeMillis() < deadline && failures.get() < 50) {
                        try {
                            idle.add(RoomsBench.Client.open(api, clients.get(thread), admin, "admin", 1));
                        } catch (Exception e) {
                            if (failures.incrementAndGet() <= 3) {
                                System.out.println("  open failed: " + e);
                            }
                        }
                    }
                });
            }
            openers.shutdown();
            openers.awaitTermination(320, TimeUnit.SECONDS);
            System.out.printf("Hearth: %d of %d idle sockets open in %.0f s (%d failed); load %s%n", idle.size(), count,
                    (System.nanoTime() - openStart) / 1e9, failures.get(), Files.readString(Path.of("/proc/loadavg")).strip());
            Thread.sleep(6000); // past the first ping (4 s of silence)
            double cpu0 = cpuSeconds(pid);
            int pings0 = idle.stream().mapToInt(c -> c.pings.get()).sum();
            Thread.sleep(idleSeconds * 1000L);
            double idleCpu = (cpuSeconds(pid) - cpu0) / idleSeconds;
            int pingsInWindow = idle.stream().mapToInt(c -> c.pings.get()).sum() - pings0;
            String loadIdle = Files.readString(Path.of("/proc/loadavg")).strip();
            long held = idle.stream().filter(c -> c.closedWith == null && c.pings.get() > 0).count();
            long closedByServer = idle.stream().filter(c -> c.closedWith != null).count();
            long heapWith = RoomsBench.heapUsedBytes(pid);
            long rssWith = rssKib(pid);
            for (RoomsBench.Client c : idle) {
                c.socket.abort();
            }
            Thread.sleep(5000); // the server's close handlers run
            long heapClosed = RoomsBench.heapUsedBytes(pid);
            System.out.printf("Hearth: %d held (pinged, open), %d closed by the server; %d pings in %d s; heap %.1f → %.1f → %.1f MiB; "
                            + "RSS %.1f → %.1f MiB; CPU idle without / with them %.1f %% / %.1f %% of a core; load %s%n",
                    held, closedByServer, pingsInWindow, idleSeconds, heapBefore / 1048576.0, heapWith / 1048576.0, heapClosed / 1048576.0,
                    rssBefore / 1024.0, rssWith / 1024.0, quietCpu * 100, idleCpu * 100, loadIdle);
            rows.add(String.format("| Hearth (heap %d MiB, pre-touched) | %,d of %,d | %.1f KiB | %.1f KiB | %.1f %% (%.1f %% without) | %,.0f pings/s | %+.1f MiB | %s |",
                    heapMib, held, count, (heapWith - heapBefore) / 1024.0 / Math.max(1, held),
                    (rssWith - rssBefore) / (double) Math.max(1, held), idleCpu * 100, quietCpu * 100,
                    pingsInWindow / (double) idleSeconds, (heapClosed - heapBefore) / 1048576.0, loadIdle));
            stop(node);
            if (compare) {
                rows.add(idlePeer(count, idleSeconds));
            }
            System.out.println();
            System.out.println("| server | sockets held | heap per socket (after full GC) | RSS growth per socket | CPU while idle (of one core) | server pings | heap after closing (vs before) | load avg |");
            System.out.println("|---|---|---|---|---|---|---|---|");
            rows.forEach(System.out::println);
        }

        /** The peer holding {@code count} authenticated sockets in no room; RSS and CPU of the node process. */
        static String idlePeer(int count, int idleSeconds) throws Exception {
            Target peer = socketIo(0);
            long pid = peer.pid;
            Thread.sleep(3000);
            long rssBefore = rssKib(pid);
            double cpuQuiet0 = cpuSeconds(pid);
            Thread.sleep(idleSeconds * 1000L);
            double quietCpu = (cpuSeconds(pid) - cpuQuiet0) / idleSeconds;
            List<Member> held = new CopyOnWriteArrayList<>();
            long deadline = System.currentTimeMillis() + 300_000;
            AtomicInteger next = new AtomicInteger();
            AtomicInteger failures = new AtomicInteger();
            long openStart = System.nanoTime();
            ExecutorService openers = Executors.newFixedThreadPool(4);
            for (int t = 0; t < 4; t++) {
                openers.submit(() -> {
                    int i;
                    while ((i = next.getAndIncrement()) < count && System.currentTimeMillis() < deadline && failures.get() < 50) {
                        try {
                            held.add(SioClient.connect(peer, peerPort, peerToken, "idle-" + i, null, i));
                        } catch (Exception e) {
                            if (failures.incrementAndGet() <= 3) {
                                System.out.println("  open failed: " + e);
                            }
                        }
                    }
                });
            }
            openers.shutdown();
            openers.awaitTermination(320, TimeUnit.SECONDS);
            System.out.printf("peer: %d of %d idle sockets open in %.0f s (%d failed); load %s%n", held.size(), count,
                    (System.nanoTime() - openStart) / 1e9, failures.get(), Files.readString(Path.of("/proc/loadavg")).strip());
            Thread.sleep(6000);
            double cpu0 = cpuSeconds(pid);
            Thread.sleep(idleSeconds * 1000L);
            double idleCpu = (cpuSeconds(pid) - cpu0) / idleSeconds;
            String loadIdle = Files.readString(Path.of("/proc/loadavg")).strip();
            long rssWith = rssKib(pid);
            long open = held.stream().filter(m -> !m.ws.isInputClosed() && !m.ws.isOutputClosed()).count();
            for (Member m : held) {
                m.ws.abort();
            }
            Thread.sleep(3000);
            long rssClosed = rssKib(pid);
            System.out.printf("peer: %d held; RSS %.1f → %.1f → %.1f MiB; CPU idle without / with them %.1f %% / %.1f %% of a core; load %s%n",
                    open, rssBefore / 1024.0, rssWith / 1024.0, rssClosed / 1024.0, quietCpu * 100, idleCpu * 100, loadIdle);
            return String.format("| Socket.IO 4.8.4 | %,d of %,d | – (in RSS) | %.1f KiB | %.1f %% (%.1f %% without) | "
                            + "one per 25 s (Engine.IO) | RSS %+.1f MiB | %s |", open, count,
                    (rssWith - rssBefore) / (double) Math.max(1, open), idleCpu * 100, quietCpu * 100, (rssClosed - rssBefore) / 1024.0, loadIdle);
        }

        /** The median; of an even count, the mean of the middle two. */
        static double median(List<Double> values) {
            List<Double> sorted = values.stream().sorted().toList();
            int n = sorted.size();
            return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
        }

        static long medianLong(List<Long> values) {
            return Math.round(median(values.stream().map(Long::doubleValue).toList()));
        }

        static String ms(long micros) {
            return micros >= 1_000_000 ? String.format("%.1f s", micros / 1e6)
                    : micros >= 10_000 ? String.format("%.0f ms", micros / 1e3) : String.format("%.1f ms", micros / 1e3);
        }
    }

    /** A tiny JSON-over-HTTP client for the harness (no JSON library: the JDK only). */
    record Api(String base) {
        static final HttpClient HTTP = HttpClient.newBuilder().executor(Executors.newFixedThreadPool(8)).build();

        String call(String method, String path, String token, String body) throws Exception {
            HttpResponse<String> r = HTTP.send(request(method, path, token, body), HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() >= 300) {
                throw new IllegalStateException(method + " " + path + " → " + r.statusCode() + " " + r.body());
            }
            return r.body();
        }

        int status(String method, String path, String token, String body) {
            try {
                return HTTP.send(request(method, path, token, body), HttpResponse.BodyHandlers.discarding()).statusCode();
            } catch (Exception e) {
                return -1;
            }
        }

        String token(String email, String password) throws Exception {
            return field(call("POST", "/api/auth/login", null, "{\"email\":\"" + email + "\",\"password\":\"" + password + "\"}"),
                    "\"accessToken\":\"");
        }

        private HttpRequest request(String method, String path, String token, String body) {
            HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(60))
                    .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
            if (body != null) {
                b.header("Content-Type", "application/json");
            }
            if (token != null) {
                b.header("Authorization", "Bearer " + token);
            }
            return b.build();
        }
    }

    /** The string value after a key prefix such as {@code "id":"} in a JSON text. */
    static String field(String json, String prefix) {
        int start = json.indexOf(prefix) + prefix.length();
        return json.substring(start, json.indexOf('"', start));
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
        env.put("HEARTH_MANAGEMENT_PORT", "0"); // /metrics on a free port: nodes share this machine
        env.putAll(extra);
        Process process = builder.start();
        CHILDREN.add(process);
        return process;
    }

    static long awaitReadyLine(Process process, Duration timeout) throws Exception {
        return awaitReadyLine(process, System.nanoTime(), timeout);
    }

    /**
     * Waits for the ready line on the node's output, which a daemon thread keeps draining afterwards
     * so the node never blocks on logging. Bounded even if the node hangs without printing.
     *
     * @return ms from {@code startedNanos} to the ready line
     */
    static long awaitReadyLine(Process process, long startedNanos, Duration timeout) throws Exception {
        CompletableFuture<Long> ready = new CompletableFuture<>();
        List<String> recent = Collections.synchronizedList(new ArrayList<>());
        Thread reader = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = in.readLine()) != null) {
                    if (!ready.isDone()) {
                        if (line.startsWith(READY_LINE)) {
                            ready.complete(System.nanoTime());
                        } else {
                            recent.add(line);
                            if (recent.size() > 20) {
                                recent.remove(0);
                            }
                        }
                    }
                }
            } catch (IOException ignored) {
                // process ended
            }
            ready.completeExceptionally(new IllegalStateException("node exited before its ready line; last output:\n  "
                    + String.join("\n  ", recent)));
        }, "hearth-node-output-" + process.pid());
        reader.setDaemon(true);
        reader.start();
        try {
            return (ready.get(timeout.toMillis(), TimeUnit.MILLISECONDS) - startedNanos) / 1_000_000;
        } catch (TimeoutException e) {
            throw new IllegalStateException("node did not print its ready line in " + timeout);
        } catch (java.util.concurrent.ExecutionException e) {
            throw (Exception) e.getCause();
        }
    }

    /** SIGTERM (the node's shutdown hook closes it cleanly), SIGKILL if it is still there after 30 s. */
    static void stop(Process process) throws InterruptedException {
        process.destroy();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            System.out.println("  node " + process.pid() + " ignored SIGTERM for 30 s: killing it");
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

    /** User + system CPU seconds the process has used so far (all its threads), from /proc/<pid>/stat. */
    static double cpuSeconds(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            // after "pid (comm) ": field 3 (state) is index 0, so utime (14) is 11 and stime (15) is 12
            return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) / USER_HZ;
        } catch (IOException | RuntimeException e) {
            return 0; // not Linux
        }
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

    /**
     * {@code --env HEARTH_CLUSTER_ENABLED=false,K=V}: extra environment for the nodes started. A comma starts a new
     * pair only before an upper-case name and '=', so a value may hold commas ({@code JAVA_TOOL_OPTIONS=-XX:StartFlightRecording=filename=/tmp/n.jfr,settings=profile}).
     */
    static Map<String, String> envOption(String value) {
        Map<String, String> env = new TreeMap<>();
        for (String pair : value.split(",(?=[A-Z_][A-Z0-9_]*=)")) {
            int eq = pair.indexOf('=');
            if (eq > 0) {
                env.put(pair.substring(0, eq).trim(), pair.substring(eq + 1).trim());
            }
        }
        return env;
    }

    /** Ends the whole run after {@code limit} whatever happens; the shutdown hook then kills the nodes. */
    static void startWatchdog(Duration limit) {
        Thread watchdog = new Thread(() -> {
            try {
                Thread.sleep(limit.toMillis());
                System.err.println("hearth-bench: still running after " + limit + ": giving up");
                System.exit(3);
            } catch (InterruptedException ignored) {
                // run over
            }
        }, "hearth-bench-watchdog");
        watchdog.setDaemon(true);
        watchdog.start();
    }

    /** Kills every node still running and deletes every temporary directory; safe to call twice. */
    static synchronized void cleanUp() {
        if (!finished) {
            System.err.println("hearth-bench: ended before the run finished (signal, watchdog or failure): stopping its nodes");
        }
        for (Process p : CHILDREN) {
            p.destroy();
        }
        for (Process p : CHILDREN) {
            try {
                if (!p.waitFor(10, TimeUnit.SECONDS)) {
                    p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                p.destroyForcibly();
            }
            CHILDREN.remove(p);
        }
        for (Path dir : TEMP_DIRS) {
            deleteTree(dir);
        }
        TEMP_DIRS.clear();
    }

    static void deleteTree(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // already gone
        }
    }
}
