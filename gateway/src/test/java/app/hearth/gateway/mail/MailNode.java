package app.hearth.gateway.mail;

import app.hearth.gateway.testing.ApiClient;
import app.hearth.gateway.testing.TestNode;
import java.util.HashMap;
import java.util.Map;

/**
 * A node whose mail goes to a GreenMail server of its own on loopback, with the demo admin signed in:
 * the set-up most mail tests share. Closing it stops the node before the SMTP server, so no send is
 * cut off by a server that went first.
 */
record MailNode(TestSmtp smtp, TestNode node, ApiClient api, String admin) implements AutoCloseable {

    /** @param settings the node's settings beyond the SMTP server's */
    static MailNode start(Map<String, String> settings) {
        TestSmtp smtp = new TestSmtp(TestNode.freePort());
        try {
            Map<String, String> all = new HashMap<>(smtp.settings());
            all.putAll(settings);
            TestNode node = TestNode.start(all);
            ApiClient api = new ApiClient(node.baseUrl());
            return new MailNode(smtp, node, api, api.accessToken("admin@demo.hearth", "hearth-demo"));
        } catch (RuntimeException e) {
            smtp.close();
            throw e;
        }
    }

    @Override
    public void close() {
        try {
            node.close();
        } finally {
            smtp.close();
        }
    }
}
