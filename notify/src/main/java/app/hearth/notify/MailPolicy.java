package app.hearth.notify;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The one place every message passes on its way out (docs/adr/0029): the sender asks it about each
 * claimed message, by its kind and recipient only, so kinds added later are covered without
 * touching their code. An optional kind ({@link #OPTIONAL}) the recipient turned off is not sent;
 * one they still get carries an unsubscribe link in both parts and the RFC 8058 one-click headers.
 * Every other kind (account links, appointment changes, safety and distress alerts) is always
 * sent and carries no such link. Blocking: call on a store worker.
 */
public final class MailPolicy {

    /** The kinds a person may turn off; everything else is always sent. */
    public static final Set<String> OPTIONAL = Set.of(Messages.REMINDER, "measure-due", "patient-waiting");

    /** What a person turning a kind off stops getting, in words. */
    public static String describe(String kind) {
        return switch (kind) {
            case Messages.REMINDER -> "appointment reminders";
            case "measure-due" -> "reminders that a questionnaire is due";
            case "patient-waiting" -> "emails that a patient is waiting for you";
            default -> kind;
        };
    }

    /** Send {@code message} (perhaps with a footer added) with these extra headers, or do not send it. */
    public record Decision(Optional<OutboxMessage> send, Map<String, String> headers) {
        static Decision suppress() {
            return new Decision(Optional.empty(), Map.of());
        }
    }

    private final MailPreferences preferences;
    private final UnsubscribeLinks links;
    private final String publicBaseUrl;

    public MailPolicy(MailPreferences preferences, UnsubscribeLinks links, String publicBaseUrl) {
        this.preferences = preferences;
        this.links = links;
        this.publicBaseUrl = publicBaseUrl.endsWith("/") ? publicBaseUrl.substring(0, publicBaseUrl.length() - 1) : publicBaseUrl;
    }

    public static boolean optional(String kind) {
        return kind != null && OPTIONAL.contains(kind);
    }

    /** Whether and how {@code m} goes out now. */
    public Decision decide(OutboxMessage m, Instant now) {
        if (!optional(m.kind()) || m.recipientId() == null) {
            return new Decision(Optional.of(m), Map.of());
        }
        if (preferences.isOff(m.recipientId(), m.kind())) {
            return Decision.suppress();
        }
        String url = publicBaseUrl + "/api/mail/unsubscribe/" + links.issue(m.recipientId(), m.clinicId(), m.kind(), now);
        String what = describe(m.kind());
        String settings = publicBaseUrl + "/#/settings/email";
        String text = (m.text() == null ? "" : m.text()) + "\n--\nYou get " + what + " because they are on for you.\n"
                + "Stop them: " + url + "\nAll your email choices: " + settings + "\n";
        String footer = "<hr><p style=\"font-size:small;color:#555\">You get " + Messages.esc(what)
                + " because they are on for you. <a href=\"" + Messages.esc(url) + "\">Stop them</a> · <a href=\""
                + Messages.esc(settings) + "\">All your email choices</a></p>";
        String html = m.html() == null ? null : m.html().contains("</body>") ? m.html().replace("</body>", footer + "</body>")
                : m.html() + footer;
        OutboxMessage withFooter = new OutboxMessage(m.id(), m.clinicId(), m.recipientId(), m.to(), m.kind(), m.subject(), text, html,
                m.attachments(), m.notBefore(), m.staleAfter(), m.appointmentId());
        return new Decision(Optional.of(withFooter), Map.of("List-Unsubscribe", "<" + url + ">",
                "List-Unsubscribe-Post", "List-Unsubscribe=One-Click"));
    }
}
