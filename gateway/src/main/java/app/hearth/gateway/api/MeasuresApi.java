package app.hearth.gateway.api;

import app.hearth.care.measures.CareSettingsJson;
import app.hearth.care.measures.Instrument;
import app.hearth.care.measures.MeasureResponse;
import app.hearth.care.measures.MeasuresService;
import app.hearth.gateway.care.CareViews;
import app.hearth.gateway.http.Authenticate;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.openapi.router.RouterBuilder;
import java.util.ArrayList;
import java.util.List;

/** Operations tagged {@code care} for measures and safety alerts; the rules live in {@link MeasuresService}. */
public final class MeasuresApi {

    private final MeasuresService measures;
    private final JsonObject instruments;

    public MeasuresApi(MeasuresService measures) {
        this.measures = measures;
        this.instruments = new JsonObject().put("items", new JsonArray(measures.instruments().all().stream()
                .map(MeasuresApi::instrument).toList()));
    }

    public void mount(RouterBuilder builder) {
        builder.getRoute("listCareInstruments").addHandler(ctx -> Replies.reply(ctx, Future.succeededFuture(instruments), 200, x -> x));
        builder.getRoute("getCareSettings").addHandler(ctx -> Replies.reply(ctx, measures.settings(Authenticate.actor(ctx)), 200,
                CareSettingsJson::toJson));
        builder.getRoute("updateCareSettings").addHandler(ctx -> Replies.reply(ctx, measures.updateSettings(Authenticate.actor(ctx),
                CareSettingsJson.fromJson(Replies.body(ctx))), 200, CareSettingsJson::toJson));
        builder.getRoute("getPatientMeasures").addHandler(ctx -> Replies.reply(ctx,
                measures.overview(Authenticate.actor(ctx), Replies.pathParam(ctx, "patientId")), 200, MeasuresApi::overview));
        builder.getRoute("submitPatientMeasure").addHandler(ctx -> {
            JsonObject body = Replies.body(ctx);
            Replies.reply(ctx, measures.submit(Authenticate.actor(ctx), Replies.pathParam(ctx, "patientId"), body.getString("instrument"),
                    body.getString("occasion"), integers(body.getJsonArray("answers")), body.getInteger("difficulty")), 201, s -> new JsonObject()
                    .put("response", response(s.instrument(), s.response()))
                    .put("crisis", s.crisis() == null ? null : new JsonObject()
                            .put("message", s.crisisMessage())
                            .put("resources", CareSettingsJson.crisisResources(s.crisis()))));
        });
        builder.getRoute("listCareAlerts").addHandler(ctx -> Replies.reply(ctx, measures.openAlerts(Authenticate.actor(ctx)), 200,
                list -> new JsonObject().put("items", new JsonArray(list.stream().map(CareViews::alert).toList()))));
        builder.getRoute("acknowledgeCareAlert").addHandler(ctx -> Replies.reply(ctx,
                measures.acknowledge(Authenticate.actor(ctx), Replies.pathParam(ctx, "alertId")), 200, CareViews::alert));
    }

    private static List<Integer> integers(JsonArray array) {
        List<Integer> out = new ArrayList<>();
        for (Object o : array) {
            out.add(o instanceof Number n ? n.intValue() : null);
        }
        return out;
    }

    static JsonObject overview(MeasuresService.Overview o) {
        JsonObject view = new JsonObject().put("due", new JsonArray(o.due().stream().map(d -> new JsonObject()
                .put("instrument", d.instrument()).put("occasion", d.occasion()).put("label", d.label())
                .put("dueAt", d.dueAt().toString())).toList()));
        if (o.responses() != null) {
            view.put("responses", new JsonArray(o.responses().stream()
                    .map(r -> response(o.instruments().get(r.instrument()), r)).toList()));
            view.put("dosings", new JsonArray(o.dosings().stream().map(d -> new JsonObject().put("appointmentId", d.appointmentId())
                    .put("at", d.at().toString())).toList()));
        }
        return view;
    }

    static JsonObject response(Instrument instrument, MeasureResponse r) {
        Instrument.Band band = instrument.band(r.total());
        return new JsonObject().put("id", r.id()).put("instrument", r.instrument()).put("occasion", r.occasion())
                .put("submittedAt", r.submittedAt().toString()).put("total", r.total())
                .put("severity", new JsonObject().put("band", band.band()).put("label", band.label())).put("flagged", r.flagged());
    }

    static JsonObject instrument(Instrument i) {
        JsonObject view = new JsonObject().put("id", i.id()).put("name", i.name()).put("title", i.title())
                .put("instructions", i.instructions()).put("options", options(i.options()))
                .put("items", new JsonArray(i.items().stream().map(x -> new JsonObject().put("number", x.number()).put("text", x.text()))
                        .toList()))
                .put("difficulty", i.difficulty() == null ? null : new JsonObject().put("text", i.difficulty().text())
                        .put("options", options(i.difficulty().options())))
                .put("bands", new JsonArray(i.bands().stream().map(b -> new JsonObject().put("min", b.min()).put("max", b.max())
                        .put("band", b.band()).put("label", b.label())).toList()))
                .put("source", i.source());
        return view;
    }

    private static JsonArray options(List<Instrument.Option> options) {
        return new JsonArray(options.stream().map(o -> new JsonObject().put("value", o.value()).put("label", o.label())).toList());
    }
}
