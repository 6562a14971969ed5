package app.hearth.gateway.fhir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import app.hearth.booking.account.CredentialRepository;
import app.hearth.booking.clinic.Clinic;
import app.hearth.booking.clinic.ClinicRepository;
import app.hearth.booking.people.Person;
import app.hearth.booking.people.PersonRepository;
import app.hearth.booking.people.PersonStatus;
import app.hearth.booking.schedule.Appointment;
import app.hearth.booking.schedule.AppointmentType;
import app.hearth.booking.schedule.ScheduleStore;
import app.hearth.gateway.testing.ApiClient;
import app.hearth.gateway.testing.TestNode;
import app.hearth.platform.access.Role;
import app.hearth.platform.security.OpaqueTokens;
import app.hearth.platform.security.PasswordHasher;
import app.hearth.platform.store.Store;
import com.mongodb.client.model.Filters;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.bson.Document;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("FHIR R4 read API on a real node: R4-valid resources, searchset Bundles, OperationOutcome errors, "
        + "clinic isolation, who may read whose data, and audit")
class FhirApiTest {

    static final String FHIR_JSON = "application/fhir+json;charset=utf-8";
    static TestNode node;
    static ApiClient api;
    static R4Validator validator;
    static String patient1;
    static String patient2;
    static String therapist1;
    static String therapist2;
    static String admin;
    static String adminB;
    static final ZoneId DEMO_CLINIC_ZONE = ZoneId.of("America/New_York");
    static Appointment pastPreparation;
    static Appointment dosing;
    static Appointment cancelled;
    static Appointment circle;
    static Appointment otherClinic;
    static String phqId;
    static String gadId;
    static String pclId;

    @BeforeAll
    static void start() {
        long began = System.nanoTime();
        validator = new R4Validator();
        System.out.println("[FhirApiTest] R4 validator built in " + validator.buildMillis + " ms (total "
                + (System.nanoTime() - began) / 1_000_000 + " ms)");
        node = TestNode.start(Map.of("HEARTH_LOGINS_PER_ADDRESS", "500"));
        api = new ApiClient(node.baseUrl());
        Instant now = Instant.now().truncatedTo(ChronoUnit.HOURS);
        try (Store store = store()) {
            new ClinicRepository(store).insertIfAbsent(new Clinic("clinic-b", "Other Clinic", "Europe/Berlin"));
            new PersonRepository(store).insert(new Person("b-admin", "clinic-b", Role.ADMIN, "Admin B", "admin@b.example", null, null,
                    null, null, PersonStatus.ACTIVE, now), "test");
            new PersonRepository(store).insert(new Person("b-patient", "clinic-b", Role.PATIENT, "Patient B", "patient@b.example",
                    null, null, null, null, PersonStatus.ACTIVE, now), "test");
            new CredentialRepository(store).setPasswordHash("b-admin", PasswordHasher.recommended().hash("clinic b password"), now);
            ScheduleStore schedule = new ScheduleStore(store);
            pastPreparation = appointment(schedule, "demo", AppointmentType.PREPARATION, Appointment.Status.BOOKED,
                    "demo-therapist-1", "demo-patient-1", now.minus(Duration.ofDays(10)), List.of());
            dosing = appointment(schedule, "demo", AppointmentType.DOSING, Appointment.Status.BOOKED,
                    "demo-therapist-1", "demo-patient-1", now.plus(Duration.ofDays(3)), List.of());
            cancelled = appointment(schedule, "demo", AppointmentType.PREPARATION, Appointment.Status.CANCELLED,
                    "demo-therapist-1", "demo-patient-1", now.plus(Duration.ofDays(1)), List.of());
            circle = appointment(schedule, "demo", AppointmentType.CIRCLE, Appointment.Status.BOOKED, "demo-therapist-1", null,
                    now.plus(Duration.ofDays(5)), List.of("demo-patient-1", "demo-patient-2"));
            otherClinic = appointment(schedule, "clinic-b", AppointmentType.PREPARATION, Appointment.Status.BOOKED, "b-admin",
                    "b-patient", now.plus(Duration.ofDays(2)), List.of());
        }
        patient1 = api.accessToken("patient1@demo.hearth", "hearth-demo");
        patient2 = api.accessToken("patient2@demo.hearth", "hearth-demo");
        therapist1 = api.accessToken("therapist@demo.hearth", "hearth-demo");
        therapist2 = api.accessToken("therapist2@demo.hearth", "hearth-demo");
        admin = api.accessToken("admin@demo.hearth", "hearth-demo");
        adminB = api.accessToken("admin@b.example", "clinic b password");
        // the served Questionnaires, so that the responses are validated against them too
        for (String id : List.of("phq9", "gad7", "pcl5")) {
            validator.addQuestionnaire(get("/Questionnaire/" + id, admin).body());
        }
        phqId = submit("phq9", List.of(1, 2, 1, 2, 1, 0, 1, 0, 0));
        gadId = submit("gad7", List.of(2, 2, 2, 2, 2, 2, 2));
        pclId = submit("pcl5", Collections.nCopies(20, 1));
    }

    @AfterAll
    static void stop() {
        if (validator != null) {
            System.out.println("[FhirApiTest] R4 validation warnings (allowed): " + validator.warnings.size()
                    + (validator.warnings.isEmpty() ? "" : "\n  " + String.join("\n  ", validator.warnings)));
        }
        if (node != null) {
            node.close();
        }
    }

    static Store store() {
        return Store.connect(node.storeUri(), node.databaseName());
    }

    static Appointment appointment(ScheduleStore schedule, String clinicId, AppointmentType type, Appointment.Status status,
                                   String therapistId, String patientId, Instant start, List<String> attendees) {
        List<Appointment.Attendee> seats = new ArrayList<>();
        for (int i = 0; i < attendees.size(); i++) {
            seats.add(new Appointment.Attendee(attendees.get(i), Appointment.AttendeeState.SEATED, start.minus(Duration.ofDays(1))));
        }
        Appointment a = new Appointment(OpaqueTokens.newId(), clinicId, type, status, start, start.plus(Duration.ofMinutes(60)),
                List.of(therapistId), patientId, type == AppointmentType.DOSING ? "Room 2" : null,
                type.remote() ? OpaqueTokens.newId() : null, null, type == AppointmentType.CIRCLE ? 8 : 0, seats,
                List.of(new Appointment.HistoryEntry(Instant.now(), "test", "appointment.booked", null)));
        schedule.insert(a);
        return a;
    }

    /** Patient 1 answers a questionnaire's baseline over the REST API; returns the response id. */
    static String submit(String instrument, List<Integer> answers) {
        ApiClient.Reply reply = api.postJson("/api/care/patients/demo-patient-1/measures", patient1, new JsonObject()
                .put("instrument", instrument).put("occasion", "baseline").put("answers", new JsonArray(answers)));
        assertEquals(201, reply.status(), reply.body());
        try (Store store = store()) {
            return store.collection("care_measure_responses").find(Filters.and(Filters.eq("patientId", "demo-patient-1"),
                    Filters.eq("instrument", instrument))).first().getString("_id");
        }
    }

    static String fhirId(String hearthId) {
        return hearthId.replace('_', '.');
    }

    static ApiClient.Reply get(String path, String token) {
        return api.get("/fhir/r4" + path, token);
    }

    /** A 200 in application/fhir+json, valid against the R4 base profiles; returns the body. */
    static JsonObject ok(String path, String token, String resourceType) {
        ApiClient.Reply reply = get(path, token);
        assertEquals(200, reply.status(), () -> path + ": " + reply.body());
        assertEquals(FHIR_JSON, reply.header("Content-Type"), path);
        JsonObject body = reply.json();
        assertEquals(resourceType, body.getString("resourceType"), path);
        validator.assertValid(reply.body());
        return body;
    }

    static JsonObject bundle(String path, String token) {
        JsonObject bundle = ok(path, token, "Bundle");
        assertEquals("searchset", bundle.getString("type"));
        assertNotNull(bundle.getInteger("total"), "total");
        JsonObject self = links(bundle).stream().filter(l -> "self".equals(l.getString("relation"))).findFirst().orElseThrow();
        assertTrue(self.getString("url").startsWith(node.baseUrl() + "/fhir/r4/"), self.encode());
        return bundle;
    }

    static List<JsonObject> links(JsonObject bundle) {
        return bundle.getJsonArray("link", new JsonArray()).stream().map(o -> (JsonObject) o).toList();
    }

    static List<JsonObject> entries(JsonObject bundle) {
        return bundle.getJsonArray("entry", new JsonArray()).stream().map(o -> ((JsonObject) o).getJsonObject("resource")).toList();
    }

    static List<String> ids(JsonObject bundle) {
        return entries(bundle).stream().map(r -> r.getString("id")).toList();
    }

    /** An OperationOutcome error with this status and Hearth problem slug. */
    static JsonObject outcome(ApiClient.Reply reply, int status, String slug) {
        assertEquals(status, reply.status(), reply::body);
        assertEquals(FHIR_JSON, reply.header("Content-Type"), reply::body);
        JsonObject body = reply.json();
        assertEquals("OperationOutcome", body.getString("resourceType"), reply::body);
        JsonObject issue = body.getJsonArray("issue").getJsonObject(0);
        assertEquals("error", issue.getString("severity"));
        assertEquals(slug, issue.getJsonObject("details").getJsonArray("coding").getJsonObject(0).getString("code"), reply::body);
        validator.assertValid(reply.body());
        return body;
    }

    static String q(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    static long audited(String actorId, String action, String resourceId, String outcome) {
        try (Store store = store()) {
            return store.collection("audit_log").countDocuments(Filters.and(Filters.eq("actorId", actorId),
                    Filters.eq("action", action), Filters.eq("resourceId", resourceId), Filters.eq("outcome", outcome)));
        }
    }

    // ------------------------------------------------------------------ metadata and formats

    @Test
    @DisplayName("the validator itself finds errors: an Observation without status, a bad code and a made-up element fail")
    void validatorFindsErrors() {
        List<String> errors = validator.errors("{\"resourceType\":\"Observation\",\"code\":{\"text\":\"x\"},"
                + "\"valueInteger\":\"eight\",\"colour\":\"blue\"}");
        assertTrue(errors.size() >= 3, () -> String.join("\n", errors));
        assertFalse(validator.errors("{\"resourceType\":\"Appointment\",\"status\":\"maybe\",\"participant\":[]}").isEmpty());
    }

    @Test
    @DisplayName("the CapabilityStatement is served without a token, R4-valid, naming every resource type with read and search")
    void metadata() {
        JsonObject cs = ok("/metadata", null, "CapabilityStatement");
        assertEquals("4.0.1", cs.getString("fhirVersion"));
        List<String> types = cs.getJsonArray("rest").getJsonObject(0).getJsonArray("resource").stream()
                .map(o -> ((JsonObject) o).getString("type")).toList();
        assertEquals(List.of("Practitioner", "Patient", "Schedule", "Slot", "Appointment", "Questionnaire",
                "QuestionnaireResponse", "Observation"), types);
    }

    @Test
    @DisplayName("JSON is served for application/fhir+json, application/json and _format=json; XML is refused with 406")
    void formats() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        for (String accept : List.of("application/fhir+json", "application/json", "*/*", "application/fhir+json; fhirVersion=4.0")) {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(node.baseUrl() + "/fhir/r4/Patient/demo-patient-1"))
                    .header("Accept", accept).header("Authorization", "Bearer " + patient1).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, r.statusCode(), accept + ": " + r.body());
            assertEquals(FHIR_JSON, r.headers().firstValue("Content-Type").orElse(null));
        }
        for (String accept : List.of("application/fhir+xml", "application/xml", "text/xml")) {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(node.baseUrl() + "/fhir/r4/Patient/demo-patient-1"))
                    .header("Accept", accept).header("Authorization", "Bearer " + patient1).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            outcome(new ApiClient.Reply(r.statusCode(), r.body(), r), 406, "fhir-format-not-acceptable");
        }
        ok("/Patient/demo-patient-1?_format=json", patient1, "Patient");
        ok("/Patient/demo-patient-1?_format=" + q("application/fhir+json"), patient1, "Patient");
        outcome(get("/Patient/demo-patient-1?_format=xml", patient1), 406, "fhir-format-not-acceptable");
        outcome(get("/metadata?_format=xml", null), 406, "fhir-format-not-acceptable");
    }

    @Test
    @DisplayName("no token is 401 with an OperationOutcome; writes are 405; an unknown type is 404")
    void errors() {
        ApiClient.Reply noToken = get("/Patient/demo-patient-1", null);
        outcome(noToken, 401, "unauthenticated");
        assertEquals("Bearer", noToken.header("WWW-Authenticate"));
        outcome(get("/Patient", "not-a-token"), 401, "unauthenticated");
        outcome(api.postJson("/fhir/r4/Patient", admin, new JsonObject().put("resourceType", "Patient")), 405, "method-not-allowed");
        outcome(get("/Medication/x", admin), 404, "fhir-unknown-resource-type");
        outcome(get("/Encounter?patient=demo-patient-1", admin), 404, "fhir-unknown-resource-type");
        outcome(get("/Patient/no-such-patient", admin), 404, "fhir-resource-not-found");
        outcome(get("/Patient/" + q("bad_id!"), admin), 404, "fhir-resource-not-found");
    }

    // ------------------------------------------------------------------ every resource type, valid R4

    @Test
    @DisplayName("Practitioner, Patient, Schedule, Slot and Appointment (dosing and cancelled included) read as valid R4")
    void schedulingResources() {
        JsonObject practitioner = ok("/Practitioner/demo-therapist-1", admin, "Practitioner");
        assertEquals("Dr. Maya Okafor", practitioner.getJsonArray("name").getJsonObject(0).getString("text"));
        JsonObject patient = ok("/Patient/demo-patient-1", therapist1, "Patient");
        assertEquals("Jordan Lee", patient.getJsonArray("name").getJsonObject(0).getString("text"));
        // minimal demographics: no phone, no emergency contact, nothing of the intake
        assertEquals(List.of("email"), patient.getJsonArray("telecom").stream().map(o -> ((JsonObject) o).getString("system")).toList());
        assertNull(patient.getValue("contact"));
        assertFalse(patient.encode().contains("555"), patient.encode());

        JsonObject schedule = ok("/Schedule/demo-therapist-1", patient1, "Schedule");
        assertEquals("Practitioner/demo-therapist-1", schedule.getJsonArray("actor").getJsonObject(0).getString("reference"));

        JsonObject slots = bundle("/Slot?schedule=Schedule/demo-therapist-1&service-type=preparation", patient1);
        assertTrue(slots.getInteger("total") > 0, slots.encode());
        JsonObject slot = entries(slots).get(0);
        assertEquals("free", slot.getString("status"));
        JsonObject read = ok("/Slot/" + slot.getString("id"), patient1, "Slot");
        assertEquals(slot.getString("start"), read.getString("start"));
        outcome(get("/Slot/slot-preparation-1-demo-therapist-1", patient1), 404, "fhir-resource-not-found");

        JsonObject dosingView = ok("/Appointment/" + fhirId(dosing.id()), therapist1, "Appointment");
        assertEquals("booked", dosingView.getJsonArray("serviceType").getJsonObject(0).getJsonArray("coding").getJsonObject(0)
                .getString("code").equals("dosing") ? "booked" : "not a dosing", dosingView.getString("status"));
        List<String> actors = dosingView.getJsonArray("participant").stream()
                .map(o -> ((JsonObject) o).getJsonObject("actor").getString("reference")).toList();
        assertEquals(List.of("Practitioner/demo-therapist-1", "Patient/demo-patient-1"), actors);
        assertEquals("cancelled", ok("/Appointment/" + fhirId(cancelled.id()), patient1, "Appointment").getString("status"));
        JsonObject circleView = ok("/Appointment/" + fhirId(circle.id()), admin, "Appointment");
        assertEquals(3, circleView.getJsonArray("participant").size());
    }

    @Test
    @DisplayName("Questionnaires (PHQ-9, GAD-7, PCL-5), the patient's QuestionnaireResponses and LOINC-coded total-score "
            + "Observations read as valid R4")
    void measureResources() {
        for (String id : List.of("phq9", "gad7", "pcl5")) {
            JsonObject questionnaire = ok("/Questionnaire/" + id, patient1, "Questionnaire");
            assertEquals("active", questionnaire.getString("status"));
        }
        assertEquals(3, bundle("/Questionnaire", admin).getInteger("total"));

        JsonObject qr = ok("/QuestionnaireResponse/" + fhirId(phqId), patient1, "QuestionnaireResponse");
        List<String> warned = validator.assertValid(get("/QuestionnaireResponse/" + fhirId(gadId), patient1).body());
        assertTrue(warned.stream().noneMatch(w -> w.contains("could not be resolved")), () -> "checked against its Questionnaire: " + warned);
        // against the Questionnaire, an answer outside its options is an error (the check above is real)
        JsonObject broken = qr.copy();
        broken.getJsonArray("item").getJsonObject(0).getJsonArray("answer").getJsonObject(0).getJsonObject("valueCoding").put("code", "7");
        assertFalse(validator.errors(broken.encode()).isEmpty(), "an answer that is not an option");
        assertEquals("completed", qr.getString("status"));
        assertEquals("Patient/demo-patient-1", qr.getJsonObject("subject").getString("reference"));
        assertEquals(ok("/QuestionnaireResponse/" + fhirId(phqId), therapist1, "QuestionnaireResponse"), qr);

        Map<String, Object[]> expected = Map.of(phqId, new Object[] {"44261-6", 8}, gadId, new Object[] {"70274-6", 14},
                pclId, new Object[] {"101698-9", 20});
        expected.forEach((id, codeAndTotal) -> {
            JsonObject obs = ok("/Observation/" + fhirId(id), therapist1, "Observation");
            JsonObject coding = obs.getJsonObject("code").getJsonArray("coding").getJsonObject(0);
            assertEquals("http://loinc.org", coding.getString("system"));
            assertEquals(codeAndTotal[0], coding.getString("code"));
            assertEquals(codeAndTotal[1], obs.getInteger("valueInteger"));
            assertEquals("QuestionnaireResponse/" + fhirId(id), obs.getJsonArray("derivedFrom").getJsonObject(0).getString("reference"));
        });
    }

    // ------------------------------------------------------------------ searches

    @Test
    @DisplayName("searches return searchset Bundles with total and self links; date prefixes, status and paging filter")
    void searches() {
        String p1 = "patient=Patient/demo-patient-1";
        JsonObject all = bundle("/Appointment?" + p1, admin);
        assertEquals(List.of(fhirId(pastPreparation.id()), fhirId(cancelled.id()), fhirId(dosing.id()), fhirId(circle.id())), ids(all));
        assertEquals(4, all.getInteger("total"));

        // a date without a time is a day of the clinic's calendar (America/New_York), not of UTC: in the New York
        // evening the UTC date is already tomorrow's
        String today = LocalDate.now(DEMO_CLINIC_ZONE).toString();
        assertEquals(List.of(fhirId(pastPreparation.id())), ids(bundle("/Appointment?" + p1 + "&date=lt" + today, admin)));
        assertEquals(List.of(fhirId(cancelled.id()), fhirId(dosing.id()), fhirId(circle.id())),
                ids(bundle("/Appointment?" + p1 + "&date=ge" + today, admin)));
        assertEquals(List.of(fhirId(dosing.id())), ids(bundle("/Appointment?" + p1 + "&date=" + q("gt" + cancelled.start())
                + "&date=" + q("le" + dosing.start()), admin)));
        assertEquals(List.of(fhirId(dosing.id())), ids(bundle("/Appointment?" + p1 + "&date=eq"
                + LocalDate.ofInstant(dosing.start(), DEMO_CLINIC_ZONE) + "&date=" + q("eq" + dosing.start()), admin)));
        assertEquals(List.of(fhirId(cancelled.id())), ids(bundle("/Appointment?" + p1 + "&status=cancelled", admin)));
        assertEquals(List.of(fhirId(dosing.id()), fhirId(circle.id())),
                ids(bundle("/Appointment?practitioner=Practitioner/demo-therapist-1&status=booked&date=gt" + today, therapist1)));

        JsonObject paged = bundle("/Appointment?" + p1 + "&_count=2", admin);
        assertEquals(4, paged.getInteger("total"));
        assertEquals(2, entries(paged).size());
        String next = links(paged).stream().filter(l -> "next".equals(l.getString("relation"))).findFirst().orElseThrow()
                .getString("url");
        JsonObject second = bundle(next.substring((node.baseUrl() + "/fhir/r4").length()), admin);
        assertEquals(List.of(fhirId(dosing.id()), fhirId(circle.id())), ids(second));

        assertEquals(3, bundle("/Observation?patient=demo-patient-1", therapist1).getInteger("total"));
        assertEquals(List.of(fhirId(phqId)), ids(bundle("/Observation?patient=demo-patient-1&code=" + q("http://loinc.org|44261-6"),
                therapist1)));
        assertEquals(0, bundle("/Observation?patient=demo-patient-1&date=lt2020-01-01", therapist1).getInteger("total"));
        assertEquals(3, bundle("/QuestionnaireResponse?patient=demo-patient-1&authored=ge" + today, therapist1).getInteger("total"));
        assertEquals(3, bundle("/QuestionnaireResponse", patient1).getInteger("total"), "a patient's own, without naming them");
        assertEquals(List.of(fhirId(pclId)), ids(bundle("/QuestionnaireResponse?questionnaire=" + q("https://hearth.app/fhir/Questionnaire/pcl5"),
                patient1)));
        assertEquals(List.of("demo-patient-1", "demo-patient-2"), ids(bundle("/Patient", therapist1)));
        assertEquals(List.of("demo-therapist-1"), ids(bundle("/Practitioner", patient1)));
        assertEquals(2, bundle("/Schedule", admin).getInteger("total"));
        assertEquals(List.of("demo-therapist-2"), ids(bundle("/Schedule?actor=Practitioner/demo-therapist-2", admin)));
    }

    @Test
    @DisplayName("bad search parameters are 400 OperationOutcomes naming what is wrong")
    void badParameters() {
        for (String query : List.of("/Appointment?date=2026-13-01", "/Appointment?date=xx2026", "/Appointment?date=ap2026-03-01",
                "/Appointment?colour=blue", "/Appointment?status=maybe", "/Appointment?_count=-1", "/Appointment?patient=Practitioner/x",
                "/Observation?code=" + q("http://snomed.info/sct|123"), "/Slot?start=ge2026-01-01",
                "/Slot?schedule=Schedule/demo-therapist-1&start=ge2026-01-01&start=lt2099-01-01",
                "/Patient?name=Jordan", "/QuestionnaireResponse?patient=demo-patient-1&patient=demo-patient-2")) {
            outcome(get(query, therapist1), 400, "fhir-invalid-search");
        }
    }

    // ------------------------------------------------------------------ isolation and access

    @Test
    @DisplayName("another clinic's resources are 404 and never appear in searches")
    void clinicIsolation() {
        outcome(get("/Patient/demo-patient-1", adminB), 404, "fhir-resource-not-found");
        outcome(get("/Practitioner/demo-therapist-1", adminB), 404, "fhir-resource-not-found");
        outcome(get("/Schedule/demo-therapist-1", adminB), 404, "fhir-resource-not-found");
        outcome(get("/Appointment/" + fhirId(dosing.id()), adminB), 404, "fhir-resource-not-found");
        outcome(get("/Appointment/" + fhirId(otherClinic.id()), admin), 404, "fhir-resource-not-found");
        outcome(get("/Patient/b-patient", admin), 404, "fhir-resource-not-found");
        assertEquals(List.of("b-patient"), ids(bundle("/Patient", adminB)));
        assertEquals(List.of(fhirId(otherClinic.id())), ids(bundle("/Appointment", adminB)));
        assertFalse(ids(bundle("/Appointment", admin)).contains(fhirId(otherClinic.id())));
        outcome(get("/Appointment?patient=demo-patient-1", adminB), 403, "fhir-patient-out-of-reach");
        assertEquals(0, bundle("/Practitioner", adminB).getInteger("total"));
    }

    @Test
    @DisplayName("a patient reads only their own data: another patient's is 404, a search naming them 403, a circle shows only them")
    void patientReadsOnlyTheirOwn() {
        outcome(get("/Patient/demo-patient-1", patient2), 404, "fhir-resource-not-found");
        outcome(get("/QuestionnaireResponse/" + fhirId(phqId), patient2), 404, "fhir-resource-not-found");
        outcome(get("/Observation/" + fhirId(phqId), patient2), 404, "fhir-resource-not-found");
        outcome(get("/Appointment/" + fhirId(dosing.id()), patient2), 404, "fhir-resource-not-found");
        outcome(get("/Observation?patient=demo-patient-1", patient2), 403, "fhir-patient-out-of-reach");
        outcome(get("/Appointment?patient=demo-patient-1", patient2), 403, "fhir-patient-out-of-reach");
        assertEquals(List.of("demo-patient-2"), ids(bundle("/Patient", patient2)));
        assertEquals(0, bundle("/Observation", patient2).getInteger("total"));
        assertEquals(List.of(fhirId(circle.id())), ids(bundle("/Appointment", patient2)));
        JsonObject seen = ok("/Appointment/" + fhirId(circle.id()), patient2, "Appointment");
        assertEquals(List.of("Practitioner/demo-therapist-1", "Patient/demo-patient-2"), seen.getJsonArray("participant").stream()
                .map(o -> ((JsonObject) o).getJsonObject("actor").getString("reference")).toList());
        outcome(get("/Practitioner/demo-therapist-2", patient2), 404, "fhir-resource-not-found");
        // nor, by searching on another participant, who else sits in their circle
        assertEquals(0, bundle("/Appointment?actor=Patient/demo-patient-2", patient1).getInteger("total"));
        assertEquals(List.of(fhirId(circle.id())), ids(bundle("/Appointment?actor=Patient/demo-patient-2", admin)));
    }

    @Test
    @DisplayName("a therapist is refused an unassigned patient's data; admins are refused clinical content (403)")
    void therapistAndAdminRefusals() {
        outcome(get("/Patient/demo-patient-1", therapist2), 404, "fhir-resource-not-found");
        outcome(get("/QuestionnaireResponse/" + fhirId(phqId), therapist2), 404, "fhir-resource-not-found");
        outcome(get("/Observation/" + fhirId(gadId), therapist2), 404, "fhir-resource-not-found");
        outcome(get("/Observation?patient=demo-patient-1", therapist2), 403, "fhir-patient-out-of-reach");
        outcome(get("/QuestionnaireResponse?subject=Patient/demo-patient-1", therapist2), 403, "fhir-patient-out-of-reach");
        assertEquals(0, bundle("/Observation", therapist2).getInteger("total"));
        assertFalse(ids(bundle("/Patient", therapist2)).contains("demo-patient-1"));
        outcome(get("/Observation/" + fhirId(phqId), admin), 403, "clinical-content-not-allowed");
        outcome(get("/QuestionnaireResponse?patient=demo-patient-1", admin), 403, "clinical-content-not-allowed");
        ok("/Patient/demo-patient-1", admin, "Patient"); // demographics are not clinical content
    }

    @Test
    @DisplayName("every read of patient data is audited, refusals as denied")
    void audit() {
        ok("/Patient/demo-patient-2", therapist1, "Patient");
        ok("/Observation/" + fhirId(pclId), therapist1, "Observation");
        bundle("/QuestionnaireResponse?patient=demo-patient-1", therapist1);
        bundle("/Appointment?patient=demo-patient-1&status=cancelled", admin);
        outcome(get("/QuestionnaireResponse/" + fhirId(gadId), therapist2), 404, "fhir-resource-not-found");
        outcome(get("/Observation?patient=demo-patient-1", therapist2), 403, "fhir-patient-out-of-reach");
        assertTrue(audited("demo-therapist-1", "fhir.patient.read", "demo-patient-2", "success") >= 1);
        assertTrue(audited("demo-therapist-1", "fhir.observation.read", pclId, "success") >= 1);
        for (String id : List.of(phqId, gadId, pclId)) {
            assertTrue(audited("demo-therapist-1", "fhir.questionnaire-response.read", id, "success") >= 1, id);
        }
        assertTrue(audited("demo-admin", "fhir.appointment.read", cancelled.id(), "success") >= 1);
        assertTrue(audited("demo-therapist-2", "fhir.questionnaire-response.read", gadId, "denied") >= 1);
        assertTrue(audited("demo-therapist-2", "fhir.observation.read", "demo-patient-1", "denied") >= 1);
        try (Store store = store()) {
            Document entry = store.collection("audit_log").find(Filters.eq("action", "fhir.patient.read")).first();
            assertNotNull(entry.getString("sourceAddress"), entry.toJson());
            assertEquals("demo", entry.getString("clinicId"));
        }
    }
}
