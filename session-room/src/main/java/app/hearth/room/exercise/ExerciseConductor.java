package app.hearth.room.exercise;

import app.hearth.platform.access.Actor;
import app.hearth.protocol.ws.WsErrorCode;
import app.hearth.room.RoomException;
import app.hearth.room.library.ExerciseLibrary;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.util.Optional;

/**
 * Applies a host's command to a room's exercise state: start (or switch) an item, play, pause,
 * step forward or back, seek, stop. The server's state is the authority: {@code version} grows by
 * one with every change, and a command based on another version than the stored one is refused, so
 * two hosts (a circle's facilitators) cannot undo each other by accident. The caller has checked
 * that the actor hosts the room.
 */
public final class ExerciseConductor {

    private final ExerciseStates states;
    private final ExerciseLibrary library;
    private final Clock clock;

    public ExerciseConductor(ExerciseStates states, ExerciseLibrary library, Clock clock) {
        this.states = states;
        this.library = library;
        this.clock = clock;
    }

    public Future<Optional<JsonObject>> current(String roomId) {
        return states.get(roomId);
    }

    /** @return the new state, stored */
    public Future<JsonObject> command(Actor host, String roomId, JsonObject command) {
        return states.get(roomId).compose(stored -> {
            JsonObject current = stored.orElse(null);
            int version = current == null ? 0 : current.getInteger("version");
            if (command.getInteger("version") != version) {
                throw new RoomException(WsErrorCode.STALE_VERSION, "The exercise changed meanwhile (now version " + version
                        + "); look again and retry");
            }
            String action = command.getString("action");
            Future<JsonObject> next = "start".equals(action) ? start(host, command.getString("itemId"), version)
                    : Future.succeededFuture(apply(current, action, command, version));
            return next.compose(state -> states.replace(roomId, current, state).map(done -> {
                if (!done) {
                    throw new RoomException(WsErrorCode.STALE_VERSION, "Someone else changed the exercise just now; look again");
                }
                return state;
            }));
        });
    }

    private Future<JsonObject> start(Actor host, String itemId, int version) {
        if (itemId == null) {
            return Future.failedFuture(new RoomException(WsErrorCode.INVALID_MESSAGE, "Name the exercise to start (itemId)"));
        }
        return library.runnable(host, itemId).recover(e -> Future.failedFuture(
                new RoomException(WsErrorCode.NOT_FOUND, "There is no exercise " + itemId + " in your library"))).map(item -> {
                    JsonArray segments = new JsonArray();
                    boolean playlist = "playlist".equals(item.getString("kind"));
                    JsonArray parts = item.getJsonArray(playlist ? "tracks" : "steps");
                    for (int i = 0; i < parts.size(); i++) {
                        JsonObject part = parts.getJsonObject(i);
                        JsonObject segment = new JsonObject()
                                .put("durationMs", Math.round(part.getDouble("durationSeconds") * 1000));
                        for (String key : new String[] {"title", "text", "audioId", "cueAudioId", "backgroundAudioId"}) {
                            if (part.getString(key) != null) {
                                segment.put(key, part.getString(key));
                            }
                        }
                        if (part.getJsonObject("pacer") != null) {
                            segment.put("pacer", part.getJsonObject("pacer"));
                        }
                        segments.add(segment);
                    }
                    return new JsonObject().put("version", version + 1).put("itemId", item.getString("id"))
                            .put("kind", item.getString("kind")).put("title", item.getString("title")).put("playing", true)
                            .put("step", 0).put("positionMs", 0L).put("anchorServerTime", clock.millis()).put("segments", segments);
                });
    }

    private JsonObject apply(JsonObject current, String action, JsonObject command, int version) {
        if ("stop".equals(action)) {
            return stopped(version + 1);
        }
        if (current == null || current.getString("itemId") == null) {
            throw new RoomException(WsErrorCode.NOT_FOUND, "No exercise is running: start one first");
        }
        long now = clock.millis();
        ExerciseTimeline.Point here = ExerciseTimeline.at(current, now);
        int last = current.getJsonArray("segments").size() - 1;
        JsonObject next = current.copy().put("version", version + 1).put("anchorServerTime", now);
        switch (action) {
            case "play" -> next.put("playing", true).put("step", here.step()).put("positionMs", here.finished() ? 0 : here.positionMs());
            case "pause" -> next.put("playing", false).put("step", here.step()).put("positionMs", here.positionMs());
            case "next" -> next.put("step", Math.min(last, here.step() + 1)).put("positionMs", 0L);
            case "previous" -> next.put("step", Math.max(0, here.step() - 1)).put("positionMs", 0L);
            case "seek" -> {
                Integer wanted = command.getInteger("step");
                int step = wanted == null ? here.step() : wanted;
                if (step > last) {
                    throw new RoomException(WsErrorCode.INVALID_MESSAGE, "There is no step " + step + " (the last is " + last + ")");
                }
                long duration = current.getJsonArray("segments").getJsonObject(step).getLong("durationMs");
                Long position = command.getLong("positionMs");
                if (position == null) {
                    throw new RoomException(WsErrorCode.INVALID_MESSAGE, "Seek needs positionMs");
                }
                next.put("step", step).put("positionMs", Math.min(position, Math.max(0, duration - 1)));
            }
            default -> throw new RoomException(WsErrorCode.INVALID_MESSAGE, "Unknown exercise action");
        }
        return next;
    }

    private JsonObject stopped(int version) {
        return new JsonObject().put("version", version).put("itemId", (String) null).put("playing", false).put("step", 0)
                .put("positionMs", 0L).put("anchorServerTime", clock.millis());
    }
}
