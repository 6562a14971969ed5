package app.hearth.platform.store;

import de.bwaldvogel.mongo.backend.h2.H2Backend;
import de.bwaldvogel.mongo.bson.Document;
import io.netty.channel.Channel;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.h2.mvstore.MVStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * mongo-java-server's H2 backend made durable: a command that may have changed data is committed
 * to the store file before its reply goes out.
 *
 * <p>{@link H2Backend} opens its MVStore with H2's background auto-commit, which writes changes
 * about once a second; the server answered (and Hearth acknowledged) writes that a {@code kill -9}
 * in that second lost. Here the MVStore is opened with auto-commit off (no background writer, so
 * every store operation runs synchronously in the thread that asks for it) and every command not
 * known to be read-only ends with {@link #makeDurable()}.
 *
 * <p>Group commit: a writer takes a ticket after its change is applied in memory; whoever holds the
 * flush lock commits everything applied so far (and fsyncs it when asked) and marks all tickets up
 * to that point durable, so writers that queued behind one flush return without their own. Under
 * load one MVStore commit (one chunk written, one fsync) covers many concurrent writes.
 *
 * <p>Housekeeping the background writer did (rewriting sparse chunks so the file does not grow
 * without bound) runs on a daemon thread of its own, under the same flush lock.
 */
final class DurableH2Backend extends H2Backend {

    private static final Logger LOG = LoggerFactory.getLogger(DurableH2Backend.class);

    /** Commands that never change data: no commit after them. Anything else (also unknown commands) commits. */
    private static final Set<String> READ_ONLY = Set.of("find", "getmore", "count", "distinct", "listcollections",
            "listindexes", "listdatabases", "hello", "ismaster", "buildinfo", "ping", "serverstatus", "whatsmyuri",
            "getlasterror", "killcursors", "endsessions", "connectionstatus", "hostinfo", "getcmdlineopts", "getlog",
            "getparameter", "dbstats", "collstats", "explain", "getfreemonitoringstatus", "replsetgetstatus");

    private final MVStore mvStore;
    private final boolean fsync;
    private final AtomicLong applied = new AtomicLong();
    private final Object flushLock = new Object();
    private long durable; // guarded by flushLock
    private long writesAtLastHousekeeping; // guarded by flushLock
    private final ScheduledExecutorService housekeeping;

    private DurableH2Backend(MVStore mvStore, boolean fsync) {
        super(mvStore);
        this.mvStore = mvStore;
        this.fsync = fsync;
        this.housekeeping = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "hearth-store-housekeeping");
            t.setDaemon(true);
            return t;
        });
        housekeeping.scheduleWithFixedDelay(this::compact, 30, 30, TimeUnit.SECONDS);
    }

    /**
     * @param fileName the MVStore file
     * @param fsync also force every commit to the device ({@code FileChannel.force}); without it a
     *              commit survives the process (kill -9) but not a power loss
     */
    static DurableH2Backend open(String fileName, boolean fsync) {
        MVStore store = new MVStore.Builder().fileName(fileName).autoCommitDisabled().open();
        return new DurableH2Backend(store, fsync);
    }

    @Override
    public Document handleCommand(Channel channel, String databaseName, String command, Document query) {
        if (READ_ONLY.contains(command.toLowerCase(Locale.ROOT))) {
            return super.handleCommand(channel, databaseName, command, query);
        }
        try {
            return super.handleCommand(channel, databaseName, command, query);
        } finally {
            // also after a failed command: an insert of many documents may have applied some before failing
            makeDurable();
        }
    }

    /** Returns once every change applied before the call is in the store file (and on the device, with fsync). */
    void makeDurable() {
        long ticket = applied.incrementAndGet();
        synchronized (flushLock) {
            if (durable >= ticket) {
                return; // a flush that started after this change was applied covered it
            }
            long upTo = applied.get(); // every ticket up to here belongs to a change already applied
            flush();
            durable = upTo;
        }
    }

    private void flush() {
        mvStore.commit();
        if (fsync) {
            mvStore.sync();
        }
    }

    private void compact() {
        try {
            synchronized (flushLock) {
                if (mvStore.isClosed() || writesAtLastHousekeeping == applied.get()) {
                    return;
                }
                writesAtLastHousekeeping = applied.get();
                if (mvStore.compact(50, 4 * 1024 * 1024)) {
                    flush();
                }
            }
        } catch (RuntimeException e) {
            LOG.warn("Embedded store housekeeping failed: {}", e.toString());
        }
    }

    /**
     * Closes the store; the server has stopped taking commands by now. Nobody reads an older version
     * any more, so the file is compacted for up to 2 s first: within H2's retention time (45 s) every
     * commit is a new chunk, and under steady writes the file grows to what that window holds.
     */
    @Override
    public void close() {
        housekeeping.shutdownNow();
        synchronized (flushLock) {
            try {
                if (!mvStore.isClosed()) {
                    flush();
                    mvStore.compactFile(2000);
                }
            } catch (RuntimeException e) {
                LOG.warn("Compacting the embedded store on close failed: {}", e.toString());
            }
            super.close();
        }
    }
}
