package app.hearth.gateway.mail;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import jakarta.mail.BodyPart;
import jakarta.mail.Message;
import jakarta.mail.Multipart;
import jakarta.mail.Part;
import jakarta.mail.internet.MimeMessage;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * A real SMTP server on a fixed loopback port for the mail tests (GreenMail), which a test can stop
 * and start again on the same port (the clinic's server going down and coming back), and the
 * messages it received, read back from their MIME parts.
 */
final class TestSmtp implements AutoCloseable {

    final int port;
    private GreenMail server;

    TestSmtp(int port) {
        this.port = port;
        start();
    }

    void start() {
        server = new GreenMail(new ServerSetup(port, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
        server.start();
    }

    void stop() {
        server.stop();
    }

    /** Node settings that send to this server. */
    Map<String, String> settings() {
        return Map.of("HEARTH_SMTP_HOST", "127.0.0.1", "HEARTH_SMTP_PORT", Integer.toString(port),
                "HEARTH_SMTP_STARTTLS", "DISABLED", "HEARTH_SMTP_FROM", "clinic@hearth.test",
                "HEARTH_MAIL_POLL_INTERVAL", "PT0.2S", "HEARTH_MAIL_RETRY_BASE", "PT0.5S", "HEARTH_MAIL_RETRY_MAX", "PT1S");
    }

    /** One delivered message, its parts decoded. */
    record Mail(String to, String from, String subject, String text, String html, List<String> calendars, List<String> contentTypes,
                Map<String, String> headers) {
        /** A top-level header's first value, or null. */
        String header(String name) {
            return headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name)).map(Map.Entry::getValue)
                    .findFirst().orElse(null);
        }
    }

    /** What this server received for that address (the server keeps what it got across restarts of this object only). */
    List<Mail> to(String address) {
        List<Mail> found = new ArrayList<>();
        for (MimeMessage m : server.getReceivedMessages()) {
            try {
                boolean forThem = Arrays.stream(m.getRecipients(Message.RecipientType.TO)).anyMatch(r -> r.toString().contains(address));
                if (forThem) {
                    found.add(read(m));
                }
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
        return found;
    }

    List<Mail> all() {
        List<Mail> found = new ArrayList<>();
        for (MimeMessage m : server.getReceivedMessages()) {
            try {
                found.add(read(m));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
        return found;
    }

    private static Mail read(MimeMessage m) throws Exception {
        String[] text = new String[2];
        List<String> calendars = new ArrayList<>();
        List<String> types = new ArrayList<>();
        walk(m, text, calendars, types);
        Map<String, String> headers = new java.util.LinkedHashMap<>();
        for (java.util.Enumeration<jakarta.mail.Header> all = m.getAllHeaders(); all.hasMoreElements(); ) {
            jakarta.mail.Header header = all.nextElement();
            headers.putIfAbsent(header.getName(), jakarta.mail.internet.MimeUtility.unfold(header.getValue()));
        }
        return new Mail(m.getRecipients(Message.RecipientType.TO)[0].toString(), m.getFrom()[0].toString(), m.getSubject(),
                text[0], text[1], calendars, types, headers);
    }

    private static void walk(Part part, String[] text, List<String> calendars, List<String> types) throws Exception {
        types.add(part.getContentType());
        if (part.isMimeType("multipart/*")) {
            Multipart multipart = (Multipart) part.getContent();
            for (int i = 0; i < multipart.getCount(); i++) {
                BodyPart child = multipart.getBodyPart(i);
                walk(child, text, calendars, types);
            }
        } else if (part.isMimeType("text/calendar")) {
            calendars.add(body(part));
        } else if (part.isMimeType("text/plain") && text[0] == null) {
            text[0] = body(part);
        } else if (part.isMimeType("text/html") && text[1] == null) {
            text[1] = body(part);
        }
    }

    private static String body(Part part) throws Exception {
        Object content = part.getContent();
        if (content instanceof String s) {
            return s;
        }
        try (InputStream in = part.getInputStream(); ByteArrayOutputStream out = new ByteArrayOutputStream()) {
            in.transferTo(out);
            return out.toString(StandardCharsets.UTF_8);
        }
    }

    @Override
    public void close() {
        server.stop();
    }
}
