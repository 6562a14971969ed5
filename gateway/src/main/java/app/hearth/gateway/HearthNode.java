package app.hearth.gateway;

import app.hearth.booking.account.AccountPolicy;
import app.hearth.booking.account.AccountService;
import app.hearth.booking.account.CredentialRepository;
import app.hearth.booking.account.RefreshTokens;
import app.hearth.booking.account.SetPasswordTickets;
import app.hearth.booking.calendar.CalendarFeeds;
import app.hearth.booking.clinic.ClinicOnboarding;
import app.hearth.booking.clinic.ClinicRepository;
import app.hearth.booking.demo.DemoClinic;
import app.hearth.booking.people.PeopleEvents;
import app.hearth.booking.people.PeopleService;
import app.hearth.booking.people.PersonRepository;
import app.hearth.booking.schedule.BookingService;
import app.hearth.booking.schedule.DosingRecords;
import app.hearth.booking.schedule.JoinTickets;
import app.hearth.booking.schedule.ScheduleStore;
import app.hearth.booking.schedule.TimeClaims;
import app.hearth.care.CareAccess;
import app.hearth.care.aftercare.AftercareService;
import app.hearth.care.aftercare.AftercareStore;
import app.hearth.care.aftercare.DemoResources;
import app.hearth.care.measures.CareAlerts;
import app.hearth.care.measures.MeasureResponses;
import app.hearth.care.measures.MeasuresService;
import app.hearth.care.notes.NotesService;
import app.hearth.care.notes.NotesStore;
import app.hearth.care.record.CareRecordService;
import app.hearth.care.record.DemoConsents;
import app.hearth.care.record.RecordStore;
import app.hearth.fhir.FhirJson;
import app.hearth.fhir.FhirReads;
import app.hearth.gateway.auth.AccessTokens;
import app.hearth.gateway.auth.ConnectionTickets;
import app.hearth.gateway.auth.RevokedSessions;
import app.hearth.gateway.care.BusCareEvents;
import app.hearth.gateway.care.CareLive;
import app.hearth.gateway.care.LibraryPracticeCatalog;
import app.hearth.gateway.cluster.ClusterFactory;
import app.hearth.gateway.config.NodeConfig;
import app.hearth.gateway.fhir.FhirApi;
import app.hearth.gateway.http.ApiContract;
import app.hearth.gateway.http.HttpVerticle;
import app.hearth.gateway.http.NodeServices;
import app.hearth.gateway.http.Readiness;
import app.hearth.gateway.logging.LogFormat;
import app.hearth.gateway.mail.MailTriggers;
import app.hearth.gateway.mail.Mailer;
import app.hearth.gateway.mail.MailingCareEvents;
import app.hearth.gateway.metrics.HearthMetrics;
import app.hearth.gateway.metrics.ManagementServer;
import app.hearth.gateway.operator.OperatorApi;
import app.hearth.gateway.rooms.BookingRoomDirectory;
import app.hearth.gateway.rooms.ConfiguredMediaPlan;
import app.hearth.gateway.rooms.SessionSockets;
import app.hearth.notify.CalendarThreads;
import app.hearth.notify.ClinicMailSettings;
import app.hearth.notify.MailNotifications;
import app.hearth.notify.Outbox;
import app.hearth.platform.audit.AuditLog;
import app.hearth.platform.config.ConfigException;
import app.hearth.platform.security.FieldCipher;
import app.hearth.platform.security.PasswordHasher;
import app.hearth.platform.security.SigningKeys;
import app.hearth.platform.store.Blocking;
import app.hearth.platform.store.ClusterTurns;
import app.hearth.platform.store.EmbeddedMongoServer;
import app.hearth.platform.store.Store;
import app.hearth.protocol.EventBusAddresses;
import app.hearth.protocol.ws.WsSchema;
import app.hearth.room.RoomConfig;
import app.hearth.room.RoomHub;
import app.hearth.room.RoomRecords;
import app.hearth.room.exercise.ExerciseConductor;
import app.hearth.room.exercise.ExerciseStates;
import app.hearth.room.exercise.HazelcastExerciseStates;
import app.hearth.room.exercise.InMemoryExerciseStates;
import app.hearth.room.library.AudioStore;
import app.hearth.room.library.ExerciseLibrary;
import app.hearth.room.library.StarterLibrary;
import app.hearth.room.presence.HazelcastLiveConnections;
import app.hearth.room.presence.HazelcastPresenceStore;
import app.hearth.room.presence.InMemoryPresenceStore;
import app.hearth.room.presence.LiveConnections;
import app.hearth.room.presence.PresenceStore;
import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.cluster.MembershipListener;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import io.vertx.core.impl.cpu.CpuCoreSensor;
import io.vertx.core.json.JsonObject;
import io.vertx.openapi.contract.OpenAPIContract;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Hearth node: the store (embedded or MONGO_URI), the Vert.x cluster, the node's services and
 * its HTTP verticles. {@link #start} blocks until the node serves requests or has failed cleanly.
 */
public final class HearthNode implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(HearthNode.class);
    /** A readiness probe answers within this (or the store timeout, when shorter), UP or DOWN. */
    private static final java.time.Duration READINESS_TIMEOUT = java.time.Duration.ofMillis(1500);
    private static final java.time.Duration STORE_STARTUP_PATIENCE = java.time.Duration.ofSeconds(30);

    private final NodeConfig config;
    private final Vertx vertx;
    private final Store store;
    private final EmbeddedMongoServer embedded;
    private final boolean seededDemo;
    private final int httpPort;
    private final RoomHub rooms;
    /** Email (issue 15): this node's outbox sender and embedded SMTP server; closed before Vert.x. */
    private final Mailer mailer;
    /** Mail no request asks for (patient waiting, measure due, distress); stopped before Vert.x. */
    private final MailTriggers mailTriggers;
    /** The management port's (metrics) actual port; empty when it is off (docs/adr/0025). */
    private final OptionalInt managementPort;

    private HearthNode(NodeConfig config, Vertx vertx, Store store, EmbeddedMongoServer embedded, boolean seededDemo,
                       int httpPort, RoomHub rooms, OptionalInt managementPort, Mailer mailer, MailTriggers mailTriggers) {
        this.mailTriggers = mailTriggers;
        this.rooms = rooms;
        this.mailer = mailer;
        this.managementPort = managementPort;
        this.config = config;
        this.vertx = vertx;
        this.store = store;
        this.embedded = embedded;
        this.seededDemo = seededDemo;
        this.httpPort = httpPort;
    }

    public static HearthNode start(NodeConfig config) {
        Instant started = Instant.now();
        EmbeddedMongoServer embedded = null;
        Store store = null;
        Vertx vertx = null;
        Mailer mailer = null;
        MailTriggers mailTriggers = null;
        try {
            // text or JSON lines with the request id (docs/adr/0025), before the node logs anything
            LogFormat.apply(config.observability().logFormat());
            Files.createDirectories(config.dataDirectory());
            String mongoUri;
            if (config.store().embedded()) {
                embedded = EmbeddedMongoServer.start(config.dataDirectory(), config.store().embeddedPort());
                mongoUri = embedded.connectionString();
            } else {
                mongoUri = config.store().mongoUri().orElseThrow();
            }
            store = Store.connect(mongoUri, config.store().database(), config.store().timeout());
            awaitStore(store);

            SigningKeys keys = config.jwt().privateKeyFile().isPresent()
                    ? SigningKeys.read(config.jwt().privateKeyFile().get(), config.jwt().publicKeyFile().orElseThrow())
                    : SigningKeys.loadOrGenerate(config.dataDirectory());

            // Clinical text is sealed with this before it reaches the store (docs/adr/0016).
            FieldCipher cipher = config.careKeysetFile().isPresent()
                    ? FieldCipher.read(config.careKeysetFile().get())
                    : FieldCipher.loadOrGenerate(config.dataDirectory());

            PersonRepository people = new PersonRepository(store);
            AuditLog.ensureIndexesOn(store);
            people.ensureIndexes();
            SetPasswordTickets tickets = new SetPasswordTickets(store);
            tickets.ensureIndexes();
            RefreshTokens refreshTokens = new RefreshTokens(store);
            refreshTokens.ensureIndexes();
            CredentialRepository credentials = new CredentialRepository(store);
            ScheduleStore schedule = new ScheduleStore(store);
            schedule.ensureIndexes();
            TimeClaims timeClaims = new TimeClaims(store);
            timeClaims.ensureIndexes();
            JoinTickets joinTickets = new JoinTickets(store);
            joinTickets.ensureIndexes();
            PasswordHasher hasher = PasswordHasher.recommended();
            Clock clock = Clock.systemUTC();

            boolean seeded = config.demoSeed()
                    && DemoClinic.seedIfAbsent(new ClinicRepository(store), people, credentials, schedule, hasher, clock,
                    config.demoBookNow());

            Optional<HazelcastClusterManager> clusterManager = Optional.empty();
            HearthMetrics metrics = config.observability().managementEnabled()
                    ? HearthMetrics.prometheus() : HearthMetrics.none();
            vertx = await(ClusterFactory.create(config.cluster(), metrics));
            if (config.cluster().enabled()) {
                clusterManager = Optional.of((HazelcastClusterManager) ((io.vertx.core.internal.VertxInternal) vertx).clusterManager());
            }
            Vertx node = vertx;

            Blocking storeWork = Blocking.pool(vertx, "hearth-store", 16);
            // Argon2 is CPU- and memory-bound: no more hashes at once than there are cores.
            Blocking hashing = Blocking.pool(vertx, "hearth-hashing", Math.max(1, CpuCoreSensor.availableProcessors()));
            AuditLog audit = new AuditLog(store, storeWork);
            // Sessions ended early (sign-out, reused refresh token, new password): replicated to every
            // member when clustered, so each request's check is a local read (docs/adr/0013).
            RevokedSessions revokedSessions = clusterManager
                    .map(cm -> RevokedSessions.clustered(cm.getHazelcastInstance(), config.jwt().accessTokenTtl(), node.eventBus()))
                    .orElseGet(() -> RevokedSessions.inMemory(config.jwt().accessTokenTtl(), clock, node.eventBus()));
            NodeConfig.Accounts a = config.accounts();
            AccountService accounts = new AccountService(people, credentials, refreshTokens, tickets, audit, hasher,
                    storeWork, hashing, new AccountPolicy(config.http().publicBaseUrl(), a.refreshTokenTtl(),
                    a.setPasswordTtl(), a.failedLoginsPerAccount(), a.loginsPerAddress(), a.loginWindow()),
                    revokedSessions, clock);
            PeopleEvents events = person -> node.eventBus().publish(EventBusAddresses.PEOPLE_EVENTS, new JsonObject()
                    .put("clinicId", person.clinicId()).put("personId", person.id()).put("role", person.role().wire())
                    .put("change", "created"));
            // Email (issue 15, docs/adr/0024): the outbox is written on the store worker of each change.
            Outbox mailOutbox = new Outbox(store);
            mailOutbox.ensureIndexes();
            ClinicMailSettings mailSettings = new ClinicMailSettings(store);
            MailNotifications mailNotifications = new MailNotifications(people,
                    new ClinicRepository(store), mailOutbox, new CalendarThreads(store),
                    mailSettings, config.http().publicBaseUrl(), config.mail().from(), clock);
            PeopleService peopleService = new PeopleService(people, accounts, audit, storeWork, events, clock, mailNotifications);
            DosingRecords dosingRecords = new DosingRecords(store);
            dosingRecords.ensureIndexes();
            BookingService booking = new BookingService(schedule, timeClaims, joinTickets, people, audit, storeWork, clock,
                    config.rooms().closeGrace(), dosingRecords, mailNotifications);
            CalendarFeeds calendarFeeds = new CalendarFeeds(store, schedule, people, audit, storeWork, clock);
            calendarFeeds.ensureIndexes();
            AccessTokens tokens = new AccessTokens(vertx, keys, config.jwt().issuer(), config.jwt().audience(),
                    config.jwt().accessTokenTtl(), revokedSessions);
            ConnectionTickets connectionTickets = new ConnectionTickets(store, storeWork, clock);
            connectionTickets.ensureIndexes();
            StarterLibrary starter = StarterLibrary.load();
            AudioStore audioStore = new AudioStore(store, storeWork, starter);
            ExerciseLibrary library = new ExerciseLibrary(store, audioStore, storeWork, clock);
            library.ensureIndexes();
            await(library.loadStarter(starter.items()));
            RoomHub rooms = startRooms(config, vertx, clusterManager, store, storeWork, audit, joinTickets, schedule, people,
                    library, clock, metrics);
            metrics.bindRooms(rooms);
            // The course of care (issue 11). Its events leave on the clustered bus, identifiers only.
            BusCareEvents careEvents = new BusCareEvents(vertx.eventBus());
            RecordStore careRecords = new RecordStore(store, cipher);
            careRecords.ensureIndexes();
            CareAccess careAccess = new CareAccess(people);
            CareRecordService careRecord = new CareRecordService(careRecords,
                    careAccess, schedule, dosingRecords, people,
                    careEvents, audit, storeWork, clock);
            if (config.demoSeed()) {
                DemoConsents.seed(careRecord, DemoClinic.CLINIC_ID);
            }
            // Measures and safety alerts of the course of care (issue 11): REST through NodeServices,
            // live through this node's room sockets (care.watch, care.alert across the cluster).
            MailingCareEvents mailingCareEvents = new MailingCareEvents(careEvents,
                    mailNotifications, storeWork, new CareAlerts(store), people, clock);
            MeasuresService measures = new MeasuresService(store, cipher, careAccess,
                    schedule, dosingRecords, audit, storeWork, mailingCareEvents, clock);
            measures.ensureIndexes();
            // Mail no request asks for (issue 15): patient waiting, measure due, distress (docs/adr/0030).
            mailTriggers = MailTriggers.start(vertx, config.mailTriggers(), rooms, mailNotifications, measures, people,
                    audit, storeWork, new ClusterTurns(store), clock);
            await(new CareLive(vertx, rooms, measures).start());
            // Clinical notes per appointment (issue 12, docs/adr/0018): sealed like the rest of the record.
            NotesService notes = new NotesService(
                    new NotesStore(store, cipher), schedule, people, careEvents, audit, storeWork, clock);
            // The aftercare plan between sessions (issue 12): practices from the library, the clinic's resources.
            AftercareStore aftercareStore = new AftercareStore(store, cipher);
            aftercareStore.ensureIndexes();
            AftercareService aftercare = new AftercareService(aftercareStore,
                    careAccess, new LibraryPracticeCatalog(library), dosingRecords, new ClinicRepository(store),
                    people, careEvents, audit, storeWork, clock);
            if (config.demoSeed()) {
                DemoResources.seed(aftercare, DemoClinic.CLINIC_ID);
            }
            mailer = Mailer.start(config, vertx, mailOutbox, mailSettings, storeWork, audit,
                    clusterManager.map(HazelcastClusterManager::getNodeId).orElse("standalone"), clock, store, people);
            metrics.bindMail(mailer, vertx);
            SessionSockets sessionSockets = new SessionSockets();
            await(sessionSockets.start(vertx));
            // The FHIR R4 read API (issue 17, docs/adr/0026): one FHIR context for the node, made on first use.
            FhirJson fhirJson = new FhirJson();
            FhirReads fhirReads = new FhirReads(people, schedule, booking, careAccess,
                    new MeasureResponses(store, cipher), measures.instruments(), audit, storeWork, clock,
                    config.http().publicBaseUrl() + FhirApi.PREFIX);
            ApiContract apiContract = ApiContract.load();
            OpenAPIContract contract = await(apiContract.parse(vertx));
            NodeServices services = new NodeServices(accounts, peopleService, booking, calendarFeeds, audit, tokens,
                    new Readiness(store, Blocking.pool(vertx, "hearth-readiness", 1),
                            READINESS_TIMEOUT.compareTo(config.store().timeout()) < 0 ? READINESS_TIMEOUT : config.store().timeout(),
                            clusterManager, config.cluster().enabled() && config.cluster().kubernetesService().isEmpty()
                                    ? Optional.of(config.cluster().members().size()) : Optional.empty()), contract, apiContract.yaml(),
                    config.http().maxBodyBytes(), config.http().publicBaseUrl(), config.http().publicBaseUrl().startsWith("https://"),
                    config.http().trustForwarded(), connectionTickets, rooms, library, audioStore, revokedSessions,
                    sessionSockets, careRecord, measures, careEvents, notes, aftercare, mailer, metrics, fhirReads, fhirJson);

            // Time claims a crash left without their appointment would keep slots busy for nobody:
            // release them before taking requests. On the embedded store every claim written before
            // this start is from a process that is gone (a writer elsewhere would be fenced, see
            // TimeClaims); a shared store may have bookings in flight on other nodes, so only old ones.
            int orphans = await(booking.releaseOrphanClaims(config.store().embedded() ? started
                    : clock.instant().minus(BookingService.ORPHAN_CLAIM_AGE)));
            if (orphans > 0) {
                LOG.info("Released {} time claims that no appointment stood behind", orphans);
            }

            int port = config.http().port();
            if (port == 0) {
                port = freePort(); // all verticle instances must share one concrete port
            }
            int listenPort = port;
            // the bridge channel (colibri WebSockets) may live on another origin than the node's: allow it
            java.util.List<String> channelOrigins = config.media().bridges().wsPublicBase() == null ? java.util.List.of()
                    : java.util.List.of(config.media().bridges().wsPublicBase().getScheme() + "://"
                            + config.media().bridges().wsPublicBase().getRawAuthority());
            await(vertx.deployVerticle(() -> new HttpVerticle(services, config.http().host(), listenPort, channelOrigins),
                    new DeploymentOptions().setInstances(Math.max(1, CpuCoreSensor.availableProcessors()))));
            vertx.setPeriodic(60_000, id -> {
                accounts.evictIdleLimits();
                revokedSessions.evictExpired();
                booking.releaseOrphanClaims().onFailure(e -> LOG.warn("Releasing orphan time claims failed: {}", e.toString()));
            });
            // Mail a crash may have lost between a change and the outbox: booking changes are stored with
            // a notice, safety alerts with their mail marked as owed; every node replays old ones on one
            // timer (docs/adr/0024, addendum "Pending notices").
            vertx.setPeriodic(config.mailTriggers().noticeSweep().toMillis(), id -> {
                booking.replayNotices().onFailure(e -> LOG.warn("Replaying appointment notices failed: {}", e.toString()));
                mailingCareEvents.replayPending().onFailure(e -> LOG.warn("Replaying safety alert mail failed: {}", e.toString()));
            });
            OptionalInt managementPort = OptionalInt.empty();
            // The operator creates clinics on the management port when HEARTH_OPERATOR_TOKEN is set (docs/adr/0027).
            OperatorApi operatorApi = config.operatorToken().isEmpty() ? null
                    : new OperatorApi(config.operatorToken().get(),
                    new ClinicOnboarding(new ClinicRepository(store), people, accounts, audit, storeWork,
                            mailNotifications, clock));
            if (config.observability().managementEnabled()) {
                NodeConfig.Observability o = config.observability();
                try {
                    managementPort = OptionalInt.of(await(ManagementServer.start(vertx,
                            o.managementHost(), o.managementPort(), metrics, operatorApi)).actualPort());
                } catch (RuntimeException e) {
                    throw new IllegalStateException("the management port " + o.managementHost() + ":" + o.managementPort()
                            + " could not be opened (" + e.getMessage() + "): set HEARTH_MANAGEMENT_PORT to a free port, "
                            + "or HEARTH_MANAGEMENT_ENABLED=false", e);
                }
                LOG.info("Metrics at http://{}:{}/metrics (management port)", o.managementHost(), managementPort.getAsInt());
                if (operatorApi != null) {
                    LOG.info("Operator endpoints at http://{}:{}{} (management port)", o.managementHost(), managementPort.getAsInt(),
                            OperatorApi.CLINICS);
                }
            }
            vertx.eventBus().publish(EventBusAddresses.NODE_EVENTS, new JsonObject()
                    .put("nodeId", clusterManager.map(HazelcastClusterManager::getNodeId).orElse("standalone"))
                    .put("httpPort", listenPort).put("startedAt", Instant.now().toString()));
            return new HearthNode(config, vertx, store, embedded, seeded, listenPort, rooms, managementPort, mailer, mailTriggers);
        } catch (RuntimeException | IOException e) {
            if (mailTriggers != null) {
                mailTriggers.close();
            }
            if (mailer != null) {
                mailer.close();
            }
            closeQuietly(vertx, store, embedded);
            if (e instanceof ConfigException ce) {
                throw ce;
            }
            throw new IllegalStateException("Hearth could not start: " + e.getMessage(), e);
        }
    }

    public Vertx vertx() {
        return vertx;
    }

    public int httpPort() {
        return httpPort;
    }

    /** Where {@code /metrics} is served (the management port); empty when HEARTH_MANAGEMENT_ENABLED is false. */
    public OptionalInt managementPort() {
        return managementPort;
    }

    public NodeConfig config() {
        return config;
    }

    /** This node's live rooms (tests and benchmarks read its connection count and node id). */
    public RoomHub rooms() {
        return rooms;
    }

    /**
     * Live rooms: seats in the cluster's Hazelcast map (this node's memory when not clustered), and a
     * membership listener so that survivors clear a departed node's people from every roster.
     */
    private static RoomHub startRooms(NodeConfig config, Vertx vertx, Optional<HazelcastClusterManager> cluster, Store store,
                                      Blocking storeWork, AuditLog audit, JoinTickets joinTickets, ScheduleStore schedule,
                                      PersonRepository people, ExerciseLibrary library, Clock clock,
                                      HearthMetrics metrics) {
        NodeConfig.Rooms r = config.rooms();
        RoomConfig roomConfig = new RoomConfig(r.closeGrace(), r.reconnectGrace(), r.idleTimeout(), r.pingInterval(),
                RoomConfig.defaults().seatTtl().compareTo(r.reconnectGrace()) > 0 ? RoomConfig.defaults().seatTtl()
                        : r.reconnectGrace().multipliedBy(3), r.maxMessageBytes(), r.messagesPerSecond(),
                r.restingIdleTimeout(), r.restingPingInterval());
        PresenceStore presence = cluster.<PresenceStore>map(cm -> new HazelcastPresenceStore(cm.getHazelcastInstance(),
                        Blocking.pool(vertx, "hearth-presence", 8), roomConfig.seatTtl()))
                .orElseGet(() -> new InMemoryPresenceStore(roomConfig.seatTtl(), clock));
        ExerciseStates exerciseStates = cluster.<ExerciseStates>map(cm ->
                        new HazelcastExerciseStates(cm.getHazelcastInstance(),
                                Blocking.pool(vertx, "hearth-exercise", 4)))
                .orElseGet(InMemoryExerciseStates::new);
        RoomRecords records = new RoomRecords(store, storeWork);
        records.ensureIndexes();
        // Vert.x's node id, which every member carries as an attribute: unlike the Hazelcast member's
        // UUID it survives a split-brain merge (the member that merges in gets a new UUID), so seats
        // and circle drivers stay attributed to this node across one.
        String nodeId = cluster.map(HazelcastClusterManager::getNodeId).orElse("standalone");
        RoomHub hub = new RoomHub(vertx, presence, new BookingRoomDirectory(joinTickets, schedule, people, storeWork, clock),
                records, audit, roomConfig, WsSchema.load(), new ConfiguredMediaPlan(config.media(), clock, metrics),
                new ExerciseConductor(exerciseStates, library, clock), nodeId, clock);
        await(hub.start());
        // Who has a Hearth page open anywhere (issue 15, docs/adr/0030): one entry per socket, cluster-wide.
        LiveConnections live = cluster.<LiveConnections>map(cm ->
                        new HazelcastLiveConnections(cm.getHazelcastInstance(),
                                Blocking.pool(vertx, "hearth-connections", 4), nodeId,
                                () -> cm.getHazelcastInstance().getCluster().getMembers().stream()
                                        .map(ClusterFactory::nodeIdOf).collect(java.util.stream.Collectors.toSet())))
                .orElseGet(LiveConnections::inMemory);
        hub.trackConnections(live);
        vertx.setPeriodic(Math.max(1000, roomConfig.seatTtl().toMillis() / 3), id -> live.refresh());
        cluster.ifPresent(cm -> cm.getHazelcastInstance().getCluster().addMembershipListener(new MembershipListener() {
            @Override
            public void memberAdded(MembershipEvent event) {
                String joined = ClusterFactory.nodeIdOf(event.getMember());
                LOG.info("Cluster member {} joined ({} members)", joined, event.getMembers().size());
                vertx.runOnContext(v -> hub.nodeJoined(joined));
            }

            @Override
            public void memberRemoved(MembershipEvent event) {
                String departed = ClusterFactory.nodeIdOf(event.getMember());
                LOG.info("Cluster member {} left; its live-room seats are adopted and expired", departed);
                vertx.runOnContext(v -> hub.nodeLeft(departed, ClusterFactory.FAILURE_DETECTION));
                live.nodeLeft(departed);
            }
        }));
        // After a split the member that merges into the other half restarts its cluster services and
        // fires MERGED: its seats and rosters are rebuilt then (the other half sees memberAdded).
        cluster.ifPresent(cm -> cm.getHazelcastInstance().getLifecycleService().addLifecycleListener(event -> {
            if (event.getState() == com.hazelcast.core.LifecycleEvent.LifecycleState.MERGED) {
                LOG.info("The cluster merged after a split; re-asserting this node's live-room seats");
                vertx.runOnContext(v -> hub.clusterMerged());
                live.refresh();
            }
        }));
        return hub;
    }

    /**
     * At start-up the store gets longer than one operation's bound to answer (a first connection, a
     * store starting beside the node): up to {@link #STORE_STARTUP_PATIENCE}, asking again after each
     * bounded attempt; then the node refuses to start with the driver's reason.
     */
    private static void awaitStore(Store store) {
        long deadline = System.nanoTime() + STORE_STARTUP_PATIENCE.toNanos();
        while (true) {
            try {
                store.ping();
                return;
            } catch (com.mongodb.MongoTimeoutException | com.mongodb.MongoSocketException e) {
                if (System.nanoTime() > deadline) {
                    throw e;
                }
                LOG.info("Waiting for the store: {}", e.getClass().getSimpleName());
            }
        }
    }

    /** This node's email part (issue 15): the sender, and the embedded SMTP server in development. */
    public Mailer mailer() {
        return mailer;
    }

    public boolean seededDemo() {
        return seededDemo;
    }

    /** The embedded store's connection string, for a second node on this machine; empty with MONGO_URI. */
    public Optional<String> embeddedStoreUri() {
        return Optional.ofNullable(embedded).map(EmbeddedMongoServer::connectionString);
    }

    @Override
    public void close() {
        try {
            rooms.stop().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
        } catch (Exception e) {
            LOG.warn("Live rooms did not stop cleanly: {}", e.toString());
        }
        mailTriggers.close();
        mailer.close();
        closeQuietly(vertx, store, embedded);
    }

    private static void closeQuietly(Vertx vertx, Store store, EmbeddedMongoServer embedded) {
        if (vertx != null) {
            try {
                vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
            } catch (Exception e) {
                LOG.warn("Vert.x did not close cleanly: {}", e.toString());
            }
        }
        if (store != null) {
            store.close();
        }
        if (embedded != null) {
            embedded.close();
        }
    }

    private static <T> T await(io.vertx.core.Future<T> future) {
        try {
            return future.toCompletionStage().toCompletableFuture().get(120, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while starting", e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            throw cause instanceof RuntimeException re ? re : new IllegalStateException(cause.getMessage(), cause);
        } catch (TimeoutException e) {
            throw new IllegalStateException("timed out while starting", e);
        }
    }

    private static int freePort() throws IOException {
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0, 0, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
