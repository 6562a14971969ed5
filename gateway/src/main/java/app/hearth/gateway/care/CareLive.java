package app.hearth.gateway.care;

import app.hearth.care.measures.MeasuresService;
import app.hearth.protocol.EventBusAddresses;
import app.hearth.room.RoomHub;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The live side of the course of care on this node: every node consumes
 * {@link EventBusAddresses#CARE_EVENTS} and pushes to its own open room sockets of the recipients —
 * {@code care.alert} (read from the store here: only ids travel on the bus),
 * {@code care.alert.acknowledged} and {@code care.changed} — and answers the room socket's
 * {@code care.watch} with the caller's open alerts. Rooms know nothing of care: this plugs into
 * {@link RoomHub#handle} and {@link RoomHub#sendToPerson}.
 */
public final class CareLive {

    private static final Logger LOG = LoggerFactory.getLogger(CareLive.class);

    private final Vertx vertx;
    private final RoomHub rooms;
    private final MeasuresService measures;
    private MessageConsumer<JsonObject> consumer;

    public CareLive(Vertx vertx, RoomHub rooms, MeasuresService measures) {
        this.vertx = vertx;
        this.rooms = rooms;
        this.measures = measures;
    }

    public Future<Void> start() {
        rooms.handle("care.watch", (actor, message) -> measures.watch(actor).map(alerts -> new JsonObject()
                .put("type", "care.watching").put("alerts", new JsonArray(alerts.stream().map(CareViews::alert).toList()))));
        consumer = vertx.eventBus().consumer(EventBusAddresses.CARE_EVENTS, message ->
                app.hearth.platform.logging.RequestIds.receive(message, () -> onEvent(message.body())));
        return consumer.completion();
    }

    private void onEvent(JsonObject event) {
        String clinicId = event.getString("clinicId");
        String patientId = event.getString("patientId");
        List<String> here = event.getJsonArray("recipients", new JsonArray()).stream().map(String::valueOf)
                .filter(person -> rooms.connectedHere(clinicId, person)).toList();
        if (here.isEmpty()) {
            return;
        }
        switch (String.valueOf(event.getString("kind"))) {
            case "alert-raised" -> {
                String alertId = event.getString("alertId");
                for (String person : here) {
                    measures.alertFor(clinicId, alertId, person).onSuccess(found -> found.ifPresent(alert ->
                                    rooms.sendToPerson(clinicId, person, new JsonObject().put("type", "care.alert")
                                            .put("alert", CareViews.alert(alert)))))
                            .onFailure(e -> LOG.warn("Could not push a care alert: {}", e.toString()));
                }
            }
            case "alert-acknowledged" -> {
                String alertId = event.getString("alertId");
                for (String person : here) {
                    measures.alertFor(clinicId, alertId, person).onSuccess(found -> found.filter(a -> !a.open()).ifPresent(alert ->
                                    rooms.sendToPerson(clinicId, person, new JsonObject().put("type", "care.alert.acknowledged")
                                            .put("alertId", alert.id()).put("acknowledgedBy", alert.acknowledgedBy())
                                            .put("acknowledgedAt", alert.acknowledgedAt().toString()))))
                            .onFailure(e -> LOG.warn("Could not push a care acknowledgement: {}", e.toString()));
                }
            }
            case "record-changed" -> {
                JsonObject changed = new JsonObject().put("type", "care.changed").put("patientId", patientId)
                        .put("record", event.getString("record"));
                here.forEach(person -> rooms.sendToPerson(clinicId, person, changed));
            }
            default -> { }
        }
    }

    public Future<Void> stop() {
        return consumer == null ? Future.succeededFuture() : consumer.unregister();
    }
}
