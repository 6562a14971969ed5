package app.hearth.gateway.care;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import app.hearth.gateway.testing.ApiClient;
import app.hearth.gateway.testing.TestNode;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import org.bson.Document;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Clinical text is sealed at rest: a raw store read shows ciphertext only")
class CareEncryptionAtRestTest {

    static final String GOALS = "Sleep through the night again, plaintext-marker-goals";
    static final String MEDS = "lithium 300 mg, plaintext-marker-meds";
    static final String INTENTION = "Meet the grief with patience, plaintext-marker-intention";
    static final String JOURNAL = "The music opened something, plaintext-marker-journal";
    static final String PROMPT = "What came up? plaintext-marker-prompt";

    static TestNode node;
    static ApiClient api;
    static String p;

    @BeforeAll
    static void start() {
        node = TestNode.start();
        api = new ApiClient(node.baseUrl());
        CareFixtures fixtures = new CareFixtures(node, api);
        p = fixtures.patient("demo", "demo-therapist-1");
        String patient = fixtures.signIn(p);
        assertEquals(200, api.put("/api/care/patients/" + p + "/intake", patient, new JsonObject().put("answers",
                new JsonObject().put("goals", GOALS).put("medications", MEDS))).status());
        assertEquals(200, api.put("/api/care/patients/" + p + "/intentions", patient, new JsonObject()
                .put("items", new JsonArray().add(new JsonObject().put("text", INTENTION))).put("version", 0)).status());
        assertEquals(201, api.postJson("/api/care/patients/" + p + "/journal", patient, new JsonObject().put("text", JOURNAL)
                .put("prompt", PROMPT).put("shared", true)).status());
    }

    @AfterAll
    static void stop() {
        node.close();
    }

    static List<Document> raw(String collection) {
        try (MongoClient client = MongoClients.create(node.storeUri())) {
            MongoDatabase db = client.getDatabase(node.databaseName());
            return db.getCollection(collection).find(Filters.eq("clinicId", "demo")).into(new ArrayList<>());
        }
    }

    static void assertNoPlaintext(List<Document> documents) {
        assertFalse(documents.isEmpty());
        for (Document d : documents) {
            String json = d.toJson();
            for (String marker : List.of("plaintext-marker", "Sleep through", "lithium", "grief", "music opened", "What came up")) {
                assertFalse(json.contains(marker), "raw document holds '" + marker + "': " + json);
            }
        }
    }

    @Test
    @DisplayName("care_intakes: each answer sealed on its own, v1:-prefixed")
    void intakes() {
        List<Document> docs = raw("care_intakes");
        assertNoPlaintext(docs);
        Document answers = docs.stream().filter(d -> p.equals(d.getString("_id"))).findFirst().orElseThrow().get("answers", Document.class);
        assertEquals(List.of("goals", "medications"), answers.keySet().stream().sorted().toList());
        answers.values().forEach(v -> assertTrue(((String) v).startsWith("v1:"), String.valueOf(v)));
        // the same text in two places is two different ciphertexts
        assertFalse(answers.getString("goals").equals(answers.getString("medications")));
    }

    @Test
    @DisplayName("care_intentions: the items sealed, v1:-prefixed")
    void intentions() {
        List<Document> docs = raw("care_intentions");
        assertNoPlaintext(docs);
        assertTrue(docs.get(0).getString("items").startsWith("v1:"));
    }

    @Test
    @DisplayName("care_journal: text and prompt sealed, v1:-prefixed")
    void journal() {
        List<Document> docs = raw("care_journal");
        assertNoPlaintext(docs);
        assertTrue(docs.get(0).getString("text").startsWith("v1:"));
        assertTrue(docs.get(0).getString("prompt").startsWith("v1:"));
    }

    @Test
    @DisplayName("a ciphertext moved to another record does not open there")
    void movedCiphertextDoesNotOpen() {
        String other = new CareFixtures(node, api).patient("demo", "demo-therapist-1");
        try (MongoClient client = MongoClients.create(node.storeUri())) {
            var intakes = client.getDatabase(node.databaseName()).getCollection("care_intakes");
            Document mine = intakes.find(Filters.eq("_id", p)).first();
            intakes.insertOne(new Document("_id", other).append("clinicId", "demo").append("answers", mine.get("answers"))
                    .append("updatedAt", mine.get("updatedAt")));
        }
        ApiClient.Reply reply = api.get("/api/care/patients/" + other + "/intake", api.accessToken("therapist@demo.hearth", "hearth-demo"));
        assertEquals(500, reply.status(), reply.body());
        assertFalse(reply.body().contains("plaintext-marker"));
    }
}
