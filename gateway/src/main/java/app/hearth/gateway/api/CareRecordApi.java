package app.hearth.gateway.api;

import app.hearth.booking.schedule.Appointment;
import app.hearth.care.record.CareRecordService;
import app.hearth.care.record.RecordModel;
import app.hearth.gateway.http.Authenticate;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.openapi.router.RouterBuilder;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Operations tagged {@code care-record} in the contract; access rules live in {@link CareRecordService}. */
public final class CareRecordApi {

    private final CareRecordService care;

    public CareRecordApi(CareRecordService care) {
        this.care = care;
    }

    public void mount(RouterBuilder builder) {
        builder.getRoute("getIntake").addHandler(ctx -> Replies.reply(ctx,
                care.intake(Authenticate.actor(ctx), patient(ctx)), 200, CareRecordApi::intake));
        builder.getRoute("saveIntake").addHandler(ctx -> Replies.reply(ctx,
                Replies.parse(() -> answers(Replies.body(ctx))).compose(a -> care.saveIntake(Authenticate.actor(ctx), patient(ctx), a)),
                200, CareRecordApi::intake));
        builder.getRoute("listConsentTexts").addHandler(ctx -> Replies.reply(ctx, care.consentTexts(Authenticate.actor(ctx)), 200,
                texts -> new JsonObject().put("items", new JsonArray(texts.stream().map(CareRecordApi::consentText).toList()))));
        builder.getRoute("publishConsentText").addHandler(ctx -> {
            JsonObject body = Replies.body(ctx);
            Replies.reply(ctx, care.publishConsent(Authenticate.actor(ctx), body.getString("kind"), body.getString("title"),
                    body.getString("text")), 201, CareRecordApi::consentText);
        });
        builder.getRoute("getPatientConsents").addHandler(ctx -> Replies.reply(ctx,
                care.consents(Authenticate.actor(ctx), patient(ctx)), 200, CareRecordApi::patientConsents));
        builder.getRoute("acceptConsent").addHandler(this::accept);
        builder.getRoute("getIntentions").addHandler(ctx -> Replies.reply(ctx,
                care.intentions(Authenticate.actor(ctx), patient(ctx)), 200, CareRecordApi::intentions));
        builder.getRoute("saveIntentions").addHandler(ctx -> {
            JsonObject body = Replies.body(ctx);
            Replies.reply(ctx, Replies.parse(() -> body.getJsonArray("items").stream().map(o -> ((JsonObject) o).getString("text")).toList())
                    .compose(items -> care.saveIntentions(Authenticate.actor(ctx), patient(ctx), items, body.getLong("version"))),
                    200, CareRecordApi::intentions);
        });
        builder.getRoute("listJournal").addHandler(ctx -> Replies.reply(ctx, care.journal(Authenticate.actor(ctx), patient(ctx)), 200,
                entries -> new JsonObject().put("items", new JsonArray(entries.stream().map(CareRecordApi::journalEntry).toList()))));
        builder.getRoute("writeJournalEntry").addHandler(ctx -> {
            JsonObject body = Replies.body(ctx);
            Replies.reply(ctx, care.writeJournal(Authenticate.actor(ctx), patient(ctx), new RecordModel.NewJournalEntry(
                    body.getString("text"), body.getString("prompt"), body.getString("appointmentId"),
                    body.getBoolean("shared", false))), 201, CareRecordApi::journalEntry);
        });
        builder.getRoute("getJournalEntry").addHandler(ctx -> Replies.reply(ctx, care.journalEntry(Authenticate.actor(ctx),
                patient(ctx), Replies.pathParam(ctx, "entryId")), 200, CareRecordApi::journalEntry));
        builder.getRoute("changeJournalEntry").addHandler(ctx -> {
            JsonObject body = Replies.body(ctx);
            Replies.reply(ctx, care.changeJournal(Authenticate.actor(ctx), patient(ctx), Replies.pathParam(ctx, "entryId"),
                    new RecordModel.JournalChange(body.getBoolean("shared"), body.getString("text"))), 200, CareRecordApi::journalEntry);
        });
        builder.getRoute("getCourse").addHandler(ctx -> Replies.reply(ctx, care.course(Authenticate.actor(ctx), patient(ctx)), 200,
                CareRecordApi::course));
    }

    private void accept(RoutingContext ctx) {
        JsonObject body = Replies.body(ctx);
        care.accept(Authenticate.actor(ctx), patient(ctx), body.getString("kind"), body.getInteger("version")).onComplete(done -> {
            if (done.failed()) {
                ctx.fail(done.cause());
                return;
            }
            RecordModel.ConsentAcceptance a = done.result().acceptance();
            // 201 the first time; asking again answers the acceptance already on record
            ctx.response().setStatusCode(done.result().created() ? 201 : 200).putHeader("Content-Type", "application/json")
                    .putHeader("Cache-Control", "no-store").end(new JsonObject().put("kind", a.kind()).put("version", a.version())
                            .put("acceptedAt", a.acceptedAt().toString()).encode());
        });
    }

    private static String patient(RoutingContext ctx) {
        return Replies.pathParam(ctx, "patientId");
    }

    private static Map<String, String> answers(JsonObject body) {
        Map<String, String> answers = new LinkedHashMap<>();
        JsonObject given = body.getJsonObject("answers", new JsonObject());
        for (String field : given.fieldNames()) {
            answers.put(field, given.getString(field));
        }
        return answers;
    }

    // ------------------------------------------------------------------ views

    static JsonObject intake(RecordModel.IntakeView v) {
        JsonObject answers = new JsonObject();
        v.answers().forEach(answers::put);
        return new JsonObject().put("status", v.submitted() ? "submitted" : "missing").put("answers", answers)
                .put("updatedAt", iso(v.updatedAt())).put("editable", v.editable()).put("editableUntil", iso(v.editableUntil()));
    }

    static JsonObject consentText(RecordModel.ConsentText t) {
        return new JsonObject().put("kind", t.kind()).put("version", t.version()).put("title", t.title()).put("text", t.text())
                .put("publishedAt", iso(t.publishedAt()));
    }

    static JsonObject patientConsents(RecordModel.PatientConsents c) {
        return new JsonObject()
                .put("items", new JsonArray(c.items().stream().map(a -> new JsonObject().put("kind", a.kind()).put("version", a.version())
                        .put("acceptedAt", iso(a.acceptedAt())).put("current", a.current())).toList()))
                .put("due", due(c.due()));
    }

    private static JsonArray due(List<RecordModel.ConsentText> due) {
        return new JsonArray(due.stream().map(t -> new JsonObject().put("kind", t.kind()).put("version", t.version())
                .put("title", t.title())).toList());
    }

    static JsonObject intentions(RecordModel.Intentions i) {
        return new JsonObject().put("items", new JsonArray(i.items().stream().map(t -> new JsonObject().put("text", t)).toList()))
                .put("version", i.version()).put("updatedAt", iso(i.updatedAt()))
                .put("updatedBy", i.updatedById() == null ? null : new JsonObject().put("id", i.updatedById()).put("role", i.updatedByRole()));
    }

    static JsonObject journalEntry(RecordModel.JournalEntry e) {
        return new JsonObject().put("id", e.id()).put("text", e.text()).put("prompt", e.prompt()).put("appointmentId", e.appointmentId())
                .put("createdAt", iso(e.createdAt())).put("updatedAt", iso(e.updatedAt())).put("shared", e.shared())
                .put("sharedAt", iso(e.sharedAt()));
    }

    static JsonObject course(RecordModel.Course c) {
        List<JsonObject> timeline = new ArrayList<>();
        for (RecordModel.TimelineItem item : c.timeline()) {
            Appointment a = item.appointment();
            timeline.add(new JsonObject().put("appointmentId", a.id()).put("type", a.type().wire())
                    .put("status", a.status().name().toLowerCase(Locale.ROOT)).put("start", iso(a.start())).put("end", iso(a.end()))
                    .put("dosingAppointmentId", a.dosingAppointmentId())
                    .put("sessionEndedAt", iso(a.sessionEndedAt()))
                    .put("dosingRecord", item.dosingRecord() == null ? null : JsonViews.dosingRecord(item.dosingRecord())));
        }
        return new JsonObject()
                .put("patient", new JsonObject().put("id", c.patient().id()).put("displayName", c.patient().displayName())
                        .put("therapistId", c.patient().therapistId()).put("therapistName", c.therapistName()))
                .put("timeline", new JsonArray(timeline))
                .put("intake", new JsonObject().put("status", c.intakeSubmitted() ? "submitted" : "missing")
                        .put("editableUntil", iso(c.intakeEditableUntil())))
                .put("consentsDue", due(c.consentsDue()))
                .put("journal", new JsonObject().put("entries", c.journalEntries()).put("shared", c.journalShared()))
                .put("journalPrompt", c.journalPrompt() == null ? null : new JsonObject().put("text", c.journalPrompt().text())
                        .put("afterAppointmentId", c.journalPrompt().afterAppointmentId()));
    }

    private static String iso(Instant instant) {
        return instant == null ? null : instant.toString();
    }
}
