package app.hearth.room.library;

import app.hearth.platform.access.Actor;
import app.hearth.platform.access.Role;
import app.hearth.platform.security.OpaqueTokens;
import app.hearth.platform.store.Blocking;
import app.hearth.platform.store.Store;
import com.mongodb.client.gridfs.GridFSBucket;
import com.mongodb.client.gridfs.GridFSBuckets;
import com.mongodb.client.gridfs.GridFSDownloadStream;
import com.mongodb.client.gridfs.model.GridFSFile;
import com.mongodb.client.gridfs.model.GridFSUploadOptions;
import com.mongodb.client.model.Filters;
import io.vertx.core.Future;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import org.bson.BsonString;
import org.bson.Document;

/**
 * Audio files of the exercise library in MongoDB GridFS (bucket {@code audio}), through the MongoDB
 * Java Driver. Files belong to a clinic (uploads) or to everyone (the starter library). Reads are
 * by byte range so that browsers can seek without downloading a whole track.
 */
public final class AudioStore {

    public static final String BUCKET = "audio";
    /** Uploads larger than this are refused (a 10-minute 192 kbit/s MP3 is about 14 MB). */
    public static final long MAX_UPLOAD_BYTES = 25L * 1024 * 1024;
    /** The most one read returns: answers are streamed in pieces of this size, never held whole. */
    public static final int MAX_RANGE_BYTES = 1024 * 1024;
    public static final String STARTER = "starter";
    /** Uploads streaming into GridFS at once on one node; more get 503 with Retry-After. */
    public static final int MAX_UPLOADS_IN_FLIGHT = 4;
    /** Bytes an upload holds in memory before it waits for GridFS: one GridFS chunk. */
    public static final int UPLOAD_CHUNK_BYTES = 255 * 1024;

    /** What is known of a stored file. */
    public record AudioFile(String id, String clinicId, String mediaType, long length, String title) {
    }

    private final GridFSBucket bucket;
    private final Blocking blocking;
    private final StarterLibrary starter;
    private final java.util.concurrent.Semaphore uploadSlots = new java.util.concurrent.Semaphore(MAX_UPLOADS_IN_FLIGHT);

    /** @param starter renders the starter library's audio the first time each file is asked for */
    public AudioStore(Store store, Blocking blocking, StarterLibrary starter) {
        this.bucket = GridFSBuckets.create(store.database(), BUCKET);
        this.blocking = blocking;
        this.starter = starter;
    }

    /** Whether the caller's role may add audio: the care team and admins, never patients. */
    public static boolean mayUpload(Actor actor) {
        return !actor.is(Role.PATIENT);
    }

    /**
     * Starts a streamed upload for the caller's clinic, or gives nothing when
     * {@link #MAX_UPLOADS_IN_FLIGHT} uploads are already in flight on this node. The caller feeds
     * it piece by piece (one call at a time, each after the previous one completed) and ends it with
     * {@link StreamedUpload#finish()} or {@link StreamedUpload#abort()}; either frees the slot.
     */
    public java.util.Optional<StreamedUpload> startUpload(Actor actor, String title) {
        if (!mayUpload(actor)) {
            throw app.hearth.platform.problem.CommonProblems.FORBIDDEN.exception("Only the care team adds audio");
        }
        if (!uploadSlots.tryAcquire()) {
            return java.util.Optional.empty();
        }
        return java.util.Optional.of(new StreamedUpload(actor.clinicId(), title));
    }

    /**
     * One upload on its way into GridFS. Its first bytes decide what it is; it never holds more than
     * the piece being written, and its size is checked as it grows: past {@link #MAX_UPLOAD_BYTES}
     * it is refused and what was written is deleted.
     */
    public final class StreamedUpload {
        private final String id = "a" + OpaqueTokens.newSecret().substring(0, 21);
        private final String clinicId;
        private final String title;
        private com.mongodb.client.gridfs.GridFSUploadStream stream;
        private AudioFormat format;
        private long length;
        private boolean released;

        private StreamedUpload(String clinicId, String title) {
            this.clinicId = clinicId;
            this.title = title;
        }

        /**
         * Checks the first bytes (at least 16, or all there are) and remembers the format; fails
         * with unsupported-audio when they are not audio Hearth can play.
         */
        public void recognise(byte[] head) {
            format = AudioFormat.sniff(head).orElseThrow(
                    () -> LibraryProblems.UNSUPPORTED_AUDIO.exception("That file is not audio Hearth can play"));
        }

        public boolean recognised() {
            return format != null;
        }

        /** Writes the next piece into GridFS (on the store's pool). */
        public Future<Void> write(byte[] bytes) {
            if (format == null) {
                return Future.failedFuture(new IllegalStateException("recognise the upload before writing it"));
            }
            if (length + bytes.length > MAX_UPLOAD_BYTES) {
                return Future.failedFuture(tooLarge());
            }
            length += bytes.length;
            return blocking.run(() -> {
                if (stream == null) {
                    stream = bucket.openUploadStream(new BsonString(id), title == null ? id : title,
                            new GridFSUploadOptions().chunkSizeBytes(UPLOAD_CHUNK_BYTES).metadata(new Document("clinicId", clinicId)
                                    .append("mediaType", format.mediaType()).append("title", title)));
                }
                stream.write(bytes);
                return null;
            });
        }

        /** Completes the file; an upload under 64 bytes is not audio and is deleted instead. */
        public Future<AudioFile> finish() {
            if (format == null || length < 64) {
                return abort().transform(ignored -> Future.failedFuture(
                        LibraryProblems.UNSUPPORTED_AUDIO.exception("That file is not audio Hearth can play")));
            }
            return blocking.run(() -> {
                try {
                    stream.close();
                    return new AudioFile(id, clinicId, format.mediaType(), length, title);
                } catch (RuntimeException e) {
                    stream.abort();
                    throw e;
                }
            }).andThen(done -> release());
        }

        /** Deletes whatever was written and frees the slot; safe to call more than once. */
        public Future<Void> abort() {
            if (stream == null) {
                release();
                return Future.succeededFuture();
            }
            return blocking.<Void>run(() -> {
                try {
                    stream.abort();
                } catch (IllegalStateException closed) {
                    // aborted or closed already
                }
                return null;
            }).andThen(done -> release());
        }

        private synchronized void release() {
            if (!released) {
                released = true;
                uploadSlots.release();
            }
        }
    }

    public static app.hearth.platform.problem.ProblemException tooLarge() {
        return LibraryProblems.AUDIO_TOO_LARGE.exception("At most " + MAX_UPLOAD_BYTES / (1024 * 1024) + " MB");
    }

    private AudioFile put(String id, String clinicId, AudioFormat format, String title, byte[] bytes) {
        bucket.uploadFromStream(new BsonString(id), title == null ? id : title, new ByteArrayInputStream(bytes),
                new GridFSUploadOptions().chunkSizeBytes(255 * 1024).metadata(new Document("clinicId", clinicId)
                        .append("mediaType", format.mediaType()).append("title", title)));
        return new AudioFile(id, clinicId, format.mediaType(), bytes.length, title);
    }

    /** The file if the caller's clinic may hear it (its own uploads and the starter library). */
    public Future<AudioFile> find(Actor actor, String id) {
        return blocking.run(() -> visible(actor.clinicId(), id));
    }

    /** Whether a clinic may use this audio id in its exercises. */
    public AudioFile visible(String clinicId, String id) {
        GridFSFile file = id == null || id.length() > 64 ? null : bucket.find(Filters.eq("_id", new BsonString(id))).first();
        if (file == null && id != null && starter.audioIds().contains(id)) {
            return renderStarter(id);
        }
        if (file == null) {
            throw LibraryProblems.AUDIO_NOT_FOUND.exception(null);
        }
        AudioFile audio = describe(file);
        if (!STARTER.equals(audio.clinicId()) && !audio.clinicId().equals(clinicId)) {
            throw LibraryProblems.AUDIO_NOT_FOUND.exception(null);
        }
        return audio;
    }

    /**
     * Renders and stores a starter file on first use. Two nodes may race; GridFS's unique indexes let
     * one win, and the other reads what the winner stored.
     */
    private AudioFile renderStarter(String id) {
        // One render at a time on this node, and a second look once inside: a room's pages all ask
        // for the same track at the same moment, and only the first should make it.
        synchronized (starter) {
            GridFSFile stored = bucket.find(Filters.eq("_id", new BsonString(id))).first();
            if (stored != null) {
                return describe(stored);
            }
            byte[] wav = starter.render(id).orElseThrow(() -> LibraryProblems.AUDIO_NOT_FOUND.exception(null));
            try {
                return put(id, STARTER, AudioFormat.WAV, starter.title(id).orElse(id), wav);
            } catch (RuntimeException raced) {
                stored = bucket.find(Filters.eq("_id", new BsonString(id))).first();
                if (stored == null) {
                    throw raced;
                }
                return describe(stored);
            }
        }
    }

    /** Up to {@link #MAX_RANGE_BYTES} bytes from {@code offset}; the caller has checked the range. */
    public Future<byte[]> read(AudioFile file, long offset, long length) {
        int size = (int) Math.min(length, MAX_RANGE_BYTES);
        return blocking.run(() -> {
            try (GridFSDownloadStream in = bucket.openDownloadStream(new BsonString(file.id()))) {
                long skipped = 0;
                while (skipped < offset) {
                    long n = in.skip(offset - skipped);
                    if (n <= 0) {
                        break;
                    }
                    skipped += n;
                }
                byte[] out = new byte[size];
                int read = 0;
                while (read < size) {
                    int n = in.read(out, read, size - read);
                    if (n < 0) {
                        break;
                    }
                    read += n;
                }
                return read == size ? out : Arrays.copyOf(out, read);
            } catch (RuntimeException e) {
                throw e;
            } catch (Exception e) {
                throw new UncheckedIOException(new IOException(e));
            }
        });
    }

    private static AudioFile describe(GridFSFile file) {
        Document meta = file.getMetadata() == null ? new Document() : file.getMetadata();
        return new AudioFile(file.getId().asString().getValue(), meta.getString("clinicId"), meta.getString("mediaType"),
                file.getLength(), meta.getString("title"));
    }
}
