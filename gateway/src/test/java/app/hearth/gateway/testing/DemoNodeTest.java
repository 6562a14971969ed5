package app.hearth.gateway.testing;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * Base for API test classes that share one node with the demo clinic and a signed-in demo admin.
 * Test classes run one after another, so the static fields belong to the class running now.
 */
public abstract class DemoNodeTest {

    protected static TestNode node;
    protected static ApiClient api;
    /** The demo admin's access token. */
    protected static String admin;

    @BeforeAll
    static void startDemoNode() {
        node = TestNode.start();
        api = new ApiClient(node.baseUrl());
        admin = api.accessToken("admin@demo.hearth", "hearth-demo");
    }

    @AfterAll
    static void stopDemoNode() {
        if (node != null) {
            node.close();
            node = null;
        }
    }
}
