package app.hearth.gateway.api;

import app.hearth.gateway.http.Authenticate;
import app.hearth.notify.ClinicMailSettings;
import app.hearth.notify.MailSettingsService;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.openapi.router.RouterBuilder;
import java.time.Duration;

/** The clinic's mail settings (issue 15): reminder times before an appointment and the dosing instructions. */
public final class MailSettingsApi {

    private final MailSettingsService settings;

    public MailSettingsApi(MailSettingsService settings) {
        this.settings = settings;
    }

    public void mount(RouterBuilder builder) {
        builder.getRoute("getMailSettings").addHandler(ctx -> Replies.reply(ctx, settings.get(Authenticate.actor(ctx)), 200,
                MailSettingsApi::view));
        builder.getRoute("updateMailSettings").addHandler(ctx -> {
            JsonObject body = Replies.body(ctx);
            Replies.reply(ctx, settings.update(Authenticate.actor(ctx), body.getJsonArray("reminderOffsetsMinutes").stream()
                    .map(m -> Duration.ofMinutes(((Number) m).longValue())).toList(), body.getString("dosingInstructions")), 200,
                    MailSettingsApi::view);
        });
    }

    static JsonObject view(ClinicMailSettings.Settings s) {
        return new JsonObject().put("reminderOffsetsMinutes", new JsonArray(s.reminderOffsets().stream().map(Duration::toMinutes).toList()))
                .put("dosingInstructions", s.dosingInstructions());
    }
}
