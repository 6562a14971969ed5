package app.hearth.gateway.api;

import app.hearth.booking.schedule.Appointment;
import app.hearth.booking.schedule.AppointmentType;
import app.hearth.booking.schedule.Availability;
import app.hearth.booking.schedule.BookingPolicy;
import app.hearth.booking.schedule.BookingRequest;
import app.hearth.booking.schedule.BookingService;
import app.hearth.booking.schedule.DateException;
import app.hearth.booking.schedule.WeeklyHours;
import app.hearth.gateway.http.Authenticate;
import app.hearth.platform.problem.CommonProblems;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.openapi.router.RouterBuilder;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Operations tagged {@code booking} in the contract; the rules live in {@link BookingService}. */
public final class BookingApi {

    private final BookingService booking;
    private final app.hearth.care.CareEvents careEvents;

    public BookingApi(BookingService booking, app.hearth.care.CareEvents careEvents) {
        this.booking = booking;
        this.careEvents = careEvents;
    }

    public void mount(RouterBuilder builder) {
        builder.getRoute("getBookingPolicy").addHandler(ctx -> Replies.reply(ctx, booking.policy(Authenticate.actor(ctx)), 200, BookingApi::policyJson));
        builder.getRoute("updateBookingPolicy").addHandler(ctx -> Replies.reply(ctx,
                Replies.parse(() -> policy(Replies.body(ctx))).compose(p -> booking.updatePolicy(Authenticate.actor(ctx), p)), 200, BookingApi::policyJson));
        builder.getRoute("getAvailability").addHandler(ctx -> Replies.reply(ctx,
                booking.availability(Authenticate.actor(ctx), Replies.pathParam(ctx, "therapistId")), 200, BookingApi::availabilityJson));
        builder.getRoute("setAvailability").addHandler(ctx -> Replies.reply(ctx,
                Replies.parse(() -> availability(Replies.pathParam(ctx, "therapistId"), Replies.body(ctx)))
                        .compose(a -> booking.setAvailability(Authenticate.actor(ctx), a)), 200, BookingApi::availabilityJson));
        builder.getRoute("listSlots").addHandler(this::slots);
        builder.getRoute("listAppointments").addHandler(ctx -> Replies.reply(ctx, booking.list(Authenticate.actor(ctx),
                        instant(ctx, "from"), instant(ctx, "to"), Replies.query(ctx, "therapistId"), Replies.query(ctx, "patientId"))
                        .compose(list -> booking.dosingRecordsFor(Authenticate.actor(ctx), list).map(records -> new JsonObject()
                                .put("items", new JsonArray(list.stream().map(a -> JsonViews.appointment(Authenticate.actor(ctx), a,
                                        records.get(a.id()))).toList())))), 200, json -> json));
        builder.getRoute("bookAppointment").addHandler(ctx -> Replies.reply(ctx,
                Replies.parse(() -> request(Replies.body(ctx))).compose(r -> booking.book(Authenticate.actor(ctx), r)), 201, appointment(ctx)));
        builder.getRoute("getAppointment").addHandler(ctx -> Replies.reply(ctx,
                booking.get(Authenticate.actor(ctx), Replies.pathParam(ctx, "appointmentId"))
                        .compose(a -> booking.dosingRecordsFor(Authenticate.actor(ctx), List.of(a))
                                .map(records -> JsonViews.appointment(Authenticate.actor(ctx), a, records.get(a.id())))), 200, json -> json));
        builder.getRoute("cancelAppointment").addHandler(ctx -> Replies.reply(ctx, booking.cancel(Authenticate.actor(ctx),
                Replies.pathParam(ctx, "appointmentId"), Replies.body(ctx).getString("reason")), 200, appointment(ctx)));
        builder.getRoute("rescheduleAppointment").addHandler(ctx -> Replies.reply(ctx,
                Replies.parse(() -> parseInstant(Replies.body(ctx).getString("start"), "start")).compose(start -> booking.reschedule(
                        Authenticate.actor(ctx), Replies.pathParam(ctx, "appointmentId"), start, Replies.body(ctx).getString("reason"))),
                200, appointment(ctx)));
        builder.getRoute("issueJoinTicket").addHandler(ctx -> Replies.reply(ctx,
                booking.issueJoinTicket(Authenticate.actor(ctx), Replies.pathParam(ctx, "appointmentId")), 201,
                t -> new JsonObject().put("ticket", t.ticket()).put("roomId", t.roomId()).put("expiresAt", t.expiresAt().toString())
                        .put("url", "/#/room/" + t.roomId() + "/" + t.ticket())));
        builder.getRoute("joinCircle").addHandler(ctx -> Replies.reply(ctx, booking.joinCircle(Authenticate.actor(ctx),
                Replies.pathParam(ctx, "appointmentId"), Replies.body(ctx).getString("patientId")), 200, appointment(ctx)));
        builder.getRoute("recordDosing").addHandler(this::recordDosing);
        builder.getRoute("leaveCircle").addHandler(ctx -> Replies.reply(ctx, booking.leaveCircle(Authenticate.actor(ctx),
                Replies.pathParam(ctx, "appointmentId"), Replies.pathParam(ctx, "patientId"), Replies.body(ctx).getString("reason")),
                200, appointment(ctx)));
    }

    /** Records what happened at an in-clinic dosing (issue 11): attended with route and times, or not. */
    private void recordDosing(RoutingContext ctx) {
        Replies.reply(ctx, Replies.parse(() -> dosingReport(Replies.body(ctx))).compose(r -> booking.recordDosing(Authenticate.actor(ctx),
                Replies.pathParam(ctx, "appointmentId"), r)).onSuccess(this::tellCareTeam), 200, d -> JsonViews.dosingRecord(d.record()));
    }

    /** Open course pages of the patient and their therapists re-read the timeline (identifiers only on the bus). */
    private void tellCareTeam(BookingService.RecordedDosing dosing) {
        if (dosing.patientId() == null) {
            return;
        }
        List<String> recipients = new java.util.ArrayList<>(dosing.careTeam());
        recipients.add(dosing.patientId());
        careEvents.recordChanged(dosing.clinicId(), dosing.patientId(), "dosing", List.copyOf(recipients));
    }

    static BookingService.DosingReport dosingReport(JsonObject body) {
        boolean attended = body.getBoolean("attended");
        String route = body.getString("route");
        return new BookingService.DosingReport(attended,
                route == null ? null : app.hearth.booking.schedule.DosingRecord.Route.fromWire(route).orElseThrow(
                        () -> CommonProblems.INVALID_REQUEST.exception("Routes: iv, im, nasal-spray, oral", "route")),
                body.getString("startedAt") == null ? null : parseInstant(body.getString("startedAt"), "startedAt"),
                body.getString("endedAt") == null ? null : parseInstant(body.getString("endedAt"), "endedAt"),
                body.getString("supervisedBy"), body.getString("reason"));
    }

    /** Every appointment answer goes through the one view of what the caller may see. */
    private static java.util.function.Function<Appointment, JsonObject> appointment(RoutingContext ctx) {
        app.hearth.platform.access.Actor viewer = Authenticate.actor(ctx);
        return a -> JsonViews.appointment(viewer, a);
    }

    private void slots(RoutingContext ctx) {
        AppointmentType type = AppointmentType.fromWire(Replies.query(ctx, "type")).orElseThrow();
        String therapistId = Replies.pathParam(ctx, "therapistId");
        Replies.reply(ctx, booking.slots(Authenticate.actor(ctx), therapistId, type, instant(ctx, "from"), instant(ctx, "to")), 200,
                slots -> new JsonObject().put("items", new JsonArray(slots.stream().map(Instant::toString).toList())));
    }

    private static Instant instant(RoutingContext ctx, String name) {
        return parseInstant(Replies.query(ctx, name), name);
    }

    static Instant parseInstant(String value, String field) {
        try {
            return Instant.parse(value);
        } catch (DateTimeParseException | NullPointerException e) {
            throw CommonProblems.INVALID_REQUEST.exception(field + " must be a date-time with a zone, e.g. 2026-12-01T15:00:00Z", field);
        }
    }

    static BookingRequest request(JsonObject body) {
        Instant start = parseInstant(body.getString("start"), "start");
        List<String> therapists = body.getJsonArray("therapistIds").stream().map(Object::toString).toList();
        return new BookingRequest(AppointmentType.fromWire(body.getString("type")).orElseThrow(), therapists,
                body.getString("patientId"), start, body.getString("mode"), body.getString("location"),
                body.getString("dosingAppointmentId"), body.getInteger("capacity"));
    }

    static BookingPolicy policy(JsonObject body) {
        Map<AppointmentType, BookingPolicy.TypeRules> types = new EnumMap<>(AppointmentType.class);
        JsonObject t = body.getJsonObject("types");
        for (AppointmentType type : AppointmentType.values()) {
            JsonObject r = t.getJsonObject(type.wire());
            types.put(type, new BookingPolicy.TypeRules(Duration.ofMinutes(r.getInteger("durationMinutes")),
                    Duration.ofMinutes(r.getInteger("bufferBeforeMinutes")), Duration.ofMinutes(r.getInteger("bufferAfterMinutes"))));
        }
        return new BookingPolicy(types, body.getInteger("integrationWindowMinDays"), body.getInteger("integrationWindowMaxDays"),
                Duration.ofHours(body.getInteger("patientCancellationCutoffHours")), body.getInteger("defaultCircleCapacity"),
                body.getBoolean("patientsMayBook"), Duration.ofMinutes(body.getInteger("roomOpensBeforeMinutes")));
    }

    static JsonObject policyJson(BookingPolicy p) {
        JsonObject types = new JsonObject();
        p.types().forEach((type, r) -> types.put(type.wire(), new JsonObject().put("durationMinutes", r.duration().toMinutes())
                .put("bufferBeforeMinutes", r.bufferBefore().toMinutes()).put("bufferAfterMinutes", r.bufferAfter().toMinutes())));
        return new JsonObject().put("types", types)
                .put("integrationWindowMinDays", p.integrationWindowMinDays())
                .put("integrationWindowMaxDays", p.integrationWindowMaxDays())
                .put("patientCancellationCutoffHours", p.patientCancellationCutoff().toHours())
                .put("defaultCircleCapacity", p.defaultCircleCapacity())
                .put("patientsMayBook", p.patientsMayBook())
                .put("roomOpensBeforeMinutes", p.roomOpensBefore().toMinutes());
    }

    static Availability availability(String therapistId, JsonObject body) {
        List<WeeklyHours> weekly = new ArrayList<>();
        for (Object o : body.getJsonArray("weekly", new JsonArray())) {
            JsonObject w = (JsonObject) o;
            weekly.add(new WeeklyHours(DayOfWeek.valueOf(w.getString("day")), LocalTime.parse(w.getString("start")),
                    LocalTime.parse(w.getString("end"))));
        }
        List<DateException> exceptions = new ArrayList<>();
        for (Object o : body.getJsonArray("exceptions", new JsonArray())) {
            JsonObject e = (JsonObject) o;
            LocalDate date;
            try {
                date = LocalDate.parse(e.getString("date"));
            } catch (DateTimeParseException bad) {
                throw CommonProblems.INVALID_REQUEST.exception("Exception dates look like 2026-12-24", "exceptions");
            }
            exceptions.add(new DateException(date, DateException.Kind.valueOf(e.getString("kind").toUpperCase(Locale.ROOT)),
                    e.getString("start") == null ? null : LocalTime.parse(e.getString("start")),
                    e.getString("end") == null ? null : LocalTime.parse(e.getString("end"))));
        }
        return new Availability(therapistId, body.getString("timeZone"), weekly, exceptions,
                Duration.ofMinutes(body.getInteger("bufferBeforeMinutes", 0)), Duration.ofMinutes(body.getInteger("bufferAfterMinutes", 0)),
                Duration.ofHours(body.getInteger("minimumNoticeHours", 24)), Duration.ofDays(body.getInteger("horizonDays", 90)));
    }

    static JsonObject availabilityJson(Availability a) {
        return new JsonObject().put("therapistId", a.therapistId()).put("timeZone", a.timeZone())
                .put("weekly", new JsonArray(a.weekly().stream().map(w -> new JsonObject().put("day", w.day().name())
                        .put("start", w.start().toString()).put("end", w.end().toString())).toList()))
                .put("exceptions", new JsonArray(a.exceptions().stream().map(e -> {
                    JsonObject json = new JsonObject().put("date", e.date().toString()).put("kind", e.kind().name().toLowerCase(Locale.ROOT));
                    if (e.start() != null) {
                        json.put("start", e.start().toString()).put("end", e.end().toString());
                    }
                    return json;
                }).toList()))
                .put("bufferBeforeMinutes", a.bufferBefore().toMinutes())
                .put("bufferAfterMinutes", a.bufferAfter().toMinutes())
                .put("minimumNoticeHours", a.minimumNotice().toHours())
                .put("horizonDays", a.horizon().toDays());
    }

    private static void putIfPresent(JsonObject json, String key, Object value) {
        if (value != null) {
            json.put(key, value);
        }
    }
}
