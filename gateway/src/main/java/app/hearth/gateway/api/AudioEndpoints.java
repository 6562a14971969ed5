package app.hearth.gateway.api;

import app.hearth.gateway.http.Authenticate;
import app.hearth.room.library.AudioStore;
import app.hearth.room.library.LibraryProblems;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code POST /api/audio} and {@code GET /api/audio/{id}} (documented in the OpenAPI contract). They
 * are mounted ahead of the contract's router because their bodies are audio: uploads get a body limit
 * of their own, and answers are streamed in 1 MiB pieces with byte ranges so that players can seek.
 */
public final class AudioEndpoints {

    private static final Pattern BYTES = Pattern.compile("^bytes=(\\d*)-(\\d*)$");
    private static final Pattern ID = Pattern.compile("^[A-Za-z0-9_-]{1,64}$");

    private final AudioStore audio;
    private final Authenticate authenticate;

    public AudioEndpoints(AudioStore audio, Authenticate authenticate) {
        this.audio = audio;
        this.authenticate = authenticate;
    }

    public void mount(Router router) {
        router.post("/api/audio").handler(BodyHandler.create(false).setBodyLimit(AudioStore.MAX_UPLOAD_BYTES))
                .handler(authenticate).handler(this::upload);
        router.get("/api/audio/:audioId").handler(authenticate).handler(this::download);
    }

    private void upload(RoutingContext ctx) {
        String title = ctx.queryParams().get("title");
        if (title != null && title.length() > 120) {
            title = title.substring(0, 120);
        }
        Buffer body = ctx.body() == null ? null : ctx.body().buffer();
        byte[] bytes = body == null ? new byte[0] : body.getBytes();
        Replies.reply(ctx, audio.upload(Authenticate.actor(ctx), title, bytes), 201, file -> new JsonObject()
                .put("id", file.id()).put("mediaType", file.mediaType()).put("length", file.length()).put("title", file.title()));
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
