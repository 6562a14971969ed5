package app.hearth.fhir;

import java.util.regex.Pattern;

/**
 * Hearth ids as FHIR logical ids. FHIR ids are {@code [A-Za-z0-9\-.]{1,64}}; Hearth's are base64url
 * (letters, digits, '-', '_') or readable ones such as {@code demo-patient-1}. Base64url never holds
 * '.', so '_' ↔ '.' is a one-to-one mapping both ways.
 */
public final class FhirIds {

    private static final Pattern FHIR_ID = Pattern.compile("[A-Za-z0-9\\-.]{1,64}");

    private FhirIds() {
    }

    public static String toFhir(String hearthId) {
        return hearthId.replace('_', '.');
    }

    /** @return the Hearth id, or null when the text cannot be a FHIR id (then nothing has it) */
    public static String toHearth(String fhirId) {
        if (fhirId == null || !FHIR_ID.matcher(fhirId).matches()) {
            return null;
        }
        return fhirId.replace('.', '_');
    }

    public static boolean valid(String fhirId) {
        return fhirId != null && FHIR_ID.matcher(fhirId).matches();
    }
}
