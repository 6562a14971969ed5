package app.hearth.room.presence;

import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.DisplayName;

@DisplayName("Presence in one node's memory")
class InMemoryPresenceStoreTest extends PresenceStoreContract {

    static final Duration TTL = Duration.ofSeconds(1);
    final InMemoryPresenceStore store = new InMemoryPresenceStore(TTL, Clock.systemUTC());

    @Override
    PresenceStore writer() {
        return store;
    }

    @Override
    PresenceStore reader() {
        return store;
    }

    @Override
    Duration ttl() {
        return TTL;
    }
}
