package app.hearth.gateway.mail;

import app.hearth.gateway.config.NodeConfig;
import app.hearth.notify.EmbeddedSmtp;
import app.hearth.notify.MailSender;
import app.hearth.notify.Outbox;
import app.hearth.platform.access.Actor;
import app.hearth.platform.access.Role;
import app.hearth.platform.audit.AuditEntry;
import app.hearth.platform.audit.AuditLog;
import app.hearth.platform.problem.CommonProblems;
import app.hearth.platform.security.OpaqueTokens;
import app.hearth.platform.store.Blocking;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This node's part of email (issue 15, docs/adr/0024): its outbox sender, the embedded SMTP server
 * in development mode without HEARTH_SMTP_HOST, and the development mail page's reads. Production
 * never starts the embedded server and answers the page with 404; without HEARTH_SMTP_HOST it
 * starts no sender either, and mail waits in the outbox until a node with a server sends it.
 */
public final class Mailer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Mailer.class);

    private final Outbox outbox;
    private final Blocking store;
    private final AuditLog audit;
    private final Clock clock;
    private final boolean devPage;
    private final EmbeddedSmtp embedded;
    private final MailSender sender;
    private final app.hearth.notify.MailSettingsService settings;
    /** Each person's optional mail and unsubscribe links (docs/adr/0029). */
    private app.hearth.notify.MailPreferencesService preferences;
    private app.hearth.notify.UnsubscribeLinks links;
    private Vertx pruneVertx;
    private long pruneTimer = -1;
    /** The outbox's backlog as last counted (-1 before the first count); read by the metrics gauge. */
    private final java.util.concurrent.atomic.AtomicLong backlog = new java.util.concurrent.atomic.AtomicLong(-1);
    private Vertx backlogVertx;
    private long backlogTimer = -1;

    private Mailer(Outbox outbox, Blocking store, AuditLog audit, Clock clock, boolean devPage, EmbeddedSmtp embedded,
                   MailSender sender, app.hearth.notify.MailSettingsService settings) {
        this.settings = settings;
        this.outbox = outbox;
        this.store = store;
        this.audit = audit;
        this.clock = clock;
        this.devPage = devPage;
        this.embedded = embedded;
        this.sender = sender;
    }

    public static Mailer start(NodeConfig config, Vertx vertx, Outbox outbox, app.hearth.notify.ClinicMailSettings clinicSettings,
                               Blocking store, AuditLog audit, String nodeId, Clock clock, app.hearth.platform.store.Store db,
                               app.hearth.booking.people.PersonRepository people) {
        app.hearth.notify.MailPreferences preferences = new app.hearth.notify.MailPreferences(db);
        app.hearth.notify.UnsubscribeLinks links = new app.hearth.notify.UnsubscribeLinks(db);
        links.ensureIndexes();
        app.hearth.notify.MailPolicy policy = new app.hearth.notify.MailPolicy(preferences, links, config.http().publicBaseUrl());
        Mailer mailer = start(config, vertx, outbox, clinicSettings, store, audit, nodeId, clock, policy);
        mailer.links = links;
        mailer.preferences = new app.hearth.notify.MailPreferencesService(preferences, links, people, audit, store, clock);
        mailer.prune(vertx, config.mail().pruneAfter(), config.mail().pruneInterval());
        return mailer;
    }

    private static Mailer start(NodeConfig config, Vertx vertx, Outbox outbox, app.hearth.notify.ClinicMailSettings clinicSettings,
                                Blocking store, AuditLog audit, String nodeId, Clock clock, app.hearth.notify.MailPolicy policy) {
        boolean development = config.mode() == NodeConfig.Mode.DEVELOPMENT;
        NodeConfig.Mail mail = config.mail();
        EmbeddedSmtp embedded = null;
        Optional<app.hearth.notify.SmtpSettings> smtp = mail.smtp();
        if (smtp.isEmpty() && development) {
            embedded = EmbeddedSmtp.start();
            smtp = Optional.of(new app.hearth.notify.SmtpSettings(embedded.host(), embedded.port(),
                    app.hearth.notify.SmtpSettings.StartTls.DISABLED, false, Optional.empty(), Optional.empty(), mail.from()));
            LOG.info("Mail goes to the embedded SMTP server on 127.0.0.1:{}; read it at #/dev/mail", embedded.port());
        } else if (smtp.isEmpty()) {
            LOG.warn("No HEARTH_SMTP_HOST: mail is queued in the outbox and not sent until one is set");
        }
        // Sent set-password links are kept readable only where the development mail page shows them.
        app.hearth.notify.SenderSettings senderSettings = mail.sender().removingSentLinks(!development);
        MailSender sender = smtp.map(s -> new MailSender(vertx, outbox, store, s, senderSettings,
                nodeId + "/" + OpaqueTokens.newId(), clock, policy)).orElse(null);
        if (sender != null) {
            sender.start();
        }
        return new Mailer(outbox, store, audit, clock, development, embedded, sender,
                new app.hearth.notify.MailSettingsService(clinicSettings, audit, store, clock));
    }

    /** The embedded SMTP server's port, when this node started one (development mode without HEARTH_SMTP_HOST). */
    public Optional<Integer> embeddedSmtpPort() {
        return Optional.ofNullable(embedded).map(EmbeddedSmtp::port);
    }

    /** The clinic's mail settings (reminder times, dosing instructions). */
    public app.hearth.notify.MailSettingsService settings() {
        return settings;
    }

    /** Each person's optional mail, and the unsubscribe links (docs/adr/0029). */
    public app.hearth.notify.MailPreferencesService preferences() {
        return preferences;
    }

    /**
     * Every {@code every}, deletes sent (and withdrawn, expired, suppressed) mail older than
     * {@code after}, and expired unsubscribe links. Every node does it: deleting twice is harmless.
     */
    private void prune(Vertx vertx, java.time.Duration after, java.time.Duration every) {
        pruneVertx = vertx;
        pruneTimer = vertx.setPeriodic(every.toMillis(), every.toMillis(), id -> store.run(() -> {
            java.time.Instant now = clock.instant();
            return outbox.prune(now.minus(after)) + links.prune(now);
        }).onComplete(done -> {
            if (done.failed()) {
                LOG.warn("Pruning old mail failed: {}", done.cause().getClass().getSimpleName());
            } else if (done.result() > 0) {
                LOG.info("Pruned {} old mail messages and unsubscribe links", done.result());
            }
        }));
    }

    /** Whether the development mail page answers (development mode only). */
    public boolean devPageEnabled() {
        return devPage;
    }

    /** The clinic's recently sent mail, for its admins, in development mode only; audited (it names people). */
    public Future<List<Outbox.Sent>> recentlySent(Actor actor, int limit) {
        if (!devPage) {
            return Future.failedFuture(CommonProblems.NOT_FOUND.exception(null));
        }
        if (!actor.is(Role.ADMIN)) {
            return Future.failedFuture(CommonProblems.FORBIDDEN.exception("Only clinic admins read the development mailbox"));
        }
        return store.run(() -> outbox.recentlySent(actor.clinicId(), limit))
                .compose(list -> audit.record(AuditEntry.of(actor, clock.instant(), "dev-mail.read", "clinic", actor.clinicId(),
                        AuditEntry.Outcome.SUCCESS)).map(list));
    }

    /**
     * Counts the outbox's backlog every {@code every} (one count query on a worker) so a metrics
     * scrape reads a number and never waits on the store.
     */
    public void watchBacklog(Vertx vertx, java.time.Duration every) {
        backlogVertx = vertx;
        backlogTimer = vertx.setPeriodic(1, every.toMillis(), id -> store.run(() -> outbox.backlog(clock.instant()))
                .onSuccess(backlog::set));
    }

    /** Messages due and unsent at the last count; -1 before the first one. */
    public long backlog() {
        return backlog.get();
    }

    @Override
    public void close() {
        if (backlogTimer >= 0) {
            backlogVertx.cancelTimer(backlogTimer);
        }
        if (pruneTimer >= 0) {
            pruneVertx.cancelTimer(pruneTimer);
        }
        if (sender != null) {
            try {
                sender.stop().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
            } catch (Exception e) {
                LOG.warn("The mail sender did not stop cleanly: {}", e.getClass().getSimpleName());
            }
        }
        if (embedded != null) {
            embedded.close();
        }
    }
}
