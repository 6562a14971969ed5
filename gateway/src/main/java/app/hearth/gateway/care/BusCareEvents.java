package app.hearth.gateway.care;

import app.hearth.care.CareEvents;
import app.hearth.protocol.EventBusAddresses;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * {@link CareEvents} over the clustered event bus: published on {@link EventBusAddresses#CARE_EVENTS}
 * for every node, in exactly the payload documented there — identifiers only, never clinical content.
 */
public final class BusCareEvents implements CareEvents {

    private final EventBus bus;

    public BusCareEvents(EventBus bus) {
        this.bus = bus;
    }

    @Override
    public void alertRaised(String clinicId, String patientId, String alertId, List<String> recipients) {
        bus.publish(EventBusAddresses.CARE_EVENTS, payload("alert-raised", clinicId, patientId, recipients).put("alertId", alertId),
                app.hearth.platform.logging.RequestIds.deliveryOptions());
    }

    @Override
    public void alertAcknowledged(String clinicId, String patientId, String alertId, List<String> recipients) {
        bus.publish(EventBusAddresses.CARE_EVENTS, payload("alert-acknowledged", clinicId, patientId, recipients).put("alertId", alertId),
                app.hearth.platform.logging.RequestIds.deliveryOptions());
    }

    @Override
    public void recordChanged(String clinicId, String patientId, String record, List<String> recipients) {
        bus.publish(EventBusAddresses.CARE_EVENTS, payload("record-changed", clinicId, patientId, recipients).put("record", record),
                app.hearth.platform.logging.RequestIds.deliveryOptions());
    }

    private static JsonObject payload(String kind, String clinicId, String patientId, List<String> recipients) {
        return new JsonObject().put("kind", kind).put("clinicId", clinicId).put("patientId", patientId)
                .put("recipients", new JsonArray(List.copyOf(recipients)));
    }
}
