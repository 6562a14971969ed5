package app.hearth.gateway.operator;

import app.hearth.platform.config.ConfigException;
import app.hearth.platform.config.Settings;
import io.vertx.core.json.JsonObject;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The jar's operator commands (docs/adr/0027), so that nobody hand-crafts HTTP:
 * <pre>
 * java -jar hearth.jar create-clinic --name "Lakeside Clinic" --time-zone Europe/Berlin \
 *      --admin-name "Dana Weiss" --admin-email dana@lakeside.example [--json]
 * java -jar hearth.jar list-clinics [--json]
 * </pre>
 * They call a running node's management port, found like the node finds it
 * ({@code HEARTH_MANAGEMENT_HOST}, {@code HEARTH_MANAGEMENT_PORT}, environment or properties file;
 * {@code --management-url} overrides), with {@code HEARTH_OPERATOR_TOKEN} from the environment.
 * The token is never taken as an argument: arguments end up in shell histories and process lists.
 */
public final class OperatorCommand {

    public static final String CREATE_CLINIC = "create-clinic";
    public static final String LIST_CLINICS = "list-clinics";
    static final String USAGE = """
            Usage: java -jar hearth.jar create-clinic --name NAME --time-zone IANA_ZONE --admin-name NAME --admin-email EMAIL [--json]
                   java -jar hearth.jar list-clinics [--json]
            Both call a running node's management port (HEARTH_MANAGEMENT_HOST, HEARTH_MANAGEMENT_PORT, or
            --management-url http://host:port) with the operator token in HEARTH_OPERATOR_TOKEN.""";

    private OperatorCommand() {
    }

    /** The parsed command line: the command, its options by name (without dashes), and flags. */
    record Arguments(String command, Map<String, String> options, boolean json) {
    }

    /**
     * Runs one command.
     *
     * @return the process's exit code: 0 done, 1 refused or failed (the node's problem is printed), 2 usage or configuration
     */
    public static int run(String[] args, Settings settings, PrintStream out, PrintStream err) {
        Arguments parsed;
        URI base;
        String token;
        try {
            parsed = parse(args);
            base = managementUrl(parsed, settings);
            token = settings.get("HEARTH_OPERATOR_TOKEN").orElseThrow(() -> new IllegalArgumentException(
                    "Set HEARTH_OPERATOR_TOKEN to the operator token the node was started with"));
        } catch (IllegalArgumentException | ConfigException e) {
            err.println(e.getMessage());
            err.println(USAGE);
            return 2;
        }
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
        HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve(OperatorApi.CLINICS))
                .timeout(Duration.ofSeconds(30)).header("Authorization", "Bearer " + token).header("Accept", "application/json");
        if (CREATE_CLINIC.equals(parsed.command())) {
            JsonObject body = new JsonObject().put("name", parsed.options().get("name"))
                    .put("timeZone", parsed.options().get("time-zone"))
                    .put("admin", new JsonObject().put("displayName", parsed.options().get("admin-name"))
                            .put("email", parsed.options().get("admin-email")));
            request.header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body.encode()));
        } else {
            request.GET();
        }
        HttpResponse<String> response;
        try {
            response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (java.io.IOException e) {
            err.println("Cannot reach the node's management port at " + base + " (" + e.getClass().getSimpleName()
                    + "): is the node running, and are HEARTH_MANAGEMENT_HOST and HEARTH_MANAGEMENT_PORT its values?");
            return 1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 1;
        }
        if (response.statusCode() / 100 != 2) {
            err.println(describeFailure(response));
            return 1;
        }
        if (parsed.json()) {
            out.println(response.body());
            return 0;
        }
        JsonObject answer = new JsonObject(response.body());
        if (CREATE_CLINIC.equals(parsed.command())) {
            JsonObject clinic = answer.getJsonObject("clinic");
            JsonObject admin = answer.getJsonObject("admin");
            JsonObject link = answer.getJsonObject("setPasswordLink");
            out.println("Created clinic " + clinic.getString("name") + " (id " + clinic.getString("id") + ", time zone "
                    + clinic.getString("timeZone") + ")");
            out.println("Admin: " + admin.getString("displayName") + " <" + admin.getString("email") + "> (id "
                    + admin.getString("id") + "); an invitation email is on its way");
            out.println("Set-password link (works once, until " + link.getString("expiresAt") + "): " + link.getString("url"));
        } else {
            for (Object o : answer.getJsonArray("items")) {
                JsonObject c = (JsonObject) o;
                out.println(c.getString("id") + "\t" + c.getString("timeZone") + "\t" + c.getString("name"));
            }
        }
        return 0;
    }

    /** Parses and checks the arguments; a clear message when something is missing or unknown. */
    static Arguments parse(String[] args) {
        if (args.length == 0 || !List.of(CREATE_CLINIC, LIST_CLINICS).contains(args[0])) {
            throw new IllegalArgumentException(args.length == 0 ? "No command" : "Unknown command " + args[0]);
        }
        List<String> allowed = CREATE_CLINIC.equals(args[0])
                ? List.of("name", "time-zone", "admin-name", "admin-email", "management-url") : List.of("management-url");
        Map<String, String> options = new LinkedHashMap<>();
        boolean json = false;
        for (int i = 1; i < args.length; i++) {
            String arg = args[i];
            if ("--json".equals(arg)) {
                json = true;
                continue;
            }
            if (!arg.startsWith("--")) {
                throw new IllegalArgumentException("Unexpected argument " + arg);
            }
            String name = arg.substring(2);
            String value;
            int eq = name.indexOf('=');
            if (eq >= 0) { // --name=value
                value = name.substring(eq + 1);
                name = name.substring(0, eq);
            } else if (i + 1 < args.length) {
                value = args[++i];
            } else {
                throw new IllegalArgumentException("--" + name + " needs a value");
            }
            if (!allowed.contains(name)) {
                throw new IllegalArgumentException("Unknown option --" + name + " for " + args[0]);
            }
            if (options.put(name, value) != null) {
                throw new IllegalArgumentException("--" + name + " is given twice");
            }
        }
        if (CREATE_CLINIC.equals(args[0])) {
            for (String required : List.of("name", "time-zone", "admin-name", "admin-email")) {
                if (options.get(required) == null || options.get(required).isBlank()) {
                    throw new IllegalArgumentException("--" + required + " is required");
                }
            }
        }
        return new Arguments(args[0], Map.copyOf(options), json);
    }

    /** --management-url, else the node's own management address (a wildcard host is reached on loopback). */
    static URI managementUrl(Arguments arguments, Settings settings) {
        String explicit = arguments.options().get("management-url");
        if (explicit != null) {
            URI uri;
            try {
                uri = URI.create(explicit);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("--management-url must be a URL such as http://127.0.0.1:9464");
            }
            if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme()) || uri.getHost() == null) {
                throw new IllegalArgumentException("--management-url must be a URL such as http://127.0.0.1:9464");
            }
            return uri;
        }
        String host = settings.get("HEARTH_MANAGEMENT_HOST", "127.0.0.1");
        if (host.equals("0.0.0.0") || host.equals("::") || host.equals("[::]")) {
            host = "127.0.0.1";
        }
        int port = settings.getInt("HEARTH_MANAGEMENT_PORT", 9464);
        if (port <= 0 || port > 65535) {
            throw new IllegalArgumentException("HEARTH_MANAGEMENT_PORT must be the running node's management port (not 0)");
        }
        return URI.create("http://" + (host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host) + ":" + port);
    }

    /** The node's problem+json as one line: status, title, detail and field. */
    private static String describeFailure(HttpResponse<String> response) {
        try {
            JsonObject problem = new JsonObject(response.body());
            StringBuilder line = new StringBuilder("Refused (").append(response.statusCode()).append(' ')
                    .append(problem.getString("type", "").replace(app.hearth.platform.problem.ProblemType.TYPE_BASE, ""))
                    .append("): ").append(problem.getString("title", ""));
            if (problem.getString("detail") != null) {
                line.append(". ").append(problem.getString("detail"));
            }
            if (problem.getString("field") != null) {
                line.append(" [").append(problem.getString("field")).append(']');
            }
            return line.toString();
        } catch (RuntimeException e) {
            return "Refused (" + response.statusCode() + "): "
                    + (response.statusCode() == 404 ? "the node has no operator endpoints; start it with HEARTH_OPERATOR_TOKEN set"
                    : "unexpected answer");
        }
    }
}
