package app.hearth.gateway.api;

import app.hearth.gateway.http.Authenticate;
import app.hearth.platform.access.Actor;
import app.hearth.platform.access.Role;
import app.hearth.platform.audit.AuditLog;
import app.hearth.platform.audit.AuditQuery;
import app.hearth.platform.problem.CommonProblems;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.openapi.router.RouterBuilder;
import java.time.Instant;
import java.time.format.DateTimeParseException;

/** The audit log for clinic admins: their own clinic only, newest first. */
public final class AuditApi {

    private final AuditLog audit;

    public AuditApi(AuditLog audit) {
        this.audit = audit;
    }

    public void mount(RouterBuilder builder) {
        builder.getRoute("listAudit").addHandler(this::list);
    }

    private void list(RoutingContext ctx) {
        Actor actor = Authenticate.actor(ctx);
        if (!actor.is(Role.ADMIN)) {
            ctx.fail(CommonProblems.FORBIDDEN.exception("Only clinic admins read the audit log"));
            return;
        }
        Integer limit = Replies.queryInt(ctx, "limit");
        AuditQuery query = new AuditQuery(actor.clinicId(), Replies.query(ctx, "actorId"), Replies.query(ctx, "resourceId"),
                Replies.query(ctx, "action"), instant(ctx, "from"), instant(ctx, "to"), Replies.query(ctx, "before"),
                limit == null ? 50 : limit);
        Replies.reply(ctx, audit.page(query), 200, JsonViews::auditPage);
    }

    private static Instant instant(RoutingContext ctx, String name) {
        String value = Replies.query(ctx, name);
        try {
            return value == null ? null : Instant.parse(value);
        } catch (DateTimeParseException e) {
            throw CommonProblems.INVALID_REQUEST.exception(name + " must be a date-time such as 2026-11-22T10:00:00Z", name);
        }
    }
}
