package app.hearth.gateway.http;

import io.vertx.core.net.SocketAddress;
import io.vertx.ext.web.RoutingContext;

/** The caller's network address, for rate limits and the audit log. */
public final class ClientAddress {

    private ClientAddress() {
    }

    /**
     * The address of the connection. Behind the TLS proxy of infra/ that is the proxy, unless
     * HEARTH_TRUST_FORWARDED is on: then the router honours X-Forwarded-For and this is the client.
     * Never turn that on without a proxy that overwrites the header, or clients choose their address.
     */
    public static String of(RoutingContext ctx) {
        SocketAddress remote = ctx.request().remoteAddress();
        return remote == null ? "unknown" : remote.hostAddress();
    }
}
