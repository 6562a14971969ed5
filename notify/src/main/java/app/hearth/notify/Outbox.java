package app.hearth.notify;

import app.hearth.platform.store.Documents;
import app.hearth.platform.store.Store;
import com.mongodb.MongoWriteException;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.FindOneAndUpdateOptions;
import com.mongodb.client.model.Indexes;
import com.mongodb.client.model.ReturnDocument;
import com.mongodb.client.model.Sorts;
import com.mongodb.client.model.Updates;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.bson.Document;
import org.bson.conversions.Bson;

/**
 * The mail outbox (docs/adr/0024): one document per message, written by whichever node saw the
 * event, sent by whichever node claims it first. A claim is one atomic findOneAndUpdate that sets
 * this node as the lease owner until {@code leaseUntil}; only the owner may mark it sent or put it
 * back for a retry, and a lease that ran out (its node died mid-send) is claimed again by another.
 * Blocking: call on a store worker.
 *
 * <p>States: {@code pending} (waiting, or leased while being sent), {@code sent}, {@code withdrawn}
 * (a cancelled appointment's reminder), {@code expired} (stale before it could be sent),
 * {@code suppressed} (an optional kind its recipient turned off, docs/adr/0029).
 */
public final class Outbox {

    public static final String COLLECTION = "mail_outbox";
    public static final String PENDING = "pending";
    public static final String SENT = "sent";
    public static final String WITHDRAWN = "withdrawn";
    public static final String EXPIRED = "expired";
    public static final String SUPPRESSED = "suppressed";

    private final MongoCollection<Document> messages;

    public Outbox(Store store) {
        this.messages = store.collection(COLLECTION);
    }

    public void ensureIndexes() {
        messages.createIndex(Indexes.ascending("state", "nextAttemptAt"));
        messages.createIndex(Indexes.ascending("appointmentId"));
        messages.createIndex(Indexes.ascending("clinicId", "sentAt"));
    }

    /** Queues the message unless one with its id (dedupe key) exists; true when this call queued it. */
    public boolean enqueue(OutboxMessage m, Instant now) {
        List<Document> attachments = new ArrayList<>();
        for (OutboxMessage.Attachment a : m.attachments()) {
            attachments.add(new Document("name", a.name()).append("contentType", a.contentType()).append("content", a.content()));
        }
        Instant notBefore = m.notBefore() == null ? now : m.notBefore();
        Document doc = new Document("_id", m.id()).append("clinicId", m.clinicId()).append("recipientId", m.recipientId())
                .append("to", m.to()).append("kind", m.kind()).append("subject", m.subject()).append("text", m.text())
                .append("html", m.html()).append("attachments", attachments)
                .append("notBefore", Documents.date(notBefore)).append("staleAfter", Documents.date(m.staleAfter()))
                .append("appointmentId", m.appointmentId()).append("state", PENDING).append("attempts", 0)
                .append("nextAttemptAt", Documents.date(notBefore)).append("leaseOwner", null).append("leaseUntil", null)
                .append("createdAt", Documents.date(now)).append("sentAt", null);
        try {
            messages.insertOne(doc);
            return true;
        } catch (MongoWriteException e) {
            if (Documents.isDuplicateKey(e)) {
                return false;
            }
            throw e;
        }
    }

    /** A message this node holds the lease of, with the attempt number this is (1 for the first). */
    public record Claimed(OutboxMessage message, int attempt, Instant leaseUntil) {
    }

    /**
     * Claims the most overdue message that is due and not leased (or whose lease ran out), for
     * {@code lease}. Atomic in the store: two nodes asking at once get different messages.
     */
    public Optional<Claimed> claim(String owner, Instant now, Duration lease) {
        Bson due = Filters.and(Filters.eq("state", PENDING), Filters.lte("nextAttemptAt", Documents.date(now)),
                Filters.or(Filters.eq("leaseUntil", null), Filters.lt("leaseUntil", Documents.date(now))));
        Instant until = now.plus(lease);
        Document doc = messages.findOneAndUpdate(due,
                Updates.combine(Updates.set("leaseOwner", owner), Updates.set("leaseUntil", Documents.date(until)),
                        Updates.inc("attempts", 1)),
                new FindOneAndUpdateOptions().sort(Sorts.ascending("nextAttemptAt")).returnDocument(ReturnDocument.AFTER));
        if (doc == null) {
            return Optional.empty();
        }
        return Optional.of(new Claimed(fromDocument(doc), doc.getInteger("attempts", 1), until));
    }

    /** Messages due now and not yet sent (the backlog an operator watches: it grows while SMTP is down). */
    public long backlog(Instant now) {
        return messages.countDocuments(Filters.and(Filters.eq("state", PENDING), Filters.lte("nextAttemptAt", Documents.date(now))));
    }

    /** What replaces a sent message's parts when they held a one-time link. */
    public static final String REMOVED = "(Removed after sending: this message held a one-time link.)";

    /**
     * Marks a claimed message sent; false when this node's lease was lost meanwhile. With
     * {@code removeLinks}, a message that carried a set-password link loses its text and HTML: the
     * store keeps set-password tickets only hashed, and the outbox must not keep them readable.
     */
    public boolean markSent(String id, String owner, Instant now, boolean removeLinks) {
        List<Bson> updates = new ArrayList<>(List.of(Updates.set("state", SENT), Updates.set("sentAt", Documents.date(now)),
                Updates.set("sentBy", owner), Updates.set("leaseOwner", null), Updates.set("leaseUntil", null)));
        Bson filter = owned(id, owner);
        if (removeLinks && (id.startsWith(Messages.INVITATION + ":") || id.startsWith(Messages.NEW_LINK + ":"))) {
            updates.add(Updates.set("text", REMOVED));
            updates.add(Updates.set("html", REMOVED));
        }
        return messages.updateOne(filter, Updates.combine(updates)).getModifiedCount() == 1;
    }

    /** Gives a claimed message back to be tried again at {@code next}; {@code error} is a class name, never content. */
    public boolean retryLater(String id, String owner, Instant next, String error) {
        return messages.updateOne(owned(id, owner), Updates.combine(Updates.set("nextAttemptAt", Documents.date(next)),
                Updates.set("leaseOwner", null), Updates.set("leaseUntil", null), Updates.set("lastError", error))).getModifiedCount() == 1;
    }

    /** A claimed message that is no longer worth sending. */
    public boolean expire(String id, String owner) {
        return messages.updateOne(owned(id, owner), Updates.combine(Updates.set("state", EXPIRED),
                Updates.set("leaseOwner", null), Updates.set("leaseUntil", null))).getModifiedCount() == 1;
    }

    /** A claimed message of a kind its recipient turned off: kept (not sent) so the dedupe key stays taken. */
    public boolean suppress(String id, String owner, Instant now) {
        return messages.updateOne(owned(id, owner), Updates.combine(Updates.set("state", SUPPRESSED),
                Updates.set("closedAt", Documents.date(now)), Updates.set("leaseOwner", null), Updates.set("leaseUntil", null)))
                .getModifiedCount() == 1;
    }

    /**
     * Deletes what is done with and older than {@code cutoff} (docs/adr/0029): messages sent before
     * it, and withdrawn, expired or suppressed ones written before it whose appointment (if any)
     * also lies before it, so a future appointment's withdrawn reminders keep their keys. How many.
     */
    public long prune(Instant cutoff) {
        java.util.Date before = Documents.date(cutoff);
        return messages.deleteMany(Filters.or(
                Filters.and(Filters.eq("state", SENT), Filters.lt("sentAt", before)),
                Filters.and(Filters.in("state", WITHDRAWN, EXPIRED, SUPPRESSED), Filters.lt("createdAt", before),
                        Filters.or(Filters.eq("staleAfter", null), Filters.lt("staleAfter", before))))).getDeletedCount();
    }

    /** Withdraws the unsent reminders of an appointment (cancelled or moved); how many. */
    public long withdrawReminders(String appointmentId) {
        return messages.updateMany(Filters.and(Filters.eq("appointmentId", appointmentId), Filters.eq("state", PENDING),
                        Filters.eq("kind", Messages.REMINDER)),
                Updates.combine(Updates.set("state", WITHDRAWN), Updates.set("nextAttemptAt", null))).getModifiedCount();
    }

    /** Withdraws one person's unsent reminders of an appointment (they left a circle that goes on). */
    public long withdrawReminders(String appointmentId, String recipientId) {
        return messages.updateMany(Filters.and(Filters.eq("appointmentId", appointmentId), Filters.eq("recipientId", recipientId),
                        Filters.eq("state", PENDING), Filters.eq("kind", Messages.REMINDER)),
                Updates.combine(Updates.set("state", WITHDRAWN), Updates.set("nextAttemptAt", null))).getModifiedCount();
    }

    /** A sent message for the development mail page. */
    public record Sent(String id, String to, String kind, String subject, String text, Instant sentAt) {
    }

    /** The clinic's most recently sent messages, newest first. */
    public List<Sent> recentlySent(String clinicId, int limit) {
        List<Sent> sent = new ArrayList<>();
        for (Document d : messages.find(Filters.and(Filters.eq("clinicId", clinicId), Filters.eq("state", SENT)))
                .sort(Sorts.descending("sentAt")).limit(limit)) {
            sent.add(new Sent(d.getString("_id"), d.getString("to"), d.getString("kind"), d.getString("subject"),
                    d.getString("text"), Documents.instant(d, "sentAt")));
        }
        return sent;
    }

    private static Bson owned(String id, String owner) {
        return Filters.and(Filters.eq("_id", id), Filters.eq("leaseOwner", owner));
    }

    private static OutboxMessage fromDocument(Document d) {
        List<OutboxMessage.Attachment> attachments = new ArrayList<>();
        for (Document a : d.getList("attachments", Document.class, List.of())) {
            attachments.add(new OutboxMessage.Attachment(a.getString("name"), a.getString("contentType"), a.getString("content")));
        }
        return new OutboxMessage(d.getString("_id"), d.getString("clinicId"), d.getString("recipientId"), d.getString("to"),
                d.getString("kind"), d.getString("subject"), d.getString("text"), d.getString("html"), attachments,
                Documents.instant(d, "notBefore"), Documents.instant(d, "staleAfter"), d.getString("appointmentId"));
    }
}
