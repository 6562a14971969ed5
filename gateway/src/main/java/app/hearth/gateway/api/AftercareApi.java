package app.hearth.gateway.api;

import app.hearth.care.aftercare.AftercareModel;
import app.hearth.care.aftercare.AftercareModel.Completion;
import app.hearth.care.aftercare.AftercareModel.Occurrence;
import app.hearth.care.aftercare.AftercareModel.Practice;
import app.hearth.care.aftercare.AftercareModel.PracticeView;
import app.hearth.care.aftercare.AftercareModel.ProposedSchedule;
import app.hearth.care.aftercare.AftercareModel.Resource;
import app.hearth.care.aftercare.AftercareService;
import app.hearth.gateway.http.Authenticate;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.openapi.router.RouterBuilder;
import java.time.Instant;

/** Operations tagged {@code aftercare} in the contract; the rules live in {@link AftercareService}. */
public final class AftercareApi {

    private final AftercareService aftercare;

    public AftercareApi(AftercareService aftercare) {
        this.aftercare = aftercare;
    }

    public void mount(RouterBuilder builder) {
        builder.getRoute("listCareResources").addHandler(ctx -> Replies.reply(ctx, aftercare.resources(Authenticate.actor(ctx),
                includeArchived(ctx)), 200, list -> new JsonObject().put("items",
                new JsonArray(list.stream().map(AftercareApi::resource).toList()))));
        builder.getRoute("createCareResource").addHandler(ctx -> Replies.reply(ctx,
                aftercare.createResource(Authenticate.actor(ctx), draft(Replies.body(ctx))), 201, AftercareApi::resource));
        builder.getRoute("getCareResource").addHandler(ctx -> Replies.reply(ctx,
                aftercare.resource(Authenticate.actor(ctx), resourceId(ctx)), 200, AftercareApi::resource));
        builder.getRoute("updateCareResource").addHandler(ctx -> Replies.reply(ctx,
                aftercare.updateResource(Authenticate.actor(ctx), resourceId(ctx), draft(Replies.body(ctx))), 200, AftercareApi::resource));
        builder.getRoute("archiveCareResource").addHandler(ctx -> Replies.reply(ctx, aftercare.archiveResource(Authenticate.actor(ctx),
                resourceId(ctx), Replies.body(ctx).getBoolean("archived")), 200, AftercareApi::resource));

        builder.getRoute("getAftercarePlan").addHandler(ctx -> Replies.reply(ctx,
                aftercare.plan(Authenticate.actor(ctx), patient(ctx)), 200, AftercareApi::plan));
        builder.getRoute("assignPractice").addHandler(ctx -> {
            JsonObject body = Replies.body(ctx);
            Replies.reply(ctx, aftercare.assign(Authenticate.actor(ctx), patient(ctx), new AftercareModel.NewPractice(
                    body.getString("exerciseId"), schedule(body.getJsonObject("schedule")), body.getString("instructions"))),
                    201, AftercareApi::practice);
        });
        builder.getRoute("changePractice").addHandler(ctx -> {
            JsonObject body = Replies.body(ctx);
            Replies.reply(ctx, aftercare.change(Authenticate.actor(ctx), patient(ctx), practiceId(ctx), new AftercareModel.PracticeChange(
                    body.containsKey("schedule") ? schedule(body.getJsonObject("schedule")) : null, body.containsKey("instructions"),
                    body.getString("instructions"), Boolean.TRUE.equals(body.getBoolean("ended")))), 200, AftercareApi::practice);
        });
        builder.getRoute("assignAftercareResources").addHandler(ctx -> Replies.reply(ctx, aftercare.assignResources(
                Authenticate.actor(ctx), patient(ctx), Replies.body(ctx).getJsonArray("resourceIds").stream()
                        .map(String::valueOf).toList()), 200, AftercareApi::plan));
        builder.getRoute("getPracticeExercise").addHandler(ctx -> Replies.reply(ctx,
                aftercare.exercise(Authenticate.actor(ctx), patient(ctx), practiceId(ctx)), 200, x -> x));
        builder.getRoute("savePracticeProgress").addHandler(ctx -> {
            JsonObject body = Replies.body(ctx);
            Replies.noContent(ctx, aftercare.progress(Authenticate.actor(ctx), patient(ctx), practiceId(ctx), body.getString("date"),
                    body.getLong("positionMs")));
        });
        builder.getRoute("recordPracticeCompletion").addHandler(ctx -> {
            JsonObject body = Replies.body(ctx);
            Replies.reply(ctx, aftercare.complete(Authenticate.actor(ctx), patient(ctx), practiceId(ctx), new AftercareModel.NewCompletion(
                    body.getString("date"), body.getString("state"), body.getInteger("rating"), body.getString("note"))),
                    201, AftercareApi::occurrence);
        });
    }

    private static boolean includeArchived(RoutingContext ctx) {
        io.vertx.openapi.validation.RequestParameter flag = Replies.validated(ctx).getQuery().get("includeArchived");
        return flag != null && !flag.isNull() && !flag.isEmpty() && Boolean.TRUE.equals(flag.getBoolean());
    }

    private static String patient(RoutingContext ctx) {
        return Replies.pathParam(ctx, "patientId");
    }

    private static String practiceId(RoutingContext ctx) {
        return Replies.pathParam(ctx, "practiceId");
    }

    private static String resourceId(RoutingContext ctx) {
        return Replies.pathParam(ctx, "resourceId");
    }

    private static AftercareModel.ResourceDraft draft(JsonObject body) {
        return new AftercareModel.ResourceDraft(body.getString("title"), body.getString("summary"), body.getString("category"),
                body.getString("body"));
    }

    private static ProposedSchedule schedule(JsonObject s) {
        return s == null ? null : new ProposedSchedule(s.getString("kind"), s.getString("startDate"), s.getInteger("days"));
    }

    // ------------------------------------------------------------------ views

    static JsonObject resource(Resource r) {
        return new JsonObject().put("id", r.id()).put("title", r.title()).put("summary", r.summary()).put("category", r.category())
                .put("body", r.body()).put("archived", r.archived()).put("updatedAt", iso(r.updatedAt()))
                .put("updatedBy", r.updatedBy());
    }

    static JsonObject plan(AftercareModel.Plan p) {
        return new JsonObject().put("today", p.today().toString()).put("zone", p.zone())
                .put("practices", new JsonArray(p.practices().stream().map(AftercareApi::practice).toList()))
                .put("todayItems", new JsonArray(p.todayItems().stream().map(t -> new JsonObject().put("practiceId", t.practiceId())
                        .put("date", t.date().toString()).put("state", t.state()).put("title", t.title())).toList()))
                .put("resources", new JsonArray(p.resources().stream().map(r -> new JsonObject().put("id", r.id())
                        .put("title", r.title()).put("summary", r.summary()).put("category", r.category())).toList()));
    }

    static JsonObject practice(PracticeView v) {
        Practice p = v.practice();
        JsonObject schedule = new JsonObject().put("kind", p.schedule().kind());
        if (p.schedule().startDate() != null) {
            schedule.put("startDate", p.schedule().startDate().toString());
        }
        schedule.put("days", p.schedule().days());
        AftercareModel.Adherence a = v.adherence();
        return new JsonObject().put("id", p.id())
                .put("exercise", new JsonObject().put("id", p.exercise().id()).put("kind", p.exercise().kind())
                        .put("title", p.exercise().title()).put("summary", p.exercise().summary())
                        .put("totalSeconds", p.exercise().totalSeconds()))
                .put("schedule", schedule)
                .put("instructions", p.instructions())
                .put("assignedBy", new JsonObject().put("id", p.assignedBy()).put("displayName", v.assignedByName()))
                .put("assignedAt", iso(p.assignedAt())).put("endedAt", iso(p.endedAt()))
                .put("adherence", new JsonObject().put("done", a.done()).put("skipped", a.skipped()).put("missed", a.missed())
                        .put("due", a.due()).put("upcoming", a.upcoming()))
                .put("occurrences", new JsonArray(v.occurrences().stream().map(AftercareApi::occurrence).toList()))
                .put("resume", p.resume() == null ? null : new JsonObject().put("date", p.resume().date().toString())
                        .put("positionMs", p.resume().positionMs()));
    }

    static JsonObject occurrence(Occurrence o) {
        JsonObject view = new JsonObject().put("date", o.date().toString()).put("state", o.state());
        Completion c = o.completion();
        if (c != null) {
            view.put("recordedAt", iso(c.recordedAt())).put("rating", c.rating()).put("note", c.note());
        }
        return view;
    }

    private static String iso(Instant instant) {
        return instant == null ? null : instant.toString();
    }
}
