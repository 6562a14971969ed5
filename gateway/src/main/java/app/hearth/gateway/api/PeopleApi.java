package app.hearth.gateway.api;

import app.hearth.booking.people.EmergencyContact;
import app.hearth.booking.people.NewPerson;
import app.hearth.booking.people.PeopleService;
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
    }

    private void list(RoutingContext ctx) {
        Role role = Role.fromWire(Replies.query(ctx, "role")).orElse(null);
        Replies.reply(ctx, people.list(Authenticate.actor(ctx), role), 200, JsonViews::people);
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
