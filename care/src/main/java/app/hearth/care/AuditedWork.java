package app.hearth.care;

import app.hearth.platform.access.Actor;
import app.hearth.platform.audit.AuditEntry;
import app.hearth.platform.audit.AuditEntry.Outcome;
import app.hearth.platform.audit.AuditLog;
import app.hearth.platform.problem.ProblemException;
import app.hearth.platform.store.Blocking;
import io.vertx.core.Future;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.Callable;
import java.util.function.Function;

/**
 * How every service of the clinical record runs a read or a write: on the store pool, then audited
 * — a success as such, a refusal of access (403 or 404) as denied before it is answered. Bad input
 * and conflicts are not audited as access: nothing was read or written.
 */
public final class AuditedWork {

    private final AuditLog audit;
    private final Blocking store;
    private final Clock clock;

    public AuditedWork(AuditLog audit, Blocking store, Clock clock) {
        this.audit = audit;
        this.store = store;
        this.clock = clock;
    }

    public <T> Future<T> run(Actor actor, String action, String resourceType, String resourceId, Callable<T> work) {
        return store.run(work).compose(
                result -> audit.record(AuditEntry.of(actor, now(), action, resourceType, resourceId, Outcome.SUCCESS)).map(result),
                denied(actor, action, resourceType, resourceId));
    }

    /** For work audited its own way on success: a refusal of access is recorded as denied, then passed on. */
    public <T> Function<Throwable, Future<T>> denied(Actor actor, String action, String resourceType, String resourceId) {
        return failure -> {
            if (failure instanceof ProblemException p && (p.type().status() == 403 || p.type().status() == 404)) {
                return audit.record(AuditEntry.of(actor, now(), action, resourceType, resourceId, Outcome.DENIED))
                        .transform(ignored -> Future.<T>failedFuture(failure));
            }
            return Future.failedFuture(failure);
        };
    }

    /** The store keeps milliseconds: answers made now say what a later read will say. */
    public Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MILLIS);
    }
}
