package app.hearth.fhir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import app.hearth.platform.problem.ProblemException;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("FHIR search values: date prefixes and precision, references, strict parameters, ids")
class DateParamTest {

    static final ZoneId NEW_YORK = ZoneId.of("America/New_York");

    @Test
    @DisplayName("a day without a zone is the clinic's day; eq, ge, le, gt, lt, ne, sa and eb match a start as FHIR says")
    void dayInTheClinicsZone() {
        DateParam eq = DateParam.parse("date", "2026-03-05", NEW_YORK);
        assertEquals(Instant.parse("2026-03-05T05:00:00Z"), eq.lower());
        assertEquals(Instant.parse("2026-03-06T05:00:00Z"), eq.upper());
        Instant lateEvening = Instant.parse("2026-03-06T03:00:00Z"); // 22:00 on the 5th in New York
        assertTrue(eq.matches(lateEvening));
        assertFalse(DateParam.parse("date", "ne2026-03-05", NEW_YORK).matches(lateEvening));
        assertTrue(DateParam.parse("date", "ge2026-03-05", NEW_YORK).matches(lateEvening));
        assertTrue(DateParam.parse("date", "le2026-03-05", NEW_YORK).matches(lateEvening));
        assertFalse(DateParam.parse("date", "gt2026-03-05", NEW_YORK).matches(lateEvening));
        assertFalse(DateParam.parse("date", "lt2026-03-05", NEW_YORK).matches(lateEvening));
        assertTrue(DateParam.parse("date", "sa2026-03-04", NEW_YORK).matches(lateEvening));
        assertTrue(DateParam.parse("date", "eb2026-03-06", NEW_YORK).matches(lateEvening));
    }

    @Test
    @DisplayName("years and months are ranges; a time with an offset is that instant (to the second)")
    void precision() {
        DateParam month = DateParam.parse("date", "lt2026-04", ZoneId.of("UTC"));
        assertEquals(Instant.parse("2026-04-01T00:00:00Z"), month.to());
        assertNull(month.from());
        DateParam year = DateParam.parse("date", "2026", ZoneId.of("UTC"));
        assertEquals(Instant.parse("2027-01-01T00:00:00Z"), year.upper());
        DateParam instant = DateParam.parse("date", "eq2026-03-05T10:00:00+01:00", NEW_YORK);
        assertTrue(instant.matches(Instant.parse("2026-03-05T09:00:00Z")));
        assertFalse(instant.matches(Instant.parse("2026-03-05T09:00:01Z")));
        assertEquals(Instant.parse("2026-03-05T15:00:00Z"), DateParam.parse("date", "2026-03-05T10:00", NEW_YORK).lower());
    }

    @Test
    @DisplayName("malformed values, impossible dates and the 'ap' prefix are 400 fhir-invalid-search naming the parameter")
    void refused() {
        for (String raw : List.of("", "xx2026", "2026-13-01", "2026-02-30", "ap2026-03-01", "03/05/2026", "2026-03-05T25:00Z")) {
            ProblemException e = assertThrows(ProblemException.class, () -> DateParam.parse("date", raw, NEW_YORK), raw);
            assertEquals(FhirProblems.INVALID_SEARCH, e.type());
            assertEquals("date", e.field());
        }
    }

    @Test
    @DisplayName("references take Type/id, a bare id or a URL; the wrong type, unknown parameters and repeats are refused")
    void searchParams() {
        SearchParams params = SearchParams.of(Map.of("patient", List.of("http://x.example/fhir/r4/Patient/abc.def")));
        assertEquals("abc_def", params.reference("patient", "Patient"));
        assertEquals("p1", SearchParams.of(Map.of("patient", List.of("p1"))).reference("patient", "Patient"));
        assertThrows(ProblemException.class, () -> SearchParams.of(Map.of("patient", List.of("Practitioner/x")))
                .reference("patient", "Patient"));
        assertThrows(ProblemException.class, () -> SearchParams.of(Map.of("colour", List.of("blue")))
                .allow("Patient", java.util.Set.of("_id")));
        assertThrows(ProblemException.class, () -> SearchParams.of(Map.of("status", List.of("a", "b"))).single("status"));
        assertEquals(SearchParams.MAX_COUNT, SearchParams.of(Map.of("_count", List.of("100000"))).count());
    }

    @Test
    @DisplayName("Hearth ids and FHIR ids map one to one; text that cannot be a FHIR id names nothing")
    void ids() {
        assertEquals("a.b-c", FhirIds.toFhir("a_b-c"));
        assertEquals("a_b-c", FhirIds.toHearth("a.b-c"));
        assertNull(FhirIds.toHearth("bad id!"));
        assertNull(FhirIds.toHearth("x".repeat(65)));
    }
}
