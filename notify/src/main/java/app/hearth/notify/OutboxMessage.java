package app.hearth.notify;

import java.time.Instant;
import java.util.List;

/**
 * One message to one person, as queued. {@code id} is the dedupe key ("booked:&lt;appointment&gt;:&lt;person&gt;"):
 * the same event told twice queues one message. {@code appointmentId} ties reminders to their
 * appointment so a cancellation withdraws them; {@code staleAfter}, when set, is when an unsent
 * message stops being worth sending (a reminder after the session started).
 */
public record OutboxMessage(String id, String clinicId, String recipientId, String to, String kind, String subject,
                            String text, String html, List<Attachment> attachments, Instant notBefore, Instant staleAfter,
                            String appointmentId) {

    public OutboxMessage {
        attachments = attachments == null ? List.of() : List.copyOf(attachments);
    }

    /** A file sent with the message; text only (iCalendar). */
    public record Attachment(String name, String contentType, String content) {
    }
}
