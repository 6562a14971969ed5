package app.hearth.gateway.logging;

import app.hearth.gateway.config.NodeConfig;
import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.OutputStreamAppender;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.slf4j.LoggerFactory;

/**
 * Every log line of the process, at DEBUG, encoded as the node writes it in one format (the encoder
 * of {@link LogFormat}), as it is logged: on the logging thread, with that moment's MDC.
 */
final class LogCapture implements AutoCloseable {

    private final Logger root;
    private final Level previous;
    private final OutputStreamAppender<ILoggingEvent> appender = new OutputStreamAppender<>();
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();

    private LogCapture(NodeConfig.LogFormat format) {
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        previous = root.getLevel();
        appender.setContext(context);
        appender.setName("capture-" + format);
        appender.setEncoder(LogFormat.encoder(context, format));
        appender.setImmediateFlush(true);
        appender.setOutputStream(bytes);
        appender.start();
        root.addAppender(appender);
        root.setLevel(Level.DEBUG);
    }

    static LogCapture start(NodeConfig.LogFormat format) {
        return new LogCapture(format);
    }

    /** Every line written so far (a text line's stack trace spans several). */
    List<String> lines() {
        String text;
        synchronized (bytes) {
            text = bytes.toString(StandardCharsets.UTF_8);
        }
        return Arrays.stream(text.split("\n")).filter(l -> !l.isBlank()).toList();
    }

    @Override
    public void close() {
        root.detachAppender(appender);
        appender.stop();
        root.setLevel(previous);
    }
}
