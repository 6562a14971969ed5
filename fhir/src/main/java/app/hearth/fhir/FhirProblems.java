package app.hearth.fhir;

import app.hearth.platform.problem.ProblemType;

/**
 * Named errors of the FHIR read API. The edge answers them as OperationOutcome (not problem+json),
 * with the slug as the details code, so FHIR clients can rely on it. Never rename or reuse one.
 */
public final class FhirProblems {

    private FhirProblems() {
    }

    /** Unknown id, another clinic's, or one the caller may not see: the same answer for all. */
    public static final ProblemType RESOURCE_NOT_FOUND = new ProblemType("fhir-resource-not-found", 404, "No such resource");
    /** A resource type this server does not serve. */
    public static final ProblemType UNKNOWN_RESOURCE_TYPE = new ProblemType("fhir-unknown-resource-type", 404,
            "This server does not serve that resource type");
    /** A search parameter that is unknown, repeated where it may not be, or not well formed. */
    public static final ProblemType INVALID_SEARCH = new ProblemType("fhir-invalid-search", 400, "The search is not valid");
    /** Only JSON is served; an XML (or other) format was asked for. */
    public static final ProblemType FORMAT_NOT_ACCEPTABLE = new ProblemType("fhir-format-not-acceptable", 406,
            "Only application/fhir+json is served");

    /** A search naming a patient the caller may not read, another clinic's, or none: the same answer for all. */
    public static final ProblemType PATIENT_OUT_OF_REACH = new ProblemType("fhir-patient-out-of-reach", 403,
            "You may not search that patient's records");
}
