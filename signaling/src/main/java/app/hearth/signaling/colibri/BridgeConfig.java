package app.hearth.signaling.colibri;

import app.hearth.platform.config.ConfigException;
import app.hearth.platform.config.Settings;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;

/**
 * Which Jitsi Videobridges Hearth drives, and how it watches them.
 *
 * @param urls           base URLs of the bridges' PRIVATE HTTP servers (Colibri2 and /about/health),
 *                       e.g. {@code http://10.0.0.21:8080}; empty: no bridge, circles use the mesh
 * @param healthInterval how often every bridge is asked {@code GET /about/health} (default 10 s, as jicofo)
 * @param requestTimeout how long one request may take before the bridge counts as failed (default 5 s)
 */
public record BridgeConfig(List<URI> urls, Duration healthInterval, Duration requestTimeout) {

    /** Comma-separated base URLs of the bridges' private HTTP API. Unset: no bridge. */
    public static final String URLS_KEY = "HEARTH_JVB_URLS";
    /** ISO-8601 duration between health checks, default {@code PT10S}. */
    public static final String HEALTH_INTERVAL_KEY = "HEARTH_JVB_HEALTH_INTERVAL";
    /** ISO-8601 duration a Colibri2 or health request may take, default {@code PT5S}. */
    public static final String REQUEST_TIMEOUT_KEY = "HEARTH_JVB_REQUEST_TIMEOUT";

    public static final Duration DEFAULT_HEALTH_INTERVAL = Duration.ofSeconds(10);
    public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(5);

    public BridgeConfig {
        urls = List.copyOf(urls);
        if (new HashSet<>(urls).size() != urls.size()) {
            throw new ConfigException(URLS_KEY + " names a bridge twice: " + urls);
        }
        for (URI url : urls) {
            if (!("http".equals(url.getScheme()) || "https".equals(url.getScheme())) || url.getHost() == null
                    || !(url.getRawPath() == null || url.getRawPath().isEmpty() || "/".equals(url.getRawPath()))
                    || url.getRawQuery() != null) {
                throw new ConfigException(URLS_KEY + " entries must be http(s)://host:port of a bridge's private HTTP server, got '"
                        + url + "'");
            }
        }
        if (healthInterval.isNegative() || healthInterval.isZero() || requestTimeout.isNegative() || requestTimeout.isZero()) {
            throw new ConfigException("bridge health interval and request timeout must be positive");
        }
    }

    /** No bridges: the embedded default, circles use a peer-to-peer mesh. */
    public static BridgeConfig none() {
        return new BridgeConfig(List.of(), DEFAULT_HEALTH_INTERVAL, DEFAULT_REQUEST_TIMEOUT);
    }

    public static BridgeConfig of(List<URI> urls) {
        return new BridgeConfig(urls, DEFAULT_HEALTH_INTERVAL, DEFAULT_REQUEST_TIMEOUT);
    }

    /** Reads {@link #URLS_KEY}, {@link #HEALTH_INTERVAL_KEY} and {@link #REQUEST_TIMEOUT_KEY}. */
    public static BridgeConfig from(Settings settings) {
        List<URI> urls = new ArrayList<>();
        for (String part : settings.get(URLS_KEY, "").split(",")) {
            if (!part.isBlank()) {
                try {
                    urls.add(URI.create(part.strip()));
                } catch (IllegalArgumentException e) {
                    throw new ConfigException(URLS_KEY + " has a malformed URL '" + part.strip() + "'");
                }
            }
        }
        return new BridgeConfig(urls, settings.getDuration(HEALTH_INTERVAL_KEY, DEFAULT_HEALTH_INTERVAL),
                settings.getDuration(REQUEST_TIMEOUT_KEY, DEFAULT_REQUEST_TIMEOUT));
    }

    public boolean configured() {
        return !urls.isEmpty();
    }
}
