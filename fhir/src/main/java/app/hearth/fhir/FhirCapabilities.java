package app.hearth.fhir;

import java.util.Date;
import java.util.List;
import java.util.Map;
import org.hl7.fhir.r4.model.CapabilityStatement;
import org.hl7.fhir.r4.model.CodeType;
import org.hl7.fhir.r4.model.Enumerations;

/**
 * What this server does, as FHIR R4 says it: read and search-type of eight resource types, JSON
 * only, Bearer tokens (the REST API's access tokens). Served without a token, as is usual, because
 * it tells nothing about any clinic.
 */
public final class FhirCapabilities {

    /** The search parameters each type takes, with their FHIR types; every search also takes _count and _offset. */
    static final Map<String, List<Param>> SEARCH = Map.of(
            "Practitioner", List.of(p("_id", "token")),
            "Patient", List.of(p("_id", "token")),
            "Schedule", List.of(p("_id", "token"), p("actor", "reference"), p("practitioner", "reference")),
            "Slot", List.of(p("schedule", "reference"), p("start", "date"), p("service-type", "token"), p("status", "token")),
            "Appointment", List.of(p("_id", "token"), p("patient", "reference"), p("practitioner", "reference"),
                    p("actor", "reference"), p("date", "date"), p("status", "token"), p("service-type", "token")),
            "Questionnaire", List.of(p("_id", "token"), p("url", "uri"), p("name", "string")),
            "QuestionnaireResponse", List.of(p("_id", "token"), p("patient", "reference"), p("subject", "reference"),
                    p("authored", "date"), p("date", "date"), p("questionnaire", "reference")),
            "Observation", List.of(p("_id", "token"), p("patient", "reference"), p("subject", "reference"), p("date", "date"),
                    p("code", "token"), p("category", "token")));

    private FhirCapabilities() {
    }

    record Param(String name, String type) {
    }

    private static Param p(String name, String type) {
        return new Param(name, type);
    }

    public static CapabilityStatement statement(String baseUrl, String version, Date published) {
        CapabilityStatement cs = new CapabilityStatement();
        cs.setId("hearth");
        cs.setName("HearthFhirR4");
        cs.setTitle("Hearth FHIR R4 read API");
        cs.setStatus(Enumerations.PublicationStatus.ACTIVE);
        cs.setDate(published);
        cs.setPublisher("Hearth");
        cs.setKind(CapabilityStatement.CapabilityStatementKind.INSTANCE);
        cs.getSoftware().setName("Hearth").setVersion(version);
        cs.getImplementation().setDescription("Hearth telehealth for ketamine-assisted psychotherapy clinics").setUrl(baseUrl);
        cs.setFhirVersion(Enumerations.FHIRVersion._4_0_1);
        cs.setFormat(List.of(new CodeType("application/fhir+json"), new CodeType("json")));
        CapabilityStatement.CapabilityStatementRestComponent rest = cs.addRest();
        rest.setMode(CapabilityStatement.RestfulCapabilityMode.SERVER);
        rest.setDocumentation("Read-only. Send the REST API's access token in an 'Authorization: Bearer' header. Every read "
                + "is scoped to the caller's clinic and role; another clinic's id answers 404. Unknown search parameters "
                + "answer 400 (strict handling).");
        rest.getSecurity().setCors(false).setDescription("OAuth-style Bearer access tokens of the Hearth REST API (POST /api/auth/login)")
                .addService().addCoding().setSystem("http://terminology.hl7.org/CodeSystem/restful-security-service")
                .setCode("OAuth").setDisplay("OAuth");
        for (String type : FhirReads.TYPES) {
            CapabilityStatement.CapabilityStatementRestResourceComponent resource = rest.addResource().setType(type);
            resource.addInteraction().setCode(CapabilityStatement.TypeRestfulInteraction.READ);
            resource.addInteraction().setCode(CapabilityStatement.TypeRestfulInteraction.SEARCHTYPE);
            resource.setVersioning(CapabilityStatement.ResourceVersionPolicy.NOVERSION);
            resource.setReadHistory(false).setUpdateCreate(false);
            for (Param param : SEARCH.get(type)) {
                resource.addSearchParam().setName(param.name())
                        .setType(Enumerations.SearchParamType.fromCode(param.type()));
            }
        }
        return FhirMapping.narrative(cs, "Hearth FHIR R4 read API: read and search of " + String.join(", ", FhirReads.TYPES));
    }
}
