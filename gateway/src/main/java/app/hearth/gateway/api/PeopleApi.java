package app.hearth.gateway.api;

import app.hearth.booking.people.EmergencyContact;
import app.hearth.booking.people.NewPerson;
import app.hearth.booking.people.PeopleService;
import app.hearth.booking.people.PersonEdit;
import app.hearth.gateway.http.Authenticate;
import app.hearth.platform.access.Role;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.openapi.router.RouterBuilder;

/** Operations tagged {@code people} in the contract. Access rules live in {@link PeopleService}. */
public final class PeopleApi {

    private final PeopleService people;

    public PeopleApi(PeopleService people) {
        this.people = people;
    }

    public void mount(RouterBuilder builder) {
        builder.getRoute("getMe").addHandler(ctx -> Replies.reply(ctx, people.me(Authenticate.actor(ctx)), 200, JsonViews::person));
        builder.getRoute("listPeople").addHandler(this::list);
        builder.getRoute("createPerson").addHandler(this::create);
        builder.getRoute("getPerson").addHandler(ctx -> Replies.reply(ctx,
                people.get(Authenticate.actor(ctx), Replies.pathParam(ctx, "personId")), 200, JsonViews::person));
        builder.getRoute("issueSetPasswordLink").addHandler(ctx -> Replies.reply(ctx,
                people.issueSetPasswordLink(Authenticate.actor(ctx), Replies.pathParam(ctx, "personId")), 201,
                JsonViews::link));
        // issue 14/17: people over time
        builder.getRoute("updatePerson").addHandler(this::update);
        builder.getRoute("deactivatePerson").addHandler(ctx -> Replies.reply(ctx,
                people.deactivate(Authenticate.actor(ctx), Replies.pathParam(ctx, "personId")), 200, JsonViews::person));
        builder.getRoute("reactivatePerson").addHandler(ctx -> Replies.reply(ctx,
                people.reactivate(Authenticate.actor(ctx), Replies.pathParam(ctx, "personId")), 200, JsonViews::person));
    }

    private void list(RoutingContext ctx) {
        Role role = Role.fromWire(Replies.query(ctx, "role")).orElse(null);
        io.vertx.openapi.validation.RequestParameter flag = Replies.validated(ctx).getQuery().get("includeDeactivated");
        boolean withDeactivated = flag != null && !flag.isNull() && !flag.isEmpty() && Boolean.TRUE.equals(flag.getBoolean());
        Replies.reply(ctx, people.list(Authenticate.actor(ctx), role, withDeactivated), 200, JsonViews::people);
    }

    /** PATCH: fields present are set (null clears phone and emergency contact); the version comes in the body or If-Match. */
    private void update(RoutingContext ctx) {
        JsonObject body = Replies.body(ctx);
        Future<PersonEdit> edit = Replies.parse(() -> {
            long version = body.containsKey("version") ? body.getLong("version") : ifMatch(ctx.request().getHeader("If-Match"));
            java.util.Set<String> present = new java.util.HashSet<>(body.fieldNames());
            present.retainAll(PersonEdit.FIELDS);
            JsonObject contact = body.getJsonObject("emergencyContact");
            io.vertx.core.json.JsonArray therapists = body.getJsonArray("therapistIds");
            return new PersonEdit(version, present, body.getString("displayName"), body.getString("email"),
                    body.getString("phone"),
                    contact == null ? null : new EmergencyContact(contact.getString("name"), contact.getString("phone"),
                            contact.getString("relationship")),
                    therapists == null ? null : therapists.stream().map(Object::toString).toList());
        });
        Replies.reply(ctx, edit.compose(e -> people.update(Authenticate.actor(ctx), Replies.pathParam(ctx, "personId"), e)),
                200, JsonViews::person);
    }

    /** {@code If-Match: "3"} (or W/"3", or 3) → 3; absent or unreadable → 0, which the edit refuses with a clear message. */
    private static long ifMatch(String header) {
        if (header == null) {
            return 0;
        }
        String value = header.strip();
        if (value.startsWith("W/")) {
            value = value.substring(2);
        }
        value = value.replace("\"", "");
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private void create(RoutingContext ctx) {
        JsonObject body = Replies.body(ctx);
        Future<NewPerson> request;
        try {
            JsonObject contact = body.getJsonObject("emergencyContact");
            request = Future.succeededFuture(new NewPerson(
                    Role.fromWire(body.getString("role")).orElse(null),
                    body.getString("displayName"),
                    body.getString("email"),
                    body.getString("phone"),
                    body.getString("timeZone"),
                    body.getString("therapistId"),
                    contact == null ? null : new EmergencyContact(contact.getString("name"), contact.getString("phone"),
                            contact.getString("relationship"))));
        } catch (RuntimeException invalid) {
            request = Future.failedFuture(invalid);
        }
        Replies.reply(ctx, request.compose(r -> people.create(Authenticate.actor(ctx), r)), 201,
                created -> new JsonObject()
                        .put("person", JsonViews.person(created.person()))
                        .put("setPasswordLink", JsonViews.link(created.setPasswordLink())));
    }
}
