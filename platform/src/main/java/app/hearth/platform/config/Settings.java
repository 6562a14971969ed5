package app.hearth.platform.config;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

/**
 * Raw settings in three layers: built-in defaults &lt; an optional properties file &lt; the environment.
 * Keys are the environment variable names ({@code HEARTH_HTTP_PORT}, {@code MONGO_URI}, ...) in every
 * layer, so one name is documented once and works everywhere. Typed access reports which key was bad.
 */
public final class Settings {

    /** Names the optional properties file; without it {@code ./hearth.properties} is read if present. */
    public static final String CONFIG_FILE_KEY = "HEARTH_CONFIG_FILE";

    private final Map<String, String> values;

    private Settings(Map<String, String> values) {
        this.values = Map.copyOf(values);
    }

    public static Settings of(Map<String, String> values) {
        return new Settings(values);
    }

    /** Reads the file layer (if any) under the given environment; the environment wins. */
    public static Settings load(Map<String, String> environment) {
        Map<String, String> merged = new HashMap<>();
        Path file = Path.of(environment.getOrDefault(CONFIG_FILE_KEY, "hearth.properties"));
        boolean named = environment.containsKey(CONFIG_FILE_KEY);
        if (Files.isRegularFile(file)) {
            Properties properties = new Properties();
            try (Reader reader = Files.newBufferedReader(file)) {
                properties.load(reader);
            } catch (IOException e) {
                throw new ConfigException("Cannot read the config file " + file + ": " + e.getMessage());
            }
            properties.forEach((k, v) -> merged.put(k.toString().trim(), v.toString().trim()));
        } else if (named) {
            throw new ConfigException(CONFIG_FILE_KEY + " names " + file + ", which does not exist");
        }
        environment.forEach((k, v) -> {
            if (k.startsWith("HEARTH_") || k.equals("MONGO_URI")) {
                merged.put(k, v);
            }
        });
        return new Settings(merged);
    }

    public Optional<String> get(String key) {
        String value = values.get(key);
        return value == null || value.isBlank() ? Optional.empty() : Optional.of(value.trim());
    }

    public String get(String key, String fallback) {
        return get(key).orElse(fallback);
    }

    public int getInt(String key, int fallback) {
        return get(key).map(v -> {
            try {
                return Integer.parseInt(v);
            } catch (NumberFormatException e) {
                throw new ConfigException(key + " must be a whole number, got '" + v + "'");
            }
        }).orElse(fallback);
    }

    public boolean getBoolean(String key, boolean fallback) {
        return get(key).map(v -> switch (v.toLowerCase()) {
            case "true", "yes", "1", "on" -> true;
            case "false", "no", "0", "off" -> false;
            default -> throw new ConfigException(key + " must be true or false, got '" + v + "'");
        }).orElse(fallback);
    }

    /** ISO-8601 durations such as {@code PT15M} or {@code P14D}. */
    public Duration getDuration(String key, Duration fallback) {
        return get(key).map(v -> {
            try {
                Duration d = Duration.parse(v);
                if (d.isNegative() || d.isZero()) {
                    throw new ConfigException(key + " must be a positive duration, got '" + v + "'");
                }
                return d;
            } catch (DateTimeParseException e) {
                throw new ConfigException(key + " must be an ISO-8601 duration such as PT15M, got '" + v + "'");
            }
        }).orElse(fallback);
    }
}
