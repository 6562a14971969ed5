package app.hearth.room.presence;

import io.vertx.core.Future;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Who has a live Hearth connection (an open room socket: every signed-in page keeps one) anywhere in
 * the cluster, by person: what "the therapist has no Hearth page open" asks (issue 15, the
 * patient-waiting email). One entry per socket, written by the node that holds it, removed when it
 * closes; like the seats, a cache of live connections and never the record of anything. A node
 * that dies takes its entries with it ({@link #nodeLeft}, and a periodic sweep of non-members'
 * entries as the backstop), and a node puts its own right after a split's merge ({@link #refresh}).
 */
public interface LiveConnections {

    /** A socket of the person opened on this node. */
    void opened(String connectionId, String clinicId, String personId);

    /** The socket closed (either side). */
    void closed(String connectionId);

    /** Whether the person has at least one open socket on any node. */
    Future<Boolean> anywhere(String clinicId, String personId);

    /** Puts back this node's entries the cluster lost and drops stale ones; periodically and after a merge. */
    Future<Void> refresh();

    /** A cluster member left: its sockets are gone. */
    void nodeLeft(String nodeId);

    /** A node that is not clustered: its own sockets are all there are. */
    static LiveConnections inMemory() {
        Map<String, String> open = new ConcurrentHashMap<>();
        return new LiveConnections() {
            @Override
            public void opened(String connectionId, String clinicId, String personId) {
                open.put(connectionId, clinicId + "/" + personId);
            }

            @Override
            public void closed(String connectionId) {
                open.remove(connectionId);
            }

            @Override
            public Future<Boolean> anywhere(String clinicId, String personId) {
                return Future.succeededFuture(open.containsValue(clinicId + "/" + personId));
            }

            @Override
            public Future<Void> refresh() {
                return Future.succeededFuture();
            }

            @Override
            public void nodeLeft(String nodeId) {
            }
        };
    }
}
