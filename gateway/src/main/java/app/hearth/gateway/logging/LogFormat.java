package app.hearth.gateway.logging;

import app.hearth.gateway.config.NodeConfig;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.encoder.Encoder;
import net.logstash.logback.encoder.LogstashEncoder;
import org.slf4j.LoggerFactory;

/**
 * {@code HEARTH_LOG_FORMAT} (docs/adr/0025): the console appender of logback.xml ({@value #TEXT_APPENDER},
 * text lines) or a console appender of JSON objects, one per line ({@value #JSON_APPENDER},
 * logstash-logback-encoder: {@code @timestamp}, {@code level}, {@code logger_name}, {@code message},
 * the MDC's {@code requestId}, {@code stack_trace}). Both carry exactly the same message text, so
 * what keeps secrets and patient data out of one keeps them out of the other.
 */
public final class LogFormat {

    public static final String TEXT_APPENDER = "STDOUT";
    public static final String JSON_APPENDER = "JSON";
    /** The text layout of logback.xml, with the request id in brackets when there is one. */
    public static final String TEXT_PATTERN = "%d{HH:mm:ss.SSS} %-5level %logger{20} %replace([%X{requestId}] ){'\\[\\] ', ''}- %msg%n";

    /**
     * The system property logback.xml's root logger takes its appender's name from ({@value #TEXT_APPENDER}
     * when unset). The jar sets it before anything logs ({@link #selectBeforeLogging}), so that the lines
     * logged while logging starts, which SLF4J replays once logback is configured, have the format too.
     */
    public static final String APPENDER_PROPERTY = "hearth.log.appender";
    /** The other appender's name, for logback.xml's logger that never logs (so no appender is unreferenced). */
    public static final String UNSELECTED_PROPERTY = "hearth.log.unselected";

    /** logback.xml's text appender while JSON is selected, to put back when text is selected again. */
    private static Appender<ILoggingEvent> detachedText;

    private LogFormat() {
    }

    /**
     * For the jar's {@code main}, before the first class that logs is loaded: logback.xml then starts
     * with the chosen appender. With JSON, SLF4J's own notices about its start (plain text on stderr,
     * such as the note that early lines were replayed) are kept to errors.
     */
    public static void selectBeforeLogging(NodeConfig.LogFormat format) {
        System.setProperty(APPENDER_PROPERTY, format == NodeConfig.LogFormat.JSON ? JSON_APPENDER : TEXT_APPENDER);
        System.setProperty(UNSELECTED_PROPERTY, format == NodeConfig.LogFormat.JSON ? TEXT_APPENDER : JSON_APPENDER);
        if (format == NodeConfig.LogFormat.JSON && System.getProperty("slf4j.internal.verbosity") == null) {
            System.setProperty("slf4j.internal.verbosity", "ERROR");
        }
    }

    /** Selects the format for the whole process (a node, or the nodes of a test JVM) and adds the request id. */
    public static synchronized void apply(NodeConfig.LogFormat format) {
        if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext context)) {
            return; // another SLF4J binding: its own configuration decides
        }
        if (context.getTurboFilterList().stream().noneMatch(f -> RequestIdTurboFilter.NAME.equals(f.getName()))) {
            RequestIdTurboFilter filter = new RequestIdTurboFilter();
            filter.setContext(context);
            filter.start();
            context.addTurboFilter(filter);
        }
        Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        Appender<ILoggingEvent> json = root.getAppender(JSON_APPENDER);
        if (format == NodeConfig.LogFormat.JSON && json == null) {
            ConsoleAppender<ILoggingEvent> appender = new ConsoleAppender<>();
            appender.setName(JSON_APPENDER);
            appender.setContext(context);
            appender.setEncoder(encoder(context, format));
            appender.start();
            root.addAppender(appender);
            Appender<ILoggingEvent> text = root.getAppender(TEXT_APPENDER);
            if (text != null) {
                detachedText = text;
                root.detachAppender(text);
            }
        } else if (format == NodeConfig.LogFormat.TEXT && json != null) {
            if (detachedText != null) {
                root.addAppender(detachedText);
                detachedText = null;
            } else if (root.getAppender(TEXT_APPENDER) == null) { // logback.xml started with JSON
                ConsoleAppender<ILoggingEvent> text = new ConsoleAppender<>();
                text.setName(TEXT_APPENDER);
                text.setContext(context);
                text.setEncoder(encoder(context, format));
                text.start();
                root.addAppender(text);
            }
            root.detachAppender(json);
            json.stop();
        }
    }

    /** A started encoder of the format: what the node's console appender writes (tests encode with it too). */
    public static Encoder<ILoggingEvent> encoder(LoggerContext context, NodeConfig.LogFormat format) {
        if (format == NodeConfig.LogFormat.JSON) {
            LogstashEncoder encoder = new LogstashEncoder();
            encoder.setContext(context);
            encoder.setIncludeContext(false); // the logback context's name and properties say nothing per line
            encoder.start();
            return encoder;
        }
        PatternLayoutEncoder encoder = new PatternLayoutEncoder();
        encoder.setContext(context);
        encoder.setPattern(TEXT_PATTERN);
        encoder.start();
        return encoder;
    }
}
