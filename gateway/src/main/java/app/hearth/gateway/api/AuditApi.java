package app.hearth.gateway.api;

import app.hearth.booking.people.PeopleService;
import app.hearth.booking.people.Person;
import app.hearth.gateway.http.Authenticate;
import app.hearth.platform.access.Actor;
import app.hearth.platform.access.Role;
import app.hearth.platform.audit.AuditEntry;
import app.hearth.platform.audit.AuditLog;
import app.hearth.platform.audit.AuditPage;
import app.hearth.platform.audit.AuditQuery;
import app.hearth.platform.problem.CommonProblems;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.openapi.router.RouterBuilder;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.HashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The audit log for clinic admins: their own clinic only, newest first. Each entry carries the
 * actor's name and a readable label of what was touched, resolved for the whole page at once (one
 * query for the people, one for the appointments, never one per entry). Labels name people and
 * dates and the kind of record, never clinical content.
 */
public final class AuditApi {

    private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("d MMM yyyy", Locale.ENGLISH);
    /** Kinds of care records, in words; the kind only, nothing of what they say. */
    private static final Map<String, String> CARE_KINDS = Map.ofEntries(
            Map.entry("care.aftercare", "aftercare plan"), Map.entry("care.alert", "safety alert"),
            Map.entry("care.consent-text", "consent text"), Map.entry("care.consents", "consents"),
            Map.entry("care.course", "course of care"), Map.entry("care.intake", "intake"),
            Map.entry("care.intentions", "intentions"), Map.entry("care.journal", "journal"),
            Map.entry("care.measure-response", "questionnaire response"), Map.entry("care.measures", "questionnaires"),
            Map.entry("care.resource", "aftercare resource"), Map.entry("care.settings", "care settings"),
            Map.entry("care.note", "session note"), Map.entry("care.notes", "session notes"));

    private final AuditLog audit;
    private final PeopleService people;

    public AuditApi(AuditLog audit, PeopleService people) {
        this.audit = audit;
        this.people = people;
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
                limit == null ? 50 : limit, Replies.query(ctx, "personId"));
        Replies.reply(ctx, audit.page(query).compose(page -> named(actor, page)), 200, r -> r);
    }

    private Future<JsonObject> named(Actor actor, AuditPage page) {
        Set<String> ids = new HashSet<>();
        Set<String> resources = new HashSet<>();
        for (AuditEntry e : page.items()) {
            ids.add(e.actorId());
            if (e.resourceId() != null) {
                ids.add(e.resourceId());
                resources.add(e.resourceId());
            }
        }
        return people.auditNames(actor, ids, resources).map(names -> {
            JsonObject json = JsonViews.auditPage(page);
            JsonArray items = json.getJsonArray("items");
            ZoneId zone = zone(names.timeZone());
            for (int i = 0; i < items.size(); i++) {
                AuditEntry e = page.items().get(i);
                JsonObject item = items.getJsonObject(i);
                Person who = names.people().get(e.actorId());
                item.put("actorName", who != null ? who.displayName()
                        // the operator who created the clinic (docs/adr/0027) is nobody's person
                        : app.hearth.booking.clinic.ClinicOnboarding.OPERATOR.equals(e.actorId()) ? "Hearth's operator"
                        : "someone outside this clinic");
                if (e.resourceId() != null) {
                    item.put("resourceLabel", label(e, names, zone));
                }
            }
            return json;
        });
    }

    private static String label(AuditEntry e, PeopleService.AuditNames names, ZoneId zone) {
        Person person = names.people().get(e.resourceId());
        Instant appointment = names.appointments().get(e.resourceId());
        String type = e.resourceType() == null ? "" : e.resourceType();
        if (type.equals("person")) {
            return person == null ? "a person no longer in this clinic" : person.displayName();
        }
        if (appointment != null) {
            String on = "appointment on " + DAY.format(appointment.atZone(zone));
            String kind = CARE_KINDS.get(type);
            return kind == null || type.equals("appointment") ? on : kind + " of the " + on;
        }
        if (type.equals("appointment")) {
            return "an appointment";
        }
        if (type.equals("clinic")) {
            return "this clinic";
        }
        String kind = CARE_KINDS.getOrDefault(type, type.replace("care.", "").replace('.', ' ').replace('-', ' '));
        return person == null ? kind : kind + " of " + person.displayName();
    }

    private static ZoneId zone(String id) {
        try {
            return ZoneId.of(id);
        } catch (DateTimeException e) {
            return ZoneId.of("UTC");
        }
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
