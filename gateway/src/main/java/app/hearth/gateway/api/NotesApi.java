package app.hearth.gateway.api;

import app.hearth.booking.schedule.Appointment;
import app.hearth.care.notes.NoteModel;
import app.hearth.care.notes.NoteTemplates;
import app.hearth.care.notes.NotesService;
import app.hearth.gateway.http.Authenticate;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.openapi.router.RouterBuilder;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Operations tagged {@code notes} in the contract; who reads and writes what lives in {@link NotesService}. */
public final class NotesApi {

    private final NotesService notes;

    public NotesApi(NotesService notes) {
        this.notes = notes;
    }

    public void mount(RouterBuilder builder) {
        builder.getRoute("getNote").addHandler(ctx -> Replies.reply(ctx,
                notes.note(Authenticate.actor(ctx), appointment(ctx)), 200, NotesApi::note));
        builder.getRoute("saveNote").addHandler(ctx -> Replies.reply(ctx,
                Replies.parse(() -> edit(Replies.body(ctx))).compose(e -> notes.save(Authenticate.actor(ctx), appointment(ctx), e)),
                200, NotesApi::note));
        builder.getRoute("signNote").addHandler(ctx -> Replies.reply(ctx,
                notes.sign(Authenticate.actor(ctx), appointment(ctx), Replies.body(ctx).getLong("version")), 200, NotesApi::note));
        builder.getRoute("addNoteAddendum").addHandler(ctx -> Replies.reply(ctx,
                notes.addAddendum(Authenticate.actor(ctx), appointment(ctx), Replies.body(ctx).getString("text")), 201,
                NotesApi::addendum));
        builder.getRoute("listPatientNotes").addHandler(ctx -> Replies.reply(ctx,
                notes.list(Authenticate.actor(ctx), Replies.pathParam(ctx, "patientId")), 200,
                items -> new JsonObject().put("items", new JsonArray(items.stream().map(NotesApi::listItem).toList()))));
    }

    private static String appointment(RoutingContext ctx) {
        return Replies.pathParam(ctx, "appointmentId");
    }

    /** The contract has checked the shapes; section keys and attendees are checked against the note's template. */
    private static NoteModel.NoteEdit edit(JsonObject body) {
        List<NoteModel.AttendeeEdit> attendees = null;
        JsonArray given = body.getJsonArray("attendees");
        if (given != null) {
            attendees = new ArrayList<>();
            for (Object o : given) {
                JsonObject a = (JsonObject) o;
                attendees.add(new NoteModel.AttendeeEdit(a.getString("patientId"), texts(a.getJsonObject("sections"))));
            }
        }
        return new NoteModel.NoteEdit(texts(body.getJsonObject("sections")), attendees, body.getLong("version"));
    }

    private static Map<String, String> texts(JsonObject sections) {
        Map<String, String> out = new LinkedHashMap<>();
        if (sections != null) {
            for (String key : sections.fieldNames()) {
                out.put(key, sections.getString(key));
            }
        }
        return out;
    }

    // ------------------------------------------------------------------ views

    static JsonObject note(NoteModel.NoteView v) {
        Appointment a = v.appointment();
        return new JsonObject().put("appointmentId", a.id()).put("type", a.type().wire()).put("start", iso(a.start()))
                .put("end", iso(a.end())).put("status", v.status().wire())
                .put("template", new JsonObject().put("sections", sections(v.template().sections()))
                        .put("attendeeSections", sections(v.template().attendeeSections())))
                .put("sections", texts(v.sections()))
                .put("attendees", new JsonArray(v.attendees().stream().map(p -> new JsonObject().put("patientId", p.patient().id())
                        .put("displayName", p.patient().displayName()).put("sections", texts(p.sections()))).toList()))
                .put("patient", person(v.patient())).put("version", v.version()).put("createdBy", person(v.createdBy()))
                .put("updatedAt", iso(v.updatedAt())).put("signedAt", iso(v.signedAt())).put("signedBy", person(v.signedBy()))
                .put("addenda", new JsonArray(v.addenda().stream().map(NotesApi::addendum).toList()))
                .put("canEdit", v.canEdit()).put("canSign", v.canSign()).put("canAddAddendum", v.canAddAddendum());
    }

    static JsonObject addendum(NoteModel.AddendumView a) {
        return new JsonObject().put("id", a.id()).put("text", a.text()).put("author", person(a.author())).put("at", iso(a.at()));
    }

    static JsonObject listItem(NoteModel.ListItem item) {
        Appointment a = item.appointment();
        return new JsonObject().put("appointmentId", a.id()).put("type", a.type().wire()).put("start", iso(a.start()))
                .put("status", item.status().wire()).put("signedAt", iso(item.signedAt())).put("createdBy", person(item.createdBy()));
    }

    private static JsonArray sections(List<NoteTemplates.Section> sections) {
        return new JsonArray(sections.stream().map(s -> new JsonObject().put("key", s.key()).put("title", s.title())
                .put("hint", s.hint())).toList());
    }

    private static JsonObject texts(Map<String, String> texts) {
        JsonObject out = new JsonObject();
        texts.forEach(out::put);
        return out;
    }

    private static JsonObject person(NoteModel.PersonRef p) {
        return p == null ? null : new JsonObject().put("id", p.id()).put("displayName", p.displayName());
    }

    private static String iso(Instant instant) {
        return instant == null ? null : instant.toString();
    }
}
