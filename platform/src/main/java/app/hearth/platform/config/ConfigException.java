package app.hearth.platform.config;

/** A setting is missing, malformed or not allowed; the message says which and why. */
public final class ConfigException extends RuntimeException {
    public ConfigException(String message) {
        super(message);
    }
}
