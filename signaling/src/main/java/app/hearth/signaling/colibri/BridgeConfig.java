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
 * @param conferenceDomain the domain of the conferences' names: the bridge parses a conference name as a
 *                       bare XMPP address and refuses anything else, so circles are {@code circle-<roomId>@<domain>}
 * @param wsPublicBase   where browsers reach the bridges' colibri WebSockets (e.g. {@code wss://clinic.example},
 *                       through the TLS proxy); null: the URL the bridge advertises is passed on unchanged
 */
public record BridgeConfig(List<URI> urls, Duration healthInterval, Duration requestTimeout, String conferenceDomain,
                           URI wsPublicBase) {

    /** Comma-separated base URLs of the bridges' private HTTP API. Unset: no bridge. */
    public static final String URLS_KEY = "HEARTH_JVB_URLS";
    /** ISO-8601 duration between health checks, default {@code PT10S}. */
    public static final String HEALTH_INTERVAL_KEY = "HEARTH_JVB_HEALTH_INTERVAL";
    /** ISO-8601 duration a Colibri2 or health request may take, default {@code PT5S}. */
    public static final String REQUEST_TIMEOUT_KEY = "HEARTH_JVB_REQUEST_TIMEOUT";

    /** The domain part of the conferences' names (a bare JID's domain), default {@code hearth.internal}. */
    public static final String CONFERENCE_DOMAIN_KEY = "HEARTH_JVB_CONFERENCE_DOMAIN";
    /**
     * Optional {@code wss://host[:port][/prefix]}: replaces the scheme, host and port of the colibri WebSocket
     * URL the bridge advertises (its path {@code /colibri-ws/<server-id>/…} and password are kept).
     */
    public static final String WS_PUBLIC_BASE_KEY = "HEARTH_JVB_WS_PUBLIC_BASE";

    public static final String DEFAULT_CONFERENCE_DOMAIN = "hearth.internal";
    /** A DNS-like domain, as an XMPP address's domain part: labels of letters, digits and inner hyphens. */
    private static final java.util.regex.Pattern DOMAIN =
            java.util.regex.Pattern.compile("(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*");

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
        if (conferenceDomain == null || !DOMAIN.matcher(conferenceDomain).matches()) {
            throw new ConfigException(CONFERENCE_DOMAIN_KEY + " must be a domain such as hearth.internal (the bridge needs "
                    + "conference names that are bare XMPP addresses), got '" + conferenceDomain + "'");
        }
        if (wsPublicBase != null && (!"wss".equals(wsPublicBase.getScheme()) && !"ws".equals(wsPublicBase.getScheme())
                || wsPublicBase.getHost() == null || wsPublicBase.getRawQuery() != null || wsPublicBase.getRawFragment() != null)) {
            throw new ConfigException(WS_PUBLIC_BASE_KEY + " must be wss://host[:port][/prefix] (ws:// only for tests), got '"
                    + wsPublicBase + "'");
        }
    }

    public BridgeConfig(List<URI> urls, Duration healthInterval, Duration requestTimeout) {
        this(urls, healthInterval, requestTimeout, DEFAULT_CONFERENCE_DOMAIN, null);
    }

    /** The same bridges with another conference domain. */
    public BridgeConfig withConferenceDomain(String domain) {
        return new BridgeConfig(urls, healthInterval, requestTimeout, domain, wsPublicBase);
    }

    /** The same bridges with a public base for the colibri WebSockets. */
    public BridgeConfig withWsPublicBase(URI base) {
        return new BridgeConfig(urls, healthInterval, requestTimeout, conferenceDomain, base);
    }

    /** A circle's conference name: a bare JID, {@code circle-<roomId>@<domain>}. */
    public String conferenceName(String circleId) {
        return "circle-" + circleId + "@" + conferenceDomain;
    }

    /**
     * The colibri WebSocket URL a browser should open: the bridge's advertised one with its scheme, host and
     * port replaced by {@link #wsPublicBase()} (and the base's path put in front of the bridge's path).
     */
    public String publicChannelUrl(String advertised) {
        if (advertised == null || wsPublicBase == null) {
            return advertised;
        }
        URI bridge = URI.create(advertised);
        String prefix = wsPublicBase.getRawPath() == null ? "" : wsPublicBase.getRawPath().replaceAll("/+$", "");
        return wsPublicBase.getScheme() + "://" + wsPublicBase.getRawAuthority() + prefix + bridge.getRawPath()
                + (bridge.getRawQuery() == null ? "" : "?" + bridge.getRawQuery());
    }

    /** No bridges: the embedded default, circles use a peer-to-peer mesh. */
    public static BridgeConfig none() {
        return new BridgeConfig(List.of(), DEFAULT_HEALTH_INTERVAL, DEFAULT_REQUEST_TIMEOUT);
    }

    public static BridgeConfig of(List<URI> urls) {
        return new BridgeConfig(urls, DEFAULT_HEALTH_INTERVAL, DEFAULT_REQUEST_TIMEOUT);
    }

    /** Reads {@link #URLS_KEY}, {@link #HEALTH_INTERVAL_KEY}, {@link #REQUEST_TIMEOUT_KEY}, {@link #CONFERENCE_DOMAIN_KEY}, {@link #WS_PUBLIC_BASE_KEY}. */
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
        URI wsBase = null;
        String ws = settings.get(WS_PUBLIC_BASE_KEY, "").strip();
        if (!ws.isEmpty()) {
            try {
                wsBase = URI.create(ws);
            } catch (IllegalArgumentException e) {
                throw new ConfigException(WS_PUBLIC_BASE_KEY + " is a malformed URL '" + ws + "'");
            }
        }
        return new BridgeConfig(urls, settings.getDuration(HEALTH_INTERVAL_KEY, DEFAULT_HEALTH_INTERVAL),
                settings.getDuration(REQUEST_TIMEOUT_KEY, DEFAULT_REQUEST_TIMEOUT),
                settings.get(CONFERENCE_DOMAIN_KEY, DEFAULT_CONFERENCE_DOMAIN).strip(), wsBase);
    }

    public boolean configured() {
        return !urls.isEmpty();
    }
}
