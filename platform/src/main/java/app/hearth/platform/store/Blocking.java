package app.hearth.platform.store;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import java.util.concurrent.Callable;

/**
 * Runs blocking work (the synchronous MongoDB driver, password hashing) off the event loop and
 * hands back a {@link Future} that completes on the caller's context. Domain services take one of
 * these rather than a Vertx instance so they stay free of Vert.x HTTP types and easy to test.
 */
public interface Blocking {

    <T> Future<T> run(Callable<T> work);

    /** A pool of its own, so a slow store cannot starve the other blocking work of the node. */
    static Blocking pool(Vertx vertx, String name, int size) {
        WorkerExecutor executor = vertx.createSharedWorkerExecutor(name, size);
        return new Blocking() {
            @Override
            public <T> Future<T> run(Callable<T> work) {
                return executor.executeBlocking(work, false);
            }
        };
    }
}
