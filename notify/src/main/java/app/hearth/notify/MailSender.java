package app.hearth.notify;

import app.hearth.platform.store.Blocking;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.mail.LoginOption;
import io.vertx.ext.mail.MailAttachment;
import io.vertx.ext.mail.MailClient;
import io.vertx.ext.mail.MailConfig;
import io.vertx.ext.mail.MailMessage;
import io.vertx.ext.mail.StartTLSOptions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Each node's worker of the outbox: every poll interval it claims due messages one at a time (a
 * lease in the store, so no other node sends the same one), sends each through SMTP, and marks it
 * sent; a failed send goes back with an exponential backoff. Logs carry message ids and kinds
 * only: never addresses, names, subjects or bodies.
 */
public final class MailSender {

    private static final Logger LOG = LoggerFactory.getLogger(MailSender.class);
    /** At most this many messages per poll, so one node's tick stays short; the next tick goes on. */
    private static final int BATCH = 25;

    private final Vertx vertx;
    private final Outbox outbox;
    private final Blocking store;
    private final MailClient client;
    private final String from;
    private final SenderSettings settings;
    private final String owner;
    private final Clock clock;
    private final MailPolicy policy;
    private long timer = -1;
    private boolean draining;
    private boolean storeDown;
    private volatile boolean stopped;

    public MailSender(Vertx vertx, Outbox outbox, Blocking store, SmtpSettings smtp, SenderSettings settings, String owner,
                      Clock clock, MailPolicy policy) {
        this.vertx = vertx;
        this.policy = policy;
        this.outbox = outbox;
        this.store = store;
        this.client = MailClient.create(vertx, mailConfig(smtp));
        this.from = smtp.from();
        this.settings = settings;
        this.owner = owner;
        this.clock = clock;
    }

    static final Duration SMTP_CONNECT_TIMEOUT = Duration.ofSeconds(15);
    static final Duration SMTP_IDLE_TIMEOUT = Duration.ofSeconds(60);

    static MailConfig mailConfig(SmtpSettings smtp) {
        MailConfig config = new MailConfig().setHostname(smtp.host()).setPort(smtp.port()).setSsl(smtp.ssl())
                .setStarttls(StartTLSOptions.valueOf(smtp.startTls().name()))
                // one connection per message: after the server restarts no pooled connection is stale
                .setKeepAlive(false)
                // a server that accepts and then never answers must fail the attempt (and back off) well
                // within the default two-minute lease; otherwise the lease runs out mid-send and another
                // node may send the same message again
                .setConnectTimeout((int) SMTP_CONNECT_TIMEOUT.toMillis())
                .setIdleTimeout((int) SMTP_IDLE_TIMEOUT.toSeconds()).setIdleTimeoutUnit(TimeUnit.SECONDS);
        if (smtp.username().isPresent()) {
            config.setLogin(LoginOption.REQUIRED).setUsername(smtp.username().get()).setPassword(smtp.password().orElse(""));
        } else {
            config.setLogin(LoginOption.DISABLED);
        }
        return config;
    }

    public void start() {
        timer = vertx.setPeriodic(settings.pollInterval().toMillis(), id -> drain());
    }

    /** Stops claiming; a message being sent finishes (or its lease runs out and another node sends it). */
    public Future<Void> stop() {
        stopped = true;
        if (timer >= 0) {
            vertx.cancelTimer(timer);
        }
        return client.close();
    }

    /** Works through due messages until none is left or the batch is done. Runs on the sender's context. */
    void drain() {
        if (draining || stopped) {
            return;
        }
        draining = true;
        next(BATCH).onComplete(done -> {
            draining = false;
            // one line when the store stops answering and one when it is back, not one per poll
            if (done.failed() && !storeDown) {
                storeDown = true;
                LOG.warn("Mail outbox unavailable: {}", done.cause().getClass().getSimpleName());
            } else if (done.succeeded() && storeDown) {
                storeDown = false;
                LOG.info("Mail outbox available again");
            }
        });
    }

    private Future<Void> next(int left) {
        if (left == 0 || stopped) {
            return Future.succeededFuture();
        }
        Instant now = clock.instant();
        return store.run(() -> outbox.claim(owner, now, settings.lease()))
                .compose(claimed -> claimed.isEmpty() ? Future.succeededFuture() : handle(claimed.get()).compose(v -> next(left - 1)));
    }

    private Future<Void> handle(Outbox.Claimed claimed) {
        OutboxMessage m = claimed.message();
        if (m.staleAfter() != null && clock.instant().isAfter(m.staleAfter())) {
            return store.run(() -> outbox.expire(m.id(), owner)).mapEmpty();
        }
        // every message passes the policy: preferences and unsubscribe links (docs/adr/0029)
        return store.run(() -> policy.decide(m, clock.instant())).compose(decision -> {
            if (decision.send().isEmpty()) {
                return store.run(() -> outbox.suppress(m.id(), owner, clock.instant())).mapEmpty();
            }
            return send(claimed, decision.send().get(), decision.headers());
        });
    }

    private Future<Void> send(Outbox.Claimed claimed, OutboxMessage m, java.util.Map<String, String> headers) {
        return client.sendMail(toMail(m, headers)).transform(sent -> {
            Instant now = clock.instant();
            if (sent.succeeded()) {
                return store.run(() -> {
                    if (!outbox.markSent(m.id(), owner, now, settings.removeSentLinks())) {
                        // the lease ran out while sending: another node may send it again (at least once)
                        LOG.warn("Mail {} was sent after its lease ran out", m.id());
                    }
                    return null;
                });
            }
            String error = sent.cause().getClass().getSimpleName();
            Instant retry = now.plus(settings.backoff(claimed.attempt()));
            LOG.info("Mail {} ({}) attempt {} failed ({}); next attempt at {}", m.id(), m.kind(), claimed.attempt(), error, retry);
            return store.run(() -> outbox.retryLater(m.id(), owner, retry, error)).mapEmpty();
        });
    }

    private MailMessage toMail(OutboxMessage m, java.util.Map<String, String> headers) {
        MailMessage mail = new MailMessage().setFrom(from).setTo(m.to()).setSubject(m.subject()).setText(m.text())
                .setHtml(m.html());
        headers.forEach(mail::addHeader);
        if (!m.attachments().isEmpty()) {
            List<MailAttachment> files = m.attachments().stream().map(a -> MailAttachment.create().setName(a.name())
                    .setContentType(a.contentType()).setDisposition("attachment")
                    .setData(Buffer.buffer(a.content(), "UTF-8"))).toList();
            mail.setAttachment(files);
        }
        return mail;
    }

    /** For tests: the lease owner this sender claims as. */
    public String owner() {
        return owner;
    }
}
