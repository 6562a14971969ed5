package app.hearth.gateway.api;

import app.hearth.gateway.http.Authenticate;
import app.hearth.gateway.http.ProblemResponder;
import app.hearth.platform.access.Actor;
import app.hearth.platform.problem.CommonProblems;
import app.hearth.room.library.AudioStore;
import app.hearth.room.library.LibraryProblems;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code POST /api/audio} and {@code GET /api/audio/{id}} (documented in the OpenAPI contract). They
 * are mounted ahead of the contract's router because their bodies are audio: an upload is read only
 * after its caller is authenticated and allowed to add audio, streams into GridFS under the size limit
 * (never held whole), and at most {@link AudioStore#MAX_UPLOADS_IN_FLIGHT} run at once on a node;
 * answers are streamed in 1 MiB pieces with byte ranges so that players can seek.
 */
public final class AudioEndpoints {

    private static final Pattern BYTES = Pattern.compile("^bytes=(\\d*)-(\\d*)$");
    private static final Pattern ID = Pattern.compile("^[A-Za-z0-9_-]{1,64}$");

    private static final String RETRY_AFTER_SECONDS = "5";
    private static final long IDLE_CHECK_MS = 5_000;
    /** An upload that sends nothing for this long is dropped, so a silent client cannot keep a slot. */
    private static final long IDLE_LIMIT_NANOS = java.util.concurrent.TimeUnit.SECONDS.toNanos(30);

    private final AudioStore audio;
    private final Authenticate authenticate;

    public AudioEndpoints(AudioStore audio, Authenticate authenticate) {
        this.audio = audio;
        this.authenticate = authenticate;
    }

    public void mount(Router router) {
        // No body handler: nothing of an upload is read until the caller is known and may upload
        // (the request stays paused meanwhile, and 100 Continue is only sent then); refusals close
        // the connection so that the client stops sending. The body then streams into GridFS.
        router.post("/api/audio").handler(AudioEndpoints::holdBody).handler(authenticate).handler(this::upload)
                .failureHandler(AudioEndpoints::refuseAndClose);
        router.get("/api/audio/:audioId").handler(authenticate).handler(this::download);
    }

    /** Keeps the body unread, and refuses a declared length over the limit before anything else. */
    private static void holdBody(RoutingContext ctx) {
        HttpServerRequest request = ctx.request();
        request.pause();
        String declared = request.getHeader(HttpHeaders.CONTENT_LENGTH);
        if (declared != null) {
            long length;
            try {
                length = Long.parseLong(declared.strip());
            } catch (NumberFormatException e) {
                length = -1;
            }
            if (length < 0) {
                ctx.fail(CommonProblems.INVALID_REQUEST.exception("Content-Length is not a number"));
                return;
            }
            if (length > AudioStore.MAX_UPLOAD_BYTES) {
                ctx.fail(AudioStore.tooLarge());
                return;
            }
        }
        ctx.next();
    }

    /**
     * Answers a refused upload as problem+json and, when its body has not been read to the end,
     * closes the connection once the answer is out: the rest of the body is never read.
     */
    private static void refuseAndClose(RoutingContext ctx) {
        HttpServerRequest request = ctx.request();
        // HTTP/2 needs no close: the paused stream's flow-control window already stops the client.
        if (!request.isEnded() && !ctx.response().headWritten() && request.version() != HttpVersion.HTTP_2) {
            ctx.response().putHeader(HttpHeaders.CONNECTION, "close");
            HttpConnection connection = request.connection();
            ctx.response().endHandler(v -> connection.close());
        }
        ProblemResponder.handleFailure(ctx);
    }

    private void upload(RoutingContext ctx) {
        Actor actor = Authenticate.actor(ctx);
        if (!AudioStore.mayUpload(actor)) {
            ctx.fail(CommonProblems.FORBIDDEN.exception("Only the care team adds audio"));
            return;
        }
        String title = ctx.queryParams().get("title");
        if (title != null && title.length() > 120) {
            title = title.substring(0, 120);
        }
        AudioStore.StreamedUpload upload = audio.startUpload(actor, title).orElse(null);
        if (upload == null) {
            ctx.response().putHeader("Retry-After", RETRY_AFTER_SECONDS);
            ctx.fail(CommonProblems.UNAVAILABLE.exception("Other uploads are in progress; try again shortly"));
            return;
        }
        new UploadPump(ctx, upload).start();
    }

    /**
     * Moves one upload's body into GridFS with bounded memory: it collects up to one GridFS chunk,
     * pauses the request while that piece is written, and resumes after. The size limit holds on
     * the bytes as they arrive; past it, or when the client goes away or stays silent too long,
     * what was written is deleted.
     */
    private final class UploadPump {
        private final RoutingContext ctx;
        private final HttpServerRequest request;
        private final AudioStore.StreamedUpload upload;
        private Buffer pending = Buffer.buffer();
        private long received;
        private boolean writing;
        private boolean ended;
        private boolean finished;
        private long idleTimer = -1;
        private long lastData = System.nanoTime();

        UploadPump(RoutingContext ctx, AudioStore.StreamedUpload upload) {
            this.ctx = ctx;
            this.request = ctx.request();
            this.upload = upload;
        }

        void start() {
            request.handler(this::data);
            request.endHandler(v -> {
                ended = true;
                cancelIdleTimer();
                if (!finished && !writing) {
                    next();
                }
            });
            request.exceptionHandler(e -> stop(null)); // the client went away: nothing to answer
            idleTimer = ctx.vertx().setPeriodic(IDLE_CHECK_MS, id -> {
                if (!ended && !writing && System.nanoTime() - lastData > IDLE_LIMIT_NANOS) {
                    stop(CommonProblems.INVALID_REQUEST.exception("The upload stalled"));
                }
            });
            if (request.headers().contains(HttpHeaders.EXPECT, HttpHeaders.CONTINUE, true)
                    && request.version() != HttpVersion.HTTP_1_0) {
                ctx.response().writeContinue();
            }
            request.resume();
        }

        private void data(Buffer chunk) {
            if (finished) {
                return;
            }
            lastData = System.nanoTime();
            received += chunk.length();
            if (received > AudioStore.MAX_UPLOAD_BYTES) {
                stop(AudioStore.tooLarge());
                return;
            }
            pending.appendBuffer(chunk);
            if (!upload.recognised() && pending.length() >= 16) {
                try {
                    upload.recognise(pending.getBytes(0, 16));
                } catch (RuntimeException notAudio) {
                    stop(notAudio);
                    return;
                }
            }
            if (pending.length() >= AudioStore.UPLOAD_CHUNK_BYTES) {
                if (writing) {
                    request.pause(); // resumed when the piece in GridFS is written
                } else {
                    next();
                }
            }
        }

        /** Writes what is pending (a full chunk, or the rest at the end), or finishes. */
        private void next() {
            if (finished) {
                return;
            }
            if (ended && !upload.recognised()) {
                try {
                    upload.recognise(pending.getBytes());
                } catch (RuntimeException notAudio) {
                    stop(notAudio);
                    return;
                }
            }
            if (pending.length() >= AudioStore.UPLOAD_CHUNK_BYTES || (ended && pending.length() > 0)) {
                byte[] piece = pending.getBytes();
                pending = Buffer.buffer();
                writing = true;
                upload.write(piece).onComplete(done -> {
                    writing = false;
                    if (done.failed()) {
                        stop(done.cause());
                    } else if (!finished) {
                        next();
                        if (!ended && !finished) {
                            request.resume();
                        }
                    }
                });
                return;
            }
            if (ended) {
                finished = true;
                cancelIdleTimer();
                upload.finish().onComplete(done -> {
                    if (done.failed()) {
                        ctx.fail(done.cause());
                        return;
                    }
                    AudioStore.AudioFile file = done.result();
                    ctx.response().setStatusCode(201).putHeader("Content-Type", "application/json")
                            .putHeader("Cache-Control", "no-store")
                            .end(new JsonObject().put("id", file.id()).put("mediaType", file.mediaType())
                                    .put("length", file.length()).put("title", file.title()).encode());
                });
            }
        }

        /** Deletes what was written and answers {@code why} (nothing when the client is gone). */
        private void stop(Throwable why) {
            if (finished) {
                return;
            }
            finished = true;
            cancelIdleTimer();
            request.pause();
            upload.abort();
            if (why != null) {
                ctx.fail(why);
            }
        }

        private void cancelIdleTimer() {
            if (idleTimer >= 0) {
                ctx.vertx().cancelTimer(idleTimer);
                idleTimer = -1;
            }
        }
    }

    private void download(RoutingContext ctx) {
        String id = ctx.pathParam("audioId");
        if (!ID.matcher(id).matches()) {
            ctx.fail(LibraryProblems.AUDIO_NOT_FOUND.exception(null));
            return;
        }
        audio.find(Authenticate.actor(ctx), id).onFailure(ctx::fail).onSuccess(file -> {
            long length = file.length();
            HttpServerResponse response = ctx.response().putHeader("Accept-Ranges", "bytes")
                    .putHeader("Content-Type", file.mediaType()).putHeader("Cache-Control", "private, max-age=3600");
            String range = ctx.request().getHeader("Range");
            long start = 0;
            long end = length - 1;
            if (range != null && range.startsWith("bytes=")) {
                Matcher m = BYTES.matcher(range.strip());
                long[] wanted = m.matches() ? parse(m.group(1), m.group(2), length) : null;
                if (wanted == null) {
                    response.putHeader("Content-Range", "bytes */" + length);
                    ctx.fail(LibraryProblems.RANGE_NOT_SATISFIABLE.exception("The file has " + length + " bytes"));
                    return;
                }
                start = wanted[0];
                end = wanted[1];
                response.setStatusCode(206).putHeader("Content-Range", "bytes " + start + "-" + end + "/" + length);
            } else {
                response.setStatusCode(200);
            }
            response.putHeader("Content-Length", Long.toString(end - start + 1));
            if ("HEAD".equals(ctx.request().method().name())) {
                response.end();
                return;
            }
            stream(ctx, file, start, end);
        });
    }

    /** First and last byte of a single range, or null when it is malformed or outside the file. */
    static long[] parse(String first, String last, long length) {
        try {
            if (first.isEmpty() && last.isEmpty()) {
                return null;
            }
            if (first.isEmpty()) { // the last n bytes
                long n = Long.parseLong(last);
                return n <= 0 || length == 0 ? null : new long[] {Math.max(0, length - n), length - 1};
            }
            long a = Long.parseLong(first);
            long b = last.isEmpty() ? length - 1 : Math.min(Long.parseLong(last), length - 1);
            return a >= length || b < a ? null : new long[] {a, b};
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** Writes the bytes piece by piece, waiting for the client to drain, so memory stays flat. */
    private void stream(RoutingContext ctx, AudioStore.AudioFile file, long from, long to) {
        HttpServerResponse response = ctx.response();
        if (from > to) {
            response.end();
            return;
        }
        long size = Math.min(AudioStore.MAX_RANGE_BYTES, to - from + 1);
        audio.read(file, from, size).onFailure(e -> response.reset()).onSuccess(bytes -> {
            if (bytes.length == 0) {
                response.reset();
                return;
            }
            Future<Void> written = response.write(Buffer.buffer(bytes));
            long next = from + bytes.length;
            if (next > to) {
                written.onComplete(v -> response.end());
            } else if (response.writeQueueFull()) {
                response.drainHandler(v -> stream(ctx, file, next, to));
            } else {
                stream(ctx, file, next, to);
            }
        });
    }
}
