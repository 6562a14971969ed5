package app.hearth.gateway.http;

import io.vertx.core.net.SocketAddress;
import io.vertx.ext.web.RoutingContext;

/** The caller's network address, for rate limits and the audit log. */
public final class ClientAddress {

    private ClientAddress() {
    }

    /**
     * The address of the connection. Behind the TLS proxy of infra/ this is the proxy; the router is
     * told to trust X-Forwarded-For only when HEARTH_TRUST_FORWARDED is on, and then Vert.x puts the
     * client's address here.
     */
    public static String of(RoutingContext ctx) {
        SocketAddress remote = ctx.request().remoteAddress();
        return remote == null ? "unknown" : remote.hostAddress();
    }
}
