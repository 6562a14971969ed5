package app.hearth.platform.logging;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.internal.ContextInternal;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The request id of what a node is doing now: an HTTP request, one room-socket message, or an
 * event-bus delivery caused by one of those (docs/adr/0025). It lives in the local data of the
 * Vert.x duplicated context the work runs on, so every callback of that piece of work (a store
 * read on a worker pool, its continuation) still sees it; the logging layer copies it into the MDC
 * as {@value #MDC_KEY} on every log line. Never on an event loop's base context, which is shared by
 * everything that loop runs.
 */
public final class RequestIds {

    /** The HTTP request and response header. */
    public static final String HTTP_HEADER = "X-Request-Id";
    /** The event-bus delivery header that carries the id to the consumers, on this node or another. */
    public static final String BUS_HEADER = "hearth-request-id";
    /** The MDC key (and the JSON log field). */
    public static final String MDC_KEY = "requestId";

    private static final String LOCAL_KEY = "hearth.requestId";
    /**
     * What an incoming id may look like: short, and nothing that could forge a log line or carry much
     * (letters, digits and {@code . _ : -}). Anything else is replaced by a generated id.
     */
    private static final Pattern WELL_FORMED = Pattern.compile("[A-Za-z0-9._:-]{1,64}");
    private static final SecureRandom RANDOM = new SecureRandom();

    private RequestIds() {
    }

    public static boolean wellFormed(String id) {
        return id != null && WELL_FORMED.matcher(id).matches();
    }

    /** An incoming id when well-formed, else a new one. */
    public static String acceptOrGenerate(String incoming) {
        return wellFormed(incoming) ? incoming : generate();
    }

    /** 128 random bits as 32 hex digits. */
    public static String generate() {
        byte[] bytes = new byte[16];
        RANDOM.nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }

    /** The id of the work running now, if it has one. */
    public static Optional<String> current() {
        Context context = Vertx.currentContext();
        if (context instanceof ContextInternal internal && internal.isDuplicate()) {
            Object id = internal.localContextData().get(LOCAL_KEY);
            return id instanceof String s ? Optional.of(s) : Optional.empty();
        }
        return Optional.empty();
    }

    /**
     * Names the work of the current context (an HTTP request's own duplicated context). Returns false,
     * doing nothing, when the current context is not a duplicated one.
     */
    public static boolean bind(String id) {
        Context context = Vertx.currentContext();
        if (context instanceof ContextInternal internal && internal.isDuplicate() && wellFormed(id)) {
            internal.localContextData().put(LOCAL_KEY, id);
            return true;
        }
        return false;
    }

    /**
     * Runs {@code work} now, on a fresh duplicate of the current context named {@code id}: what it
     * starts (futures, timers, store reads) carries the id, and the caller's own id is untouched.
     * Without a current context (or without an id) it simply runs.
     */
    public static void within(String id, Runnable work) {
        Context context = Vertx.currentContext();
        if (!wellFormed(id) || !(context instanceof ContextInternal internal)) {
            work.run();
            return;
        }
        ContextInternal duplicate = internal.duplicate();
        duplicate.localContextData().put(LOCAL_KEY, id);
        duplicate.dispatch(v -> work.run());
    }

    /** Delivery options carrying the current id (plain options when there is none). */
    public static DeliveryOptions deliveryOptions() {
        DeliveryOptions options = new DeliveryOptions();
        current().ifPresent(id -> options.addHeader(BUS_HEADER, id));
        return options;
    }

    /** Handles an event-bus message under the id its sender had (or under none). */
    public static void receive(Message<?> message, Runnable work) {
        String id = message.headers().get(BUS_HEADER);
        if (id == null) {
            work.run();
        } else {
            within(id, work);
        }
    }
}
