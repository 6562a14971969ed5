package app.hearth.booking.people;

import org.bson.Document;

/** Who to call if a patient is in danger during a remote session. */
public record EmergencyContact(String name, String phone, String relationship) {

    Document toDocument() {
        Document doc = new Document("name", name).append("phone", phone);
        if (relationship != null) {
            doc.append("relationship", relationship);
        }
        return doc;
    }

    static EmergencyContact fromDocument(Document doc) {
        return doc == null ? null : new EmergencyContact(doc.getString("name"), doc.getString("phone"),
                doc.getString("relationship"));
    }
}
