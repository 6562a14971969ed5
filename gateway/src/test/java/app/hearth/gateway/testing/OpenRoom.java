package app.hearth.gateway.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.DayOfWeek;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A remote appointment whose room is open right now, between a therapist and a patient made for it
 * (so scenarios never collide on anyone's calendar), both signed in with a password of their own.
 * The therapist's day is set around noon in a fixed-offset zone so any hour of the test run works.
 */
public final class OpenRoom {

    private static final AtomicInteger SEQUENCE = new AtomicInteger();
    public static final String PASSWORD = "a long test passphrase";

    public final String appointmentId;
    public final String roomId;
    public final String therapistId;
    public final String patientId;
    public final String therapistToken;
    public final String patientToken;
    private final ApiClient api;

    private OpenRoom(ApiClient api, String appointmentId, String roomId, String therapistId, String patientId,
                     String therapistToken, String patientToken) {
        this.api = api;
        this.appointmentId = appointmentId;
        this.roomId = roomId;
        this.therapistId = therapistId;
        this.patientId = patientId;
        this.therapistToken = therapistToken;
        this.patientToken = patientToken;
    }

    public static OpenRoom book(ApiClient api, String adminToken) {
        int n = SEQUENCE.incrementAndGet() + (int) (System.nanoTime() % 100_000) * 100;
        String therapistEmail = "room.therapist." + n + "@example.org";
        String therapistId = newPerson(api, adminToken, new JsonObject().put("role", "therapist")
                .put("displayName", "Dr. Room " + n).put("email", therapistEmail), therapistEmail);
        String patientEmail = "room.patient." + n + "@example.org";
        String patientId = newPerson(api, adminToken, new JsonObject().put("role", "patient")
                .put("displayName", "Pat Room " + n).put("email", patientEmail).put("therapistId", therapistId)
                .put("emergencyContact", new JsonObject().put("name", "Sam Contact").put("phone", "+1 555 0100")
                        .put("relationship", "partner")), patientEmail);
        openAllDay(api, adminToken, therapistId);
        long mark = 300;
        Instant soon = Instant.ofEpochSecond((Instant.now().getEpochSecond() / mark + 1) * mark);
        ApiClient.Reply booked = api.postJson("/api/appointments", adminToken, new JsonObject().put("type", "preparation")
                .put("therapistIds", new JsonArray().add(therapistId)).put("patientId", patientId).put("start", soon.toString()));
        assertEquals(201, booked.status(), booked.body());
        return new OpenRoom(api, booked.json().getString("id"), booked.json().getString("roomId"), therapistId, patientId,
                api.accessToken(therapistEmail, PASSWORD), api.accessToken(patientEmail, PASSWORD));
    }

    /** A person made for a scenario, signed in. */
    public record Member(String id, String token, String email) {
    }

    /** An open circle: two facilitators and seated patients, each signed in. */
    public record Circle(String appointmentId, String roomId, List<Member> facilitators, List<Member> patients) {

        /** The member joins the circle's room on the client's socket. */
        public JsonObject join(ApiClient api, RoomClient client, Member member) {
            return client.expect("room.joined", new JsonObject().put("type", "room.join")
                    .put("joinTicket", joinTicket(api, appointmentId, member.token())));
        }

        /** The patient joins, answers the gate and is admitted by the host; returns once told "admitted". */
        public void admit(ApiClient api, RoomClient host, RoomClient client, Member patient) {
            join(api, client, patient);
            client.expect("ok", gate(roomId));
            host.expect("ok", new JsonObject().put("type", "host.admit").put("roomId", roomId).put("personId", patient.id()));
            client.awaitType("room.admitted");
        }
    }

    public static Circle bookCircle(ApiClient api, String adminToken, int patientCount) {
        int n = SEQUENCE.incrementAndGet() + (int) (System.nanoTime() % 100_000) * 100;
        List<Member> facilitators = new ArrayList<>();
        for (int i = 1; i <= 2; i++) {
            String email = "circle.facilitator." + i + "." + n + "@example.org";
            String id = newPerson(api, adminToken, new JsonObject().put("role", "therapist")
                    .put("displayName", "Facilitator " + i + " " + n).put("email", email), email);
            openAllDay(api, adminToken, id);
            facilitators.add(new Member(id, api.accessToken(email, PASSWORD), email));
        }
        long mark = 300;
        Instant soon = Instant.ofEpochSecond((Instant.now().getEpochSecond() / mark + 1) * mark);
        ApiClient.Reply booked = api.postJson("/api/appointments", adminToken, new JsonObject().put("type", "circle")
                .put("therapistIds", new JsonArray(facilitators.stream().map(Member::id).toList()))
                .put("capacity", Math.max(2, patientCount)).put("start", soon.toString()));
        assertEquals(201, booked.status(), booked.body());
        String circleId = booked.json().getString("id");
        List<Member> patients = new ArrayList<>();
        for (int i = 1; i <= patientCount; i++) {
            String email = "circle.patient." + i + "." + n + "@example.org";
            String id = newPerson(api, adminToken, new JsonObject().put("role", "patient")
                    .put("displayName", "Circle Patient " + i + " " + n).put("email", email)
                    .put("therapistId", facilitators.get(0).id()), email);
            ApiClient.Reply seated = api.postJson("/api/appointments/" + circleId + "/seats", adminToken,
                    new JsonObject().put("patientId", id));
            assertEquals(200, seated.status(), seated.body());
            patients.add(new Member(id, api.accessToken(email, PASSWORD), email));
        }
        return new Circle(circleId, booked.json().getString("roomId"), List.copyOf(facilitators), List.copyOf(patients));
    }

    /**
     * A preparation open now between existing people (e.g. the demo therapist and patient), after
     * opening the therapist's availability around the clock. Returns {appointmentId, roomId}.
     */
    public static String[] bookNow(ApiClient api, String adminToken, String therapistId, String patientId) {
        openAllDay(api, adminToken, therapistId);
        long mark = 300;
        Instant soon = Instant.ofEpochSecond((Instant.now().getEpochSecond() / mark + 1) * mark);
        ApiClient.Reply booked = api.postJson("/api/appointments", adminToken, new JsonObject().put("type", "preparation")
                .put("therapistIds", new JsonArray().add(therapistId)).put("patientId", patientId).put("start", soon.toString()));
        assertEquals(201, booked.status(), booked.body());
        return new String[] {booked.json().getString("id"), booked.json().getString("roomId")};
    }

    /** A fresh join ticket for anyone of an appointment. */
    public static String joinTicket(ApiClient api, String appointmentId, String accessToken) {
        ApiClient.Reply ticket = api.post("/api/appointments/" + appointmentId + "/join-ticket", accessToken, null, "");
        assertEquals(201, ticket.status(), ticket.body());
        return ticket.json().getString("ticket");
    }

    /** Makes the therapist bookable at any time of any day, without notice. */
    public static void openAllDay(ApiClient api, String adminToken, String therapistId) {
        openAllDay(api, adminToken, therapistId, zoneNearNoon());
    }

    /**
     * A fixed-offset zone (e.g. {@code Etc/GMT-5}) where it is now between 11:00 and 13:00. At offset
     * zero it is {@code UTC}: browsers report {@code Etc/GMT} as {@code UTC}, and pages name the zone
     * the browser reports.
     */
    public static String zoneNearNoon() {
        int offset = Math.max(-12, Math.min(14, 12 - ZonedDateTime.now(ZoneOffset.UTC).getHour()));
        return offset == 0 ? "UTC" : "Etc/GMT" + (offset > 0 ? "-" : "+") + Math.abs(offset);
    }

    /** Makes the therapist bookable at any time of any day in {@code zone}, without notice. */
    public static void openAllDay(ApiClient api, String adminToken, String therapistId, String zone) {
        JsonArray everyDay = new JsonArray();
        for (DayOfWeek day : DayOfWeek.values()) {
            everyDay.add(new JsonObject().put("day", day.name()).put("start", "00:00").put("end", "23:55"));
        }
        ApiClient.Reply saved = api.put("/api/therapists/" + therapistId + "/availability", adminToken, new JsonObject()
                .put("timeZone", zone).put("weekly", everyDay).put("minimumNoticeHours", 0).put("horizonDays", 30));
        assertEquals(200, saved.status(), saved.body());
    }

    private static String newPerson(ApiClient api, String adminToken, JsonObject person, String email) {
        ApiClient.Reply created = api.postJson("/api/people", adminToken, person);
        assertEquals(201, created.status(), created.body());
        String url = created.json().getJsonObject("setPasswordLink").getString("url");
        String ticket = url.substring(url.indexOf("#/set-password/") + "#/set-password/".length());
        ApiClient.Reply set = api.postJson("/api/auth/set-password", null, new JsonObject().put("ticket", ticket).put("password", PASSWORD));
        assertEquals(204, set.status(), set.body());
        return created.json().getJsonObject("person").getString("id");
    }

    /** A fresh single-use join ticket for the signed-in person. */
    public String joinTicket(String accessToken) {
        return joinTicket(api, appointmentId, accessToken);
    }

    public JsonObject join(RoomClient client, String accessToken) {
        return client.expect("room.joined", new JsonObject().put("type", "room.join").put("joinTicket", joinTicket(accessToken)));
    }

    /**
     * Both in the session on the node at {@code baseUrl}: the patient checked in and admitted, the
     * therapist in the room. Returns {therapist, patient}.
     */
    public RoomClient[] inSession(String baseUrl) {
        RoomClient therapist = RoomClient.connect(baseUrl, therapistToken);
        RoomClient patient = RoomClient.connect(baseUrl, patientToken);
        join(patient, patientToken);
        patient.expect("ok", gate());
        therapist.expect("ok", new JsonObject().put("type", "host.admit").put("roomId", roomId).put("personId", patientId));
        patient.awaitType("room.admitted");
        join(therapist, therapistToken);
        therapist.awaitRoster(p -> p.size() == 2 && p.stream().allMatch(x -> "in-room".equals(x.getString("presence"))),
                "both in the room");
        return new RoomClient[] {therapist, patient};
    }

    public JsonObject gate() {
        return gate(roomId);
    }

    public static JsonObject gate(String roomId) {
        return new JsonObject().put("type", "gate.submit").put("roomId", roomId).put("address", "12 Harbour Lane, Portland")
                .put("geolocation", new JsonObject().put("latitude", 45.52).put("longitude", -122.68).put("accuracyMeters", 35))
                .put("emergencyContact", new JsonObject().put("name", "Sam Contact").put("phone", "+1 555 0100"))
                .put("privateAndNotDriving", true);
    }
}
