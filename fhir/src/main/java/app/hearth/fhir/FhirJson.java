package app.hearth.fhir;

import ca.uhn.fhir.context.FhirContext;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's one FHIR R4 context and its JSON encoding. A {@link FhirContext} loads and scans the
 * model classes by reflection (seconds on a small machine), so a node makes exactly one, on the
 * first FHIR request (off the event loop), scans every type this API answers with at once, and
 * shares it: contexts are thread-safe; parsers are cheap and made per use. Made lazily rather than
 * at start-up so that nodes (and the many test nodes) that never serve FHIR do not pay for it.
 */
public final class FhirJson {

    private static final Logger LOG = LoggerFactory.getLogger(FhirJson.class);
    public static final String MEDIA_TYPE = "application/fhir+json";
    /** Where OperationOutcome issue details name Hearth's problem slugs (as problem+json's {@code type} does). */
    public static final String PROBLEM_SYSTEM = "https://hearth.app/problems";

    private volatile FhirContext context;

    /** Cheap: the context is made on first use ({@link #context()}), not here. */
    public FhirJson() {
    }

    /** Whether the context exists already (then {@link #context()} does not block). */
    public boolean ready() {
        return context != null;
    }

    /**
     * The node's context, made on the first call: FhirContext.forR4() and a scan of every type this
     * API answers with, so no later request pays for reflection. Blocks for seconds the first time:
     * call it first off the event loop. Logs how long it took.
     */
    public FhirContext context() {
        FhirContext made = context;
        if (made != null) {
            return made;
        }
        synchronized (this) {
            if (context == null) {
                long began = System.nanoTime();
                FhirContext fresh = FhirContext.forR4();
                for (String type : FhirReads.TYPES) {
                    fresh.getResourceDefinition(type);
                }
                for (String type : java.util.List.of("Bundle", "OperationOutcome", "CapabilityStatement")) {
                    fresh.getResourceDefinition(type);
                }
                fresh.newJsonParser().encodeResourceToString(new OperationOutcome()); // the parser's own first-use set-up
                context = fresh;
                LOG.info("FHIR R4 context ready in {} ms", (System.nanoTime() - began) / 1_000_000);
            }
            return context;
        }
    }

    public String encode(IBaseResource resource, boolean pretty) {
        return context().newJsonParser().setPrettyPrint(pretty).encodeResourceToString(resource);
    }

    /**
     * An error as FHIR says it: one issue, its code from the HTTP status, its details the Hearth
     * problem slug (stable) and title, its diagnostics the human detail.
     */
    public static OperationOutcome outcome(int status, String slug, String title, String detail) {
        OperationOutcome outcome = new OperationOutcome();
        OperationOutcome.OperationOutcomeIssueComponent issue = outcome.addIssue()
                .setSeverity(status >= 500 ? OperationOutcome.IssueSeverity.FATAL : OperationOutcome.IssueSeverity.ERROR)
                .setCode(issueType(status));
        issue.setDetails(new CodeableConcept(new Coding(PROBLEM_SYSTEM, slug, title)).setText(title));
        if (detail != null && !detail.equals(title)) {
            issue.setDiagnostics(detail);
        }
        return FhirMapping.narrative(outcome, detail != null ? detail : title);
    }

    static OperationOutcome.IssueType issueType(int status) {
        return switch (status) {
            case 400 -> OperationOutcome.IssueType.INVALID;
            case 401 -> OperationOutcome.IssueType.LOGIN;
            case 403 -> OperationOutcome.IssueType.FORBIDDEN;
            case 404 -> OperationOutcome.IssueType.NOTFOUND;
            case 405, 406 -> OperationOutcome.IssueType.NOTSUPPORTED;
            case 429 -> OperationOutcome.IssueType.THROTTLED;
            case 503 -> OperationOutcome.IssueType.TRANSIENT;
            default -> OperationOutcome.IssueType.EXCEPTION;
        };
    }
}
