package app.hearth.notify;

import java.util.Optional;

/**
 * Where mail leaves Hearth. {@code startTls} is the Vert.x mail client's option: DISABLED, OPTIONAL
 * or REQUIRED; {@code ssl} is TLS from the first byte (port 465).
 */
public record SmtpSettings(String host, int port, StartTls startTls, boolean ssl, Optional<String> username,
                           Optional<String> password, String from) {

    public enum StartTls { DISABLED, OPTIONAL, REQUIRED }

    /** The same server at another host and port (the embedded SMTP server's). */
    public SmtpSettings at(String host, int port) {
        return new SmtpSettings(host, port, startTls, ssl, username, password, from);
    }
}
