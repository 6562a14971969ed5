package app.hearth.gateway.metrics;

import app.hearth.booking.account.AccountProblems;
import app.hearth.platform.problem.ProblemException;
import app.hearth.room.RoomHub;
import app.hearth.room.RoomMetrics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.VertxOptions;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.openapi.router.RouterBuilder;
import io.vertx.micrometer.Label;
import io.vertx.micrometer.Match;
import io.vertx.micrometer.MatchType;
import io.vertx.micrometer.MetricsDomain;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MicrometerMetricsOptions;
import io.vertx.micrometer.VertxPrometheusOptions;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.function.ToDoubleFunction;

/**
 * Every meter Hearth defines, in one place (docs/adr/0025), on one registry per node: Vert.x's own
 * HTTP, event-bus, pool and JVM figures join it through {@link #configure(VertxOptions)}.
 *
 * <p>Label rules: a label value comes from a fixed set (an event kind, a problem type's slug, an
 * outcome, a bridge's position in the configuration, an HTTP route <em>pattern</em>), never from
 * a request (no raw paths, no person, room or appointment ids, no bridge URLs).
 */
public final class HearthMetrics implements RoomMetrics {

    /** Histogram buckets of room fan-out and roster pushes: a few per decade, 0.5 ms to 2.5 s (plus +Inf). */
    private static final Duration[] ROOM_BUCKETS = millis(0.5, 1, 2.5, 5, 10, 25, 50, 100, 250, 500, 1000, 2500);
    /** Histogram buckets of bridge allocations (HTTP round trips to a bridge): 5 ms to 10 s. */
    private static final Duration[] BRIDGE_BUCKETS = millis(5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000);

    private final MeterRegistry registry;
    /** hearth.room.fanout by event kind (a handful of kinds, all Hearth's own). */
    private final java.util.concurrent.ConcurrentMap<String, Timer> fanoutTimers = new java.util.concurrent.ConcurrentHashMap<>();
    private final Optional<PrometheusMeterRegistry> prometheus;
    /** Unique per node: Vert.x keeps backend registries by name, and tests run several nodes in one JVM. */
    private final String registryName = "hearth-" + app.hearth.platform.logging.RequestIds.generate();

    private HearthMetrics(MeterRegistry registry, Optional<PrometheusMeterRegistry> prometheus) {
        this.registry = registry;
        this.prometheus = prometheus;
    }

    /** Meters kept for the management port's {@code /metrics}. */
    public static HearthMetrics prometheus() {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        return new HearthMetrics(registry, Optional.of(registry));
    }

    /** The management port is off: meters cost nothing and go nowhere (an empty composite registry). */
    public static HearthMetrics none() {
        return new HearthMetrics(new CompositeMeterRegistry(), Optional.empty());
    }

    public MeterRegistry registry() {
        return registry;
    }

    public boolean enabled() {
        return prometheus.isPresent();
    }

    /** The Prometheus text exposition of every meter of this node. */
    public String scrape() {
        return prometheus.map(PrometheusMeterRegistry::scrape).orElse("");
    }

    // ------------------------------------------------------------------ Vert.x

    /**
     * Vert.x's metrics on this registry, when enabled. Labels: HTTP method, status code and route
     * pattern (never the path); event-bus address (Hearth's fixed addresses; the per-node circle-media
     * request addresses collapse into one value) and side; pool type and name.
     */
    public VertxOptions configure(VertxOptions options) {
        if (!enabled()) {
            return options;
        }
        MicrometerMetricsOptions metrics = new MicrometerMetricsOptions()
                .setEnabled(true)
                .setRegistryName(registryName)
                .setJvmMetricsEnabled(true)
                .setPrometheusOptions(new VertxPrometheusOptions().setEnabled(true))
                .setLabels(EnumSet.of(Label.HTTP_METHOD, Label.HTTP_CODE, Label.HTTP_ROUTE, Label.EB_ADDRESS, Label.EB_SIDE,
                        Label.POOL_TYPE, Label.POOL_NAME))
                .addLabelMatch(new Match().setDomain(MetricsDomain.EVENT_BUS).setLabel(Label.EB_ADDRESS.toString())
                        .setType(MatchType.REGEX).setValue(java.util.regex.Pattern.quote(
                                app.hearth.protocol.EventBusAddresses.CIRCLE_MEDIA_REQUESTS_PREFIX) + ".*")
                        .setAlias(app.hearth.protocol.EventBusAddresses.CIRCLE_MEDIA_REQUESTS_PREFIX + "*"));
        return options.setMetricsOptions(metrics);
    }

    /** The factory to build Vert.x with (null when disabled: no metrics SPI at all). */
    public MicrometerMetricsFactory vertxFactory() {
        return enabled() ? new MicrometerMetricsFactory(registry) : null;
    }

    // ------------------------------------------------------------------ live rooms

    /** Gauges of this node's live rooms, and the hub's fan-out and roster timings. */
    public void bindRooms(RoomHub rooms) {
        gauge("hearth.room.sockets.open", "Open room WebSocket connections on this node", rooms, RoomHub::openConnections);
        gauge("hearth.rooms.live", "Rooms with at least one connection on this node", rooms, RoomHub::liveRooms);
        gauge("hearth.room.people.waiting", "Connections on this node waiting to be let into a room", rooms,
                RoomHub::peopleWaiting);
        rooms.observe(this);
    }

    /** The email outbox's backlog (issue 15): due messages not yet sent, counted every 15 s by the mailer. */
    public void bindMail(app.hearth.gateway.mail.Mailer mailer, io.vertx.core.Vertx vertx) {
        if (!enabled()) {
            return;
        }
        mailer.watchBacklog(vertx, java.time.Duration.ofSeconds(15));
        gauge("hearth.mail.outbox.backlog", "Email messages due and not yet sent (grows while the SMTP server is down)", mailer,
                m -> Math.max(0, m.backlog()));
    }

    @Override
    public void delivered(String kind, Duration sinceSent) {
        // once per delivery (every recipient of every chat line): the timer is looked up in a map of its
        // own, not built and registered each time (that was 3.5 % of the node's CPU under load)
        fanoutTimers.computeIfAbsent(kind == null ? "unknown" : kind, k -> Timer.builder("hearth.room.fanout")
                .description("From a room event's publish to its delivery to each local connection")
                .tag("kind", k)
                .serviceLevelObjectives(ROOM_BUCKETS)
                .register(registry)).record(sinceSent);
    }

    @Override
    public void rosterPushed(Duration sinceChange) {
        Timer.builder("hearth.room.roster.push")
                .description("From a room change's publish to its roster going out to this node's connections in the room")
                .serviceLevelObjectives(ROOM_BUCKETS)
                .register(registry).record(sinceChange);
    }

    // ------------------------------------------------------------------ bookings and sign-in

    /**
     * Counts outcomes of booking and sign-in: a handler ahead of each operation's own (call before
     * the APIs mount theirs) that looks at the answer as its headers go out. Counting then, not at the
     * response's end, means the count has moved before the client can read the answer: a scrape right
     * after a refused sign-in sees it (CI once scraped between the 401 and an end handler). Refusals
     * are labelled with the problem type's slug, a fixed set.
     */
    public void observe(RouterBuilder builder) {
        builder.getRoute("bookAppointment").addHandler(ctx -> {
            ctx.addHeadersEndHandler(v -> {
                if (ctx.response().getStatusCode() / 100 == 2) {
                    Counter.builder("hearth.bookings").description("Appointments booked").register(registry).increment();
                } else {
                    Counter.builder("hearth.booking.refusals").description("Booking requests refused, by problem type")
                            .tag("problem", problem(ctx)).register(registry).increment();
                }
            });
            ctx.next();
        });
        builder.getRoute("login").addHandler(ctx -> {
            ctx.addHeadersEndHandler(v -> {
                if (ctx.response().getStatusCode() / 100 != 2) {
                    Counter.builder("hearth.signin.failures").description("Sign-ins refused, by problem type")
                            .tag("problem", problem(ctx)).register(registry).increment();
                }
            });
            ctx.next();
        });
    }

    /** The problem type's slug of a refused request, from the failure (or the status when there is none). */
    static String problem(RoutingContext ctx) {
        Throwable failure = ctx.failure();
        if (failure instanceof ProblemException p) {
            return p.type().slug();
        }
        if (failure instanceof AccountProblems.RetryLater) {
            return AccountProblems.TOO_MANY_ATTEMPTS.slug();
        }
        return "http-" + ctx.response().getStatusCode();
    }

    // ------------------------------------------------------------------ bridges

    /**
     * Health and load of each configured bridge, labelled by its position in {@code HEARTH_JVB_URLS}
     * (0, 1, …), never its URL, which may carry credentials or internal names.
     */
    public void bindBridges(List<app.hearth.signaling.colibri.Bridge> bridges) {
        for (int i = 0; i < bridges.size(); i++) {
            app.hearth.signaling.colibri.Bridge bridge = bridges.get(i);
            Gauge.builder("hearth.bridge.up", bridge, b -> b.healthy() ? 1 : 0).strongReference(true)
                    .description("1 while the bridge is in use (its health checks and requests succeed)")
                    .tag("bridge", Integer.toString(i)).register(registry);
            Gauge.builder("hearth.bridge.endpoints", bridge, b -> b.endpoints()).strongReference(true)
                    .description("Endpoints Hearth has allocated on the bridge")
                    .tag("bridge", Integer.toString(i)).register(registry);
        }
    }

    /** One endpoint allocation (a participant joining a circle's video) and how it ended. */
    public void bridgeAllocation(String bridge, String outcome, Duration took) {
        Timer.builder("hearth.bridge.allocation").description("Allocating a participant's endpoint on a bridge")
                .tag("bridge", bridge).tag("outcome", outcome)
                .serviceLevelObjectives(BRIDGE_BUCKETS)
                .register(registry).record(took);
    }

    private static Duration[] millis(double... values) {
        return java.util.Arrays.stream(values).mapToObj(v -> Duration.ofNanos((long) (v * 1_000_000))).toArray(Duration[]::new);
    }

    private <T> void gauge(String name, String description, T target, ToDoubleFunction<T> value) {
        Gauge.builder(name, target, value).description(description).strongReference(true).register(registry);
    }
}
