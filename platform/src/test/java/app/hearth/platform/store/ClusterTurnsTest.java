package app.hearth.platform.store;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("Turns at cluster chores: one taker until the turn runs out, through the driver over TCP")
class ClusterTurnsTest {

    @TempDir
    Path dataDirectory;

    @Test
    @DisplayName("the first asker takes the turn, others are refused until it runs out, then the next asker takes it")
    void oneTakerAtATime() {
        try (EmbeddedMongoServer server = EmbeddedMongoServer.start(dataDirectory, 0);
             Store store = Store.connect(server.connectionString(), "hearth")) {
            ClusterTurns nodeA = new ClusterTurns(store);
            ClusterTurns nodeB = new ClusterTurns(store);
            Instant t0 = Instant.parse("2026-12-03T10:00:00Z");
            Duration hold = Duration.ofMinutes(5);

            assertTrue(nodeA.take("scan", t0, hold), "nobody held it");
            assertFalse(nodeB.take("scan", t0.plusSeconds(1), hold), "A holds it");
            assertFalse(nodeA.take("scan", t0.plusSeconds(60), hold), "A's own turn is not taken twice");
            assertTrue(nodeB.take("other-chore", t0.plusSeconds(1), hold), "chores are independent");
            assertTrue(nodeB.take("scan", t0.plus(hold), hold), "A's turn ran out");
            assertFalse(nodeA.take("scan", t0.plus(hold).plusSeconds(1), hold), "now B holds it");
        }
    }
}
