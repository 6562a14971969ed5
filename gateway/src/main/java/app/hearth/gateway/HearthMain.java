package app.hearth.gateway;

import app.hearth.booking.demo.DemoClinic;
import app.hearth.gateway.config.NodeConfig;
import app.hearth.platform.config.ConfigException;
import app.hearth.platform.config.Settings;

/** {@code java -jar hearth.jar}: starts one node from the environment and prints one line when ready. */
public final class HearthMain {

    private HearthMain() {
    }

    public static void main(String[] args) {
        if (args.length == 1 && "new-care-keyset".equals(args[0])) {
            // For operators: a fresh clinical-data keyset on stdout, for HEARTH_CARE_KEYSET_FILE.
            System.out.println(app.hearth.platform.security.FieldCipher.newKeysetJson());
            return;
        }
        if (args.length > 0 && (app.hearth.gateway.operator.OperatorCommand.CREATE_CLINIC.equals(args[0])
                || app.hearth.gateway.operator.OperatorCommand.LIST_CLINICS.equals(args[0]))) {
            // For operators (docs/adr/0027): calls a running node's management port; starts no node.
            // Their output is the answer; libraries' start-up notes (INFO) would only be noise around it.
            System.setProperty("hearth.log.level", "WARN");
            int code;
            try {
                code = app.hearth.gateway.operator.OperatorCommand.run(args, Settings.load(System.getenv()), System.out, System.err);
            } catch (ConfigException e) {
                System.err.println("Hearth configuration error: " + e.getMessage());
                code = 2;
            }
            System.exit(code);
            return;
        }
        if (args.length > 0) {
            System.err.println("Usage: java -jar hearth.jar            start a node (configured by the environment)\n"
                    + "       java -jar hearth.jar new-care-keyset   print a new clinical-data keyset (JSON)\n"
                    + "       java -jar hearth.jar create-clinic --name NAME --time-zone ZONE --admin-name NAME --admin-email EMAIL\n"
                    + "       java -jar hearth.jar list-clinics      (both: HEARTH_OPERATOR_TOKEN, the node's management port)");
            System.exit(2);
            return;
        }
        // The log format before anything logs (docs/adr/0025, 0027): logback then starts with it, and
        // even the lines replayed from its own start are JSON when JSON is chosen.
        NodeConfig.LogFormat logFormat;
        try {
            logFormat = NodeConfig.logFormat(Settings.load(System.getenv()));
        } catch (ConfigException e) {
            System.err.println("Hearth configuration error: " + e.getMessage());
            System.exit(2);
            return;
        }
        app.hearth.gateway.logging.LogFormat.selectBeforeLogging(logFormat);
        // Before any Hazelcast class loads, so its start-up messages go through SLF4J too.
        System.setProperty("hazelcast.logging.type", "slf4j");
        System.setProperty("hazelcast.phone.home.enabled", "false");
        NodeConfig config;
        try {
            config = NodeConfig.from(Settings.load(System.getenv()));
        } catch (ConfigException e) {
            System.err.println("Hearth configuration error: " + e.getMessage());
            System.exit(2);
            return;
        }
        HearthNode node;
        try {
            node = HearthNode.start(config);
        } catch (RuntimeException e) {
            System.err.println(e.getMessage());
            System.exit(1);
            return;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(node::close, "hearth-shutdown"));
        String url = config.http().publicBaseUrl();
        StringBuilder line = new StringBuilder("Hearth is ready at ").append(url);
        if (config.demoSeed()) {
            line.append(" | demo accounts (password ").append(DemoClinic.PASSWORD).append("): ")
                    .append(String.join(", ", DemoClinic.EMAILS));
        }
        if (logFormat == NodeConfig.LogFormat.JSON) {
            // a log line like every other in JSON; the demo password stays out of logs (README has it)
            org.slf4j.LoggerFactory.getLogger(HearthMain.class).info("Hearth is ready at {}{}", url, config.demoSeed()
                    ? " | demo accounts: " + String.join(", ", DemoClinic.EMAILS) : "");
        } else {
            System.out.println(line);
        }
    }
}
