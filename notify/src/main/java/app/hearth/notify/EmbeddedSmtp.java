package app.hearth.notify;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;

/**
 * The embedded default's SMTP server (GreenMail, in process, loopback only, any free port): in
 * development mode without HEARTH_SMTP_HOST, Hearth sends to it so the one-command demo really
 * sends its mail, and the admin reads what was sent on the development mail page. Production mode
 * never starts it. It keeps what it receives in memory only.
 */
public final class EmbeddedSmtp implements AutoCloseable {

    private final GreenMail server;

    private EmbeddedSmtp(GreenMail server) {
        this.server = server;
    }

    public static EmbeddedSmtp start() {
        GreenMail server = new GreenMail(new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTP).dynamicPort());
        server.start();
        return new EmbeddedSmtp(server);
    }

    public String host() {
        return "127.0.0.1";
    }

    public int port() {
        return server.getSmtp().getPort();
    }

    @Override
    public void close() {
        server.stop();
    }
}
