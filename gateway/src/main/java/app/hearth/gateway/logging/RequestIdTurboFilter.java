package app.hearth.gateway.logging;

import app.hearth.platform.logging.RequestIds;
import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.turbo.TurboFilter;
import ch.qos.logback.core.spi.FilterReply;
import java.util.Optional;
import org.slf4j.MDC;
import org.slf4j.Marker;

/**
 * Puts the request id of the work running now (an HTTP request, a socket message, an event-bus
 * delivery: {@link RequestIds}) into the MDC as {@code requestId} just before each log line is made,
 * and takes it out on a thread that runs no such work. Vert.x runs many requests on one thread and
 * one request on several, so a thread-local MDC set once per request would be wrong both ways; the
 * id lives in the request's Vert.x context instead, and this copies it at the moment of logging.
 */
public final class RequestIdTurboFilter extends TurboFilter {

    public static final String NAME = "hearth-request-id";

    public RequestIdTurboFilter() {
        setName(NAME);
    }

    @Override
    public FilterReply decide(Marker marker, Logger logger, Level level, String format, Object[] params, Throwable t) {
        Optional<String> id = RequestIds.current();
        if (id.isPresent()) {
            MDC.put(RequestIds.MDC_KEY, id.get());
        } else if (MDC.get(RequestIds.MDC_KEY) != null) {
            MDC.remove(RequestIds.MDC_KEY);
        }
        return FilterReply.NEUTRAL;
    }
}
