package app.hearth.gateway.booking;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import app.hearth.gateway.testing.ApiClient;
import app.hearth.gateway.testing.DemoNodeTest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.StringReader;
import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.temporal.TemporalAdjusters;
import java.util.List;
import java.util.Locale;
import net.fortuna.ical4j.data.CalendarBuilder;
import net.fortuna.ical4j.model.Calendar;
import net.fortuna.ical4j.model.Property;
import net.fortuna.ical4j.model.component.VEvent;
import net.fortuna.ical4j.model.property.DtStart;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("iCalendar feeds")
class CalendarFeedTest extends DemoNodeTest {

    static final ZoneId NEW_YORK = ZoneId.of("America/New_York");

    static Calendar parse(String text) throws Exception {
        return new CalendarBuilder().build(new StringReader(text));
    }

    @Test
    @DisplayName("a patient's feed parses back with the right times in their zone and no clinical words; rotating and revoking kill old URLs")
    void patientFeed() throws Exception {
        ZonedDateTime monday = LocalDate.now(NEW_YORK).plusWeeks(2).with(TemporalAdjusters.next(DayOfWeek.MONDAY)).atTime(9, 30).atZone(NEW_YORK);
        ApiClient.Reply dosing = api.postJson("/api/appointments", admin, new JsonObject().put("type", "dosing")
                .put("therapistIds", new JsonArray().add("demo-therapist-1")).put("patientId", "demo-patient-2")
                .put("start", monday.toInstant().toString()).put("location", "Treatment room 1"));
        assertEquals(201, dosing.status(), dosing.body());
        Instant prepStart = monday.minusDays(3).withHour(11).withMinute(0).toInstant();
        assertEquals(201, api.postJson("/api/appointments", admin, new JsonObject().put("type", "preparation")
                .put("therapistIds", new JsonArray().add("demo-therapist-1")).put("patientId", "demo-patient-2")
                .put("start", prepStart.toString()).put("dosingAppointmentId", dosing.json().getString("id"))).status());

        String patient = api.accessToken("patient2@demo.hearth", "hearth-demo");
        String url = api.post("/api/me/calendar-feed", patient, null, "").json().getString("url");
        assertTrue(url.startsWith(node.baseUrl() + "/api/calendar-feeds/"), url);
        String path = url.substring(node.baseUrl().length());
        ApiClient.Reply feed = api.get(path, null);
        assertEquals(200, feed.status(), feed.body());
        assertTrue(feed.header("Content-Type").startsWith("text/calendar"));
        String lower = feed.body().toLowerCase(Locale.ROOT);
        for (String word : List.of("ketamine", "dosing", "preparation", "integration", "priya")) {
            assertFalse(lower.contains(word), "no clinical detail or names in a patient's feed: " + word);
        }

        Calendar calendar = parse(feed.body());
        List<VEvent> events = calendar.getComponents("VEVENT");
        assertEquals(2, events.size());
        VEvent prep = events.stream().filter(e -> e.getSummary().getValue().equals("Session with your care team")).findFirst().orElseThrow();
        VEvent visit = events.stream().filter(e -> e.getSummary().getValue().equals("Clinic visit")).findFirst().orElseThrow();
        DtStart<?> start = prep.getDateTimeStart();
        assertEquals("America/New_York", start.getParameter("TZID").orElseThrow().getValue());
        assertEquals(prepStart, Instant.from(start.getDate()));
        assertEquals(monday.toInstant(), Instant.from(visit.getDateTimeStart().getDate()));
        assertEquals("Treatment room 1", visit.getProperty(Property.LOCATION).orElseThrow().getValue());
        assertFalse(calendar.getComponents("VTIMEZONE").isEmpty(), "the zone travels with the feed");

        // rotating makes a new URL and kills the old one; revoking kills the new one
        String second = api.post("/api/me/calendar-feed", patient, null, "").json().getString("url");
        assertEquals(404, api.get(path, null).status());
        assertEquals(200, api.get(second.substring(node.baseUrl().length()), null).status());
        assertEquals(204, api.post("/api/me/calendar-feed/revoke", patient, null, "").status());
        assertEquals(404, api.get(second.substring(node.baseUrl().length()), null).status());
        assertEquals(400, api.get("/api/calendar-feeds/not-a-token", null).status());
    }

    @Test
    @DisplayName("a therapist's feed names the kind of session, in the therapist's zone")
    void therapistFeed() throws Exception {
        ZoneId berlin = ZoneId.of("Europe/Berlin");
        ZonedDateTime tuesday = LocalDate.now(berlin).plusWeeks(2).with(TemporalAdjusters.next(DayOfWeek.TUESDAY)).atTime(10, 0).atZone(berlin);
        assertEquals(201, api.postJson("/api/appointments", admin, new JsonObject().put("type", "preparation")
                .put("therapistIds", new JsonArray().add("demo-therapist-2")).put("patientId", "demo-patient-4")
                .put("start", tuesday.toInstant().toString())).status());
        String therapist = api.accessToken("therapist2@demo.hearth", "hearth-demo");
        String url = api.post("/api/me/calendar-feed", therapist, null, "").json().getString("url");
        Calendar calendar = parse(api.get(url.substring(node.baseUrl().length()), null).body());
        VEvent event = (VEvent) calendar.getComponents("VEVENT").get(0);
        assertEquals("Preparation session", event.getSummary().getValue());
        assertEquals("Europe/Berlin", event.getDateTimeStart().getParameter("TZID").orElseThrow().getValue());
        assertFalse(api.get(url.substring(node.baseUrl().length()), null).body().contains("Robin"), "no patient names");
    }
}
