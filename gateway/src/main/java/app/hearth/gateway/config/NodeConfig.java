package app.hearth.gateway.config;

import app.hearth.platform.config.ConfigException;
import app.hearth.platform.config.Settings;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Everything one node is told at start-up, typed and checked once. Each default is commented where
 * it is set; README.md lists the keys. Domain code never sees this class: the node hands each
 * service the few values it needs.
 */
public record NodeConfig(
        Mode mode,
        Http http,
        Path dataDirectory,
        StoreSettings store,
        Cluster cluster,
        Jwt jwt,
        Accounts accounts,
        Rooms rooms,
        Media media,
        Optional<Path> careKeysetFile,
        boolean demoSeed,
        boolean demoBookNow,
        Mail mail,
        Observability observability,
        MailTriggers mailTriggers, Optional<app.hearth.gateway.operator.OperatorToken> operatorToken) {

    /** {@code production} adds the start-up refusals of {@link #problemsForProduction()}. */
    public enum Mode { DEVELOPMENT, PRODUCTION }

    /**
     * @param maxBodyBytes   requests with a larger body get 413 before anything reads them
     * @param trustForwarded take the client's address from X-Forwarded-For (only behind a proxy that sets it)
     */
    public record Http(String host, int port, String publicBaseUrl, long maxBodyBytes, boolean trustForwarded) {
    }

    /**
     * @param mongoUri empty for the embedded default; {@code embeddedPort} 0 picks a free port
     * @param timeout  the longest any one wait on the store may take (default 5 s): a store that does
     *                 not answer in time gets the request a 503 with Retry-After, not a hang
     */
    public record StoreSettings(Optional<String> mongoUri, String database, int embeddedPort, Duration timeout) {
        public boolean embedded() {
            return mongoUri.isEmpty();
        }
    }

    /**
     * @param members              TCP/IP join list (host:port); on one machine, loopback addresses
     * @param kubernetesService    when set, Hazelcast finds members through this headless service instead
     */
    public record Cluster(boolean enabled, String name, String host, int port, List<String> members,
                          Optional<String> kubernetesService) {
    }

    /** @param privateKeyFile with {@code publicKeyFile}: operator-provided keys; empty means generate into the data directory */
    public record Jwt(Optional<Path> privateKeyFile, Optional<Path> publicKeyFile, String issuer, String audience,
                      Duration accessTokenTtl) {
    }

    public record Accounts(Duration refreshTokenTtl, Duration setPasswordTtl, int failedLoginsPerAccount,
                           int loginsPerAddress, Duration loginWindow) {
    }

    /**
     * Live rooms. Defaults: a room stays open 15 minutes after its appointment's end; a dropped
     * connection keeps its seat 8 s; a connection silent for 8 s (pinged once silent for 4 s) is taken
     * for dead within 9 s (shown reconnecting), so a vanished browser is gone from every roster within
     * about 17 s (docs/adr/0028). A resting connection (in no room, watching no lobby: a dashboard's
     * socket for care alerts) is pinged after 25 s of silence and taken for dead after 60 s: no roster
     * depends on it, and 20,000 of them must cost little (docs/adr/0031).
     */
    public record Rooms(Duration closeGrace, Duration reconnectGrace, Duration idleTimeout, Duration pingInterval,
                        Duration restingIdleTimeout, Duration restingPingInterval, int maxMessageBytes, int messagesPerSecond) {
    }

    /**
     * Media for video rooms. Without TURN, people behind strict NATs cannot connect; production
     * should set TURN URLs and the shared secret of a coturn with use-auth-secret (infra/coturn).
     *
     * @param turnSecret  the coturn static-auth-secret; credentials are minted per person and room
     * @param turnTtl     how long a minted TURN credential works (default 1 h; a session re-asks)
     */
    public record Media(List<String> stunUrls, List<String> turnUrls, Optional<String> turnSecret, Duration turnTtl,
                        app.hearth.signaling.colibri.BridgeConfig bridges) {
    }

    /**
     * Email (issue 15, docs/adr/0024). {@code smtp} empty: no HEARTH_SMTP_HOST, so development mode
     * sends to the embedded SMTP server and production queues mail until a server is configured.
     */
    public record Mail(Optional<app.hearth.notify.SmtpSettings> smtp, String from, app.hearth.notify.SenderSettings sender,
                       Duration pruneAfter, Duration pruneInterval) {
    }

    /**
     * The mail that is not an answer to a request (issue 15, docs/adr/0030).
     *
     * @param waitingDelay how long a patient waits while their therapist has no Hearth page open before
     *                     the therapist is emailed (HEARTH_MAIL_WAITING_DELAY, default 1 minute)
     * @param measureScan  how often a node looks for questionnaires that fell due, to email the patient
     *                     (HEARTH_MAIL_MEASURE_SCAN, default 15 minutes; the first look one interval after start)
     * @param noticeSweep  how often a node replays booking changes whose mail may have been lost
     *                     (HEARTH_MAIL_NOTICE_SWEEP, default 30 seconds; docs/adr/0024, addendum "Pending notices")
     */
    public record MailTriggers(Duration waitingDelay, Duration measureScan, Duration noticeSweep) {

        /** With the default notice sweep (30 s). */
        public MailTriggers(Duration waitingDelay, Duration measureScan) {
            this(waitingDelay, measureScan, Duration.ofSeconds(30));
        }
    }

    /**
     * Metrics and logs (docs/adr/0025). {@code /metrics} is served on a management port of its own,
     * never on the public one; loopback by default, like the node itself.
     *
     * @param managementEnabled off: no management port and no Vert.x metrics at all
     * @param managementPort    0 picks a free port (tests)
     * @param logFormat         text lines (default) or one JSON object per line (logstash-logback-encoder)
     */
    public record Observability(boolean managementEnabled, String managementHost, int managementPort, LogFormat logFormat) {
    }

    /** {@code HEARTH_LOG_FORMAT}: {@code text} or {@code json}. */
    public enum LogFormat { TEXT, JSON }

    public static NodeConfig from(Settings s) {
        Mode mode = switch (s.get("HEARTH_MODE", "development").toLowerCase()) {
            case "development", "dev" -> Mode.DEVELOPMENT;
            case "production", "prod" -> Mode.PRODUCTION;
            default -> throw new ConfigException("HEARTH_MODE must be development or production");
        };
        int port = s.getInt("HEARTH_HTTP_PORT", 8080);
        // Loopback by default: the embedded default has demo accounts and should not be on the network.
        String host = s.get("HEARTH_HTTP_HOST", "127.0.0.1");
        String publicBaseUrl = s.get("HEARTH_PUBLIC_BASE_URL", "http://localhost:" + port);
        try {
            URI uri = URI.create(publicBaseUrl);
            if (uri.getScheme() == null || uri.getHost() == null) {
                throw new IllegalArgumentException();
            }
        } catch (IllegalArgumentException e) {
            throw new ConfigException("HEARTH_PUBLIC_BASE_URL must be an absolute URL such as https://clinic.example");
        }
        Http http = new Http(host, port, publicBaseUrl, s.getInt("HEARTH_MAX_BODY_BYTES", 64 * 1024),
                s.getBoolean("HEARTH_TRUST_FORWARDED", false));

        Optional<String> mongoUri = s.get("MONGO_URI");
        StoreSettings store = new StoreSettings(mongoUri, s.get("HEARTH_MONGO_DATABASE", "hearth"),
                s.getInt("HEARTH_EMBEDDED_MONGO_PORT", 0),
                s.getDuration("HEARTH_STORE_TIMEOUT", app.hearth.platform.store.Store.DEFAULT_TIMEOUT));
        if (store.timeout().isNegative() || store.timeout().isZero()) {
            throw new ConfigException("HEARTH_STORE_TIMEOUT must be a positive duration such as PT5S");
        }

        int clusterPort = s.getInt("HEARTH_CLUSTER_PORT", 5701);
        String clusterHost = s.get("HEARTH_CLUSTER_HOST", "127.0.0.1");
        List<String> members = new ArrayList<>(Arrays.stream(s.get("HEARTH_CLUSTER_MEMBERS", "").split(","))
                .map(String::trim).filter(m -> !m.isEmpty()).toList());
        if (members.isEmpty()) {
            members.add(clusterHost + ":" + clusterPort); // a one-member cluster: this node only
        }
        Cluster cluster = new Cluster(s.getBoolean("HEARTH_CLUSTER_ENABLED", true), s.get("HEARTH_CLUSTER_NAME", "hearth"),
                clusterHost, clusterPort, List.copyOf(members), s.get("HEARTH_CLUSTER_KUBERNETES_SERVICE"));

        Optional<Path> privateKey = s.get("HEARTH_JWT_PRIVATE_KEY_FILE").map(Path::of);
        Optional<Path> publicKey = s.get("HEARTH_JWT_PUBLIC_KEY_FILE").map(Path::of);
        if (privateKey.isPresent() != publicKey.isPresent()) {
            throw new ConfigException("Set both HEARTH_JWT_PRIVATE_KEY_FILE and HEARTH_JWT_PUBLIC_KEY_FILE, or neither");
        }
        Jwt jwt = new Jwt(privateKey, publicKey, s.get("HEARTH_JWT_ISSUER", publicBaseUrl),
                s.get("HEARTH_JWT_AUDIENCE", "hearth-api"),
                s.getDuration("HEARTH_ACCESS_TOKEN_TTL", Duration.ofMinutes(15)));

        Accounts accounts = new Accounts(
                s.getDuration("HEARTH_REFRESH_TOKEN_TTL", Duration.ofHours(12)),
                s.getDuration("HEARTH_SET_PASSWORD_TTL", Duration.ofHours(24)),
                s.getInt("HEARTH_LOGIN_FAILURES_PER_ACCOUNT", 5),
                s.getInt("HEARTH_LOGINS_PER_ADDRESS", 30),
                s.getDuration("HEARTH_LOGIN_WINDOW", Duration.ofMinutes(15)));

        Duration idleTimeout = s.getDuration("HEARTH_WS_IDLE_TIMEOUT", Duration.ofSeconds(8));
        Duration pingInterval = s.getDuration("HEARTH_WS_PING_INTERVAL", Duration.ofSeconds(4));
        Rooms rooms = new Rooms(
                s.getDuration("HEARTH_ROOM_CLOSE_GRACE", Duration.ofMinutes(15)),
                s.getDuration("HEARTH_ROOM_RECONNECT_GRACE", Duration.ofSeconds(8)),
                idleTimeout,
                pingInterval,
                // never quicker than a connection in a room, whatever those are set to
                s.getDuration("HEARTH_WS_RESTING_IDLE_TIMEOUT", max(Duration.ofSeconds(60), idleTimeout)),
                s.getDuration("HEARTH_WS_RESTING_PING_INTERVAL", max(Duration.ofSeconds(25), pingInterval)),
                s.getInt("HEARTH_WS_MAX_MESSAGE_BYTES", 72 * 1024),
                s.getInt("HEARTH_WS_MESSAGES_PER_SECOND", 20));
        if (rooms.idleTimeout().compareTo(rooms.pingInterval()) <= 0) {
            throw new ConfigException("HEARTH_WS_IDLE_TIMEOUT must be longer than HEARTH_WS_PING_INTERVAL");
        }
        if (rooms.restingIdleTimeout().compareTo(rooms.restingPingInterval()) <= 0
                || rooms.restingPingInterval().compareTo(rooms.pingInterval()) < 0) {
            throw new ConfigException("HEARTH_WS_RESTING_IDLE_TIMEOUT must be longer than HEARTH_WS_RESTING_PING_INTERVAL, "
                    + "which must be at least HEARTH_WS_PING_INTERVAL");
        }

        Media media = new Media(list(s.get("HEARTH_STUN_URLS", "")), list(s.get("HEARTH_TURN_URLS", "")),
                s.get("HEARTH_TURN_SECRET"), s.getDuration("HEARTH_TURN_TTL", Duration.ofHours(1)),
                app.hearth.signaling.colibri.BridgeConfig.from(s));
        if (!media.turnUrls().isEmpty() && media.turnSecret().filter(x -> x.length() >= 16).isEmpty()) {
            throw new ConfigException("HEARTH_TURN_URLS needs HEARTH_TURN_SECRET (the coturn static-auth-secret, 16+ characters)");
        }

        // The demo clinic belongs to the embedded default only.
        boolean demoSeed = s.getBoolean("HEARTH_DEMO_SEED", store.embedded() && mode == Mode.DEVELOPMENT);
        // The first run (issue 14): the demo's Dr. Okafor bookable around the clock without notice, so
        // a newcomer books and joins a room within minutes. Tests turn it off to keep office hours.
        boolean demoBookNow = demoSeed && s.getBoolean("HEARTH_DEMO_BOOK_NOW", true);
        // The AEAD keyset that seals clinical text at rest (docs/adr/0016); generated into the data
        // directory when unset, which production refuses.
        Optional<Path> careKeyset = s.get("HEARTH_CARE_KEYSET_FILE").map(Path::of);
        NodeConfig config = new NodeConfig(mode, http, Path.of(s.get("HEARTH_DATA_DIR", "./data")), store, cluster, jwt,
                accounts, rooms, media, careKeyset, demoSeed, demoBookNow, mail(s, publicBaseUrl),
                observability(s, http), mailTriggers(s),
                operatorToken(s, s.getBoolean("HEARTH_MANAGEMENT_ENABLED", true)));
        if (mode == Mode.PRODUCTION) {
            List<String> problems = config.problemsForProduction();
            if (!problems.isEmpty()) {
                throw new ConfigException("Production mode refuses to start:\n  - " + String.join("\n  - ", problems));
            }
        }
        return config;
    }

    /** HEARTH_SMTP_* and HEARTH_MAIL_*: where mail goes and how often each node works the outbox. */
    private static Mail mail(Settings s, String publicBaseUrl) {
        String from = s.get("HEARTH_SMTP_FROM", "hearth@" + URI.create(publicBaseUrl).getHost());
        if (!from.matches("[^@\\s<>]+@[^@\\s<>]+")) {
            throw new ConfigException("HEARTH_SMTP_FROM must be a bare address such as hearth@clinic.example");
        }
        Optional<app.hearth.notify.SmtpSettings> smtp = s.get("HEARTH_SMTP_HOST").filter(h -> !h.isBlank()).map(host -> {
            app.hearth.notify.SmtpSettings.StartTls startTls;
            try {
                startTls = app.hearth.notify.SmtpSettings.StartTls.valueOf(s.get("HEARTH_SMTP_STARTTLS", "REQUIRED").toUpperCase());
            } catch (IllegalArgumentException e) {
                throw new ConfigException("HEARTH_SMTP_STARTTLS must be DISABLED, OPTIONAL or REQUIRED");
            }
            boolean ssl = s.getBoolean("HEARTH_SMTP_SSL", false);
            return new app.hearth.notify.SmtpSettings(host, s.getInt("HEARTH_SMTP_PORT", ssl ? 465 : 587), startTls, ssl,
                    s.get("HEARTH_SMTP_USERNAME"), s.get("HEARTH_SMTP_PASSWORD"), from);
        });
        app.hearth.notify.SenderSettings sender = new app.hearth.notify.SenderSettings(
                s.getDuration("HEARTH_MAIL_POLL_INTERVAL", Duration.ofSeconds(2)),
                s.getDuration("HEARTH_MAIL_LEASE", Duration.ofMinutes(2)),
                s.getDuration("HEARTH_MAIL_RETRY_BASE", Duration.ofSeconds(30)),
                s.getDuration("HEARTH_MAIL_RETRY_MAX", Duration.ofMinutes(15)));
        if (sender.pollInterval().isNegative() || sender.pollInterval().isZero() || sender.retryBase().isZero()
                || sender.retryBase().isNegative() || sender.lease().compareTo(Duration.ofSeconds(1)) < 0) {
            throw new ConfigException("HEARTH_MAIL_POLL_INTERVAL and HEARTH_MAIL_RETRY_BASE must be positive, HEARTH_MAIL_LEASE at least PT1S");
        }
        // sent mail (and withdrawn, expired, suppressed) is deleted after this (docs/adr/0029)
        Duration pruneAfter = s.getDuration("HEARTH_MAIL_PRUNE_AFTER", Duration.ofDays(30));
        Duration pruneInterval = s.getDuration("HEARTH_MAIL_PRUNE_INTERVAL", Duration.ofHours(1));
        if (pruneAfter.compareTo(Duration.ofMinutes(1)) < 0 || pruneInterval.compareTo(Duration.ofMillis(100)) < 0) {
            throw new ConfigException("HEARTH_MAIL_PRUNE_AFTER must be at least PT1M and HEARTH_MAIL_PRUNE_INTERVAL at least PT0.1S");
        }
        return new Mail(smtp, from, sender, pruneAfter, pruneInterval);
    }

    /** HEARTH_MAIL_WAITING_DELAY and HEARTH_MAIL_MEASURE_SCAN (issue 15). */
    private static MailTriggers mailTriggers(Settings s) {
        MailTriggers t = new MailTriggers(s.getDuration("HEARTH_MAIL_WAITING_DELAY", Duration.ofMinutes(1)),
                s.getDuration("HEARTH_MAIL_MEASURE_SCAN", Duration.ofMinutes(15)),
                s.getDuration("HEARTH_MAIL_NOTICE_SWEEP", Duration.ofSeconds(30)));
        if (t.noticeSweep().compareTo(Duration.ofMillis(500)) < 0) {
            throw new ConfigException("HEARTH_MAIL_NOTICE_SWEEP must be at least PT0.5S");
        }
        if (t.waitingDelay().compareTo(Duration.ofMillis(500)) < 0 || t.measureScan().compareTo(Duration.ofMillis(500)) < 0) {
            throw new ConfigException("HEARTH_MAIL_WAITING_DELAY and HEARTH_MAIL_MEASURE_SCAN must be at least PT0.5S");
        }
        return t;
    }

    /** The management port (Prometheus' usual 9464, loopback) and the log format; docs/adr/0025. */
    private static Observability observability(Settings s, Http http) {
        int managementPort = s.getInt("HEARTH_MANAGEMENT_PORT", 9464);
        if (managementPort < 0 || managementPort > 65535) {
            throw new ConfigException("HEARTH_MANAGEMENT_PORT must be a port number (0 picks a free one)");
        }
        boolean enabled = s.getBoolean("HEARTH_MANAGEMENT_ENABLED", true);
        if (enabled && managementPort != 0 && managementPort == http.port()) {
            throw new ConfigException("HEARTH_MANAGEMENT_PORT must differ from HEARTH_HTTP_PORT: /metrics is never served publicly");
        }
        return new Observability(enabled, s.get("HEARTH_MANAGEMENT_HOST", "127.0.0.1"), managementPort, logFormat(s));
    }

    /** {@code HEARTH_LOG_FORMAT} alone: the jar reads it before anything logs, so that even the first line has the format. */
    public static LogFormat logFormat(Settings s) {
        return switch (s.get("HEARTH_LOG_FORMAT", "text").trim().toLowerCase(java.util.Locale.ROOT)) {
            case "text" -> LogFormat.TEXT;
            case "json" -> LogFormat.JSON;
            default -> throw new ConfigException("HEARTH_LOG_FORMAT must be text or json");
        };
    }

    /**
     * {@code HEARTH_OPERATOR_TOKEN}: the operator's secret for creating clinics on the management
     * port (docs/adr/0027); unset, the operator endpoints do not exist. Only its digest is kept.
     */
    private static Optional<app.hearth.gateway.operator.OperatorToken> operatorToken(Settings s, boolean managementEnabled) {
        Optional<String> secret = s.get("HEARTH_OPERATOR_TOKEN").map(String::strip).filter(t -> !t.isEmpty());
        if (secret.isEmpty()) {
            return Optional.empty();
        }
        if (secret.get().length() < app.hearth.gateway.operator.OperatorToken.MIN_LENGTH) {
            throw new ConfigException("HEARTH_OPERATOR_TOKEN must be at least "
                    + app.hearth.gateway.operator.OperatorToken.MIN_LENGTH + " characters (openssl rand -hex 32)");
        }
        if (!managementEnabled) {
            throw new ConfigException("HEARTH_OPERATOR_TOKEN needs the management port: unset HEARTH_MANAGEMENT_ENABLED=false");
        }
        return secret.map(app.hearth.gateway.operator.OperatorToken::of);
    }

    private static List<String> list(String commaSeparated) {
        return Arrays.stream(commaSeparated.split(",")).map(String::trim).filter(x -> !x.isEmpty()).toList();
    }

    /** What production mode will not accept; each line says what to set. */
    public List<String> problemsForProduction() {
        List<String> problems = new ArrayList<>();
        if (demoSeed) {
            problems.add("demo seeding is on: set HEARTH_DEMO_SEED=false (demo accounts have a published password)");
        }
        if (jwt.privateKeyFile().isEmpty()) {
            problems.add("JWT signing keys would be generated: set HEARTH_JWT_PRIVATE_KEY_FILE and HEARTH_JWT_PUBLIC_KEY_FILE "
                    + "to one ES256 key pair shared by every node");
        }
        if (careKeysetFile.isEmpty()) {
            problems.add("the clinical-data keyset would be generated: set HEARTH_CARE_KEYSET_FILE to one Tink AEAD keyset "
                    + "(JSON) shared by every node (docs/adr/0016)");
        }
        if (!http.publicBaseUrl().startsWith("https://")) {
            problems.add("HEARTH_PUBLIC_BASE_URL is " + http.publicBaseUrl() + ": it must start with https://");
        }
        if (store.embedded()) {
            problems.add("no MONGO_URI: production needs a MongoDB replica set, not the embedded store");
        }
        return problems;
    }

    private static Duration max(Duration a, Duration b) {
        return a.compareTo(b) >= 0 ? a : b;
    }
}
