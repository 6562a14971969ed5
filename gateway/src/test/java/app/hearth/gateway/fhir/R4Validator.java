package app.hearth.gateway.fhir;

import static org.junit.jupiter.api.Assertions.assertTrue;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.context.support.DefaultProfileValidationSupport;
import ca.uhn.fhir.validation.FhirValidator;
import ca.uhn.fhir.validation.ResultSeverityEnum;
import ca.uhn.fhir.validation.SingleValidationMessage;
import ca.uhn.fhir.validation.ValidationResult;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.hl7.fhir.common.hapi.validation.support.CommonCodeSystemsTerminologyService;
import org.hl7.fhir.common.hapi.validation.support.InMemoryTerminologyServerValidationSupport;
import org.hl7.fhir.common.hapi.validation.support.SnapshotGeneratingValidationSupport;
import org.hl7.fhir.common.hapi.validation.support.ValidationSupportChain;
import org.hl7.fhir.common.hapi.validation.validator.FhirInstanceValidator;

/**
 * HAPI's instance validator against the R4 base profiles, offline: the core definitions, in-memory
 * terminology, the common code systems (UCUM, languages, …) and snapshot generation. No terminology
 * server, so LOINC and Hearth's own code systems are not looked up (warnings at most). Slow to build
 * (several seconds): one per test class. Errors fail; warnings are collected for the report.
 */
final class R4Validator {

    private final FhirValidator validator;
    private final FhirContext context;
    /** The server's own Questionnaires, added once served, so QuestionnaireResponses are checked against them. */
    private final Questionnaires questionnaires;

    /** Resolves Questionnaires by canonical URL (HAPI's PrePopulatedValidationSupport keeps conformance resources only). */
    static final class Questionnaires implements ca.uhn.fhir.context.support.IValidationSupport {
        private final FhirContext context;
        final java.util.Map<String, org.hl7.fhir.instance.model.api.IBaseResource> byUrl = new java.util.concurrent.ConcurrentHashMap<>();

        Questionnaires(FhirContext context) {
            this.context = context;
        }

        @Override
        public FhirContext getFhirContext() {
            return context;
        }

        @Override
        @SuppressWarnings("unchecked")
        public <T extends org.hl7.fhir.instance.model.api.IBaseResource> T fetchResource(Class<T> type, String url) {
            org.hl7.fhir.instance.model.api.IBaseResource found = url == null ? null : byUrl.get(url.split("\\|")[0]);
            return found != null && (type == null || type.isInstance(found)) ? (T) found : null;
        }
    }
    /** Every distinct warning seen, for the test log (they are allowed, but should be read). */
    final Set<String> warnings = new TreeSet<>();
    final long buildMillis;

    R4Validator() {
        long began = System.nanoTime();
        context = FhirContext.forR4();
        questionnaires = new Questionnaires(context);
        ValidationSupportChain chain = new ValidationSupportChain(
                new DefaultProfileValidationSupport(context),
                new InMemoryTerminologyServerValidationSupport(context),
                new CommonCodeSystemsTerminologyService(context),
                new SnapshotGeneratingValidationSupport(context),
                questionnaires);
        FhirInstanceValidator module = new FhirInstanceValidator(chain);
        validator = context.newValidator().registerValidatorModule(module);
        validator.validateWithResult("{\"resourceType\":\"Basic\",\"code\":{\"text\":\"warm-up\"}}"); // loads the definitions
        buildMillis = (System.nanoTime() - began) / 1_000_000;
    }

    /** Asserts the JSON validates with no error or fatal message; returns the warnings. */
    List<String> assertValid(String json) {
        ValidationResult result = validator.validateWithResult(json);
        List<String> errors = result.getMessages().stream()
                .filter(m -> m.getSeverity() == ResultSeverityEnum.ERROR || m.getSeverity() == ResultSeverityEnum.FATAL)
                .map(R4Validator::describe).toList();
        List<String> warned = result.getMessages().stream().filter(m -> m.getSeverity() == ResultSeverityEnum.WARNING)
                .map(R4Validator::describe).toList();
        warnings.addAll(warned.stream().map(w -> w.replaceAll("\\[\\d+\\]", "[n]").replaceAll("/\\*[^*]+\\*/", "")).toList());
        assertTrue(errors.isEmpty(), () -> "R4 validation errors:\n  " + String.join("\n  ", errors) + "\nin " + json);
        return warned;
    }

    /** Makes a served Questionnaire known to the validator (its canonical URL resolves from then on). */
    void addQuestionnaire(String json) {
        org.hl7.fhir.r4.model.Questionnaire q = context.newJsonParser().parseResource(org.hl7.fhir.r4.model.Questionnaire.class, json);
        questionnaires.byUrl.put(q.getUrl(), q);
    }

    /** The error messages for a resource (the negative control: the validator does find errors). */
    List<String> errors(String json) {
        return validator.validateWithResult(json).getMessages().stream()
                .filter(m -> m.getSeverity() == ResultSeverityEnum.ERROR || m.getSeverity() == ResultSeverityEnum.FATAL)
                .map(R4Validator::describe).toList();
    }

    private static String describe(SingleValidationMessage m) {
        return m.getSeverity() + " " + m.getLocationString() + ": " + m.getMessage();
    }
}
