package app.hearth.fhir;

import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A search's parameters as the edge received them (name → values, in order). Strict handling: an
 * unknown parameter is refused with 400 rather than silently ignored, so that a client never reads
 * an unfiltered Bundle as a filtered one. The result parameters {@code _count} and {@code _offset}
 * and the format parameters are known to every search.
 */
public final class SearchParams {

    /** Result and format parameters every search takes. */
    static final Set<String> COMMON = Set.of("_count", "_offset", "_format", "_pretty");
    public static final int DEFAULT_COUNT = 50;
    public static final int MAX_COUNT = 200;

    private final Map<String, List<String>> values;

    public SearchParams(Map<String, List<String>> values) {
        this.values = new LinkedHashMap<>(values);
    }

    public static SearchParams of(Map<String, List<String>> values) {
        return new SearchParams(values);
    }

    /** Refuses any parameter outside {@code allowed} and the common ones. */
    public SearchParams allow(String type, Set<String> allowed) {
        for (String name : values.keySet()) {
            if (!allowed.contains(name) && !COMMON.contains(name)) {
                throw FhirProblems.INVALID_SEARCH.exception("Unknown search parameter '" + name + "' for " + type
                        + "; this server knows " + String.join(", ", allowed.stream().sorted().toList()), name);
            }
        }
        return this;
    }

    /** One value at most; blank counts as missing. */
    public String single(String name) {
        List<String> list = values.getOrDefault(name, List.of());
        if (list.size() > 1 || (list.size() == 1 && list.get(0).contains(","))) {
            throw FhirProblems.INVALID_SEARCH.exception("Give '" + name + "' once, with one value", name);
        }
        return list.isEmpty() || list.get(0).isBlank() ? null : list.get(0);
    }

    /**
     * A reference parameter: {@code Type/id}, a bare id, or an absolute URL ending in {@code Type/id}.
     *
     * @return the Hearth id, or null when absent
     */
    public String reference(String name, String... types) {
        String raw = single(name);
        if (raw == null) {
            return null;
        }
        String id = raw;
        int slash = raw.lastIndexOf('/');
        if (slash >= 0) {
            String before = raw.substring(0, slash);
            String type = before.substring(before.lastIndexOf('/') + 1);
            if (!List.of(types).contains(type)) {
                throw FhirProblems.INVALID_SEARCH.exception("'" + name + "' refers to " + String.join(" or ", types), name);
            }
            id = raw.substring(slash + 1);
        }
        String hearth = FhirIds.toHearth(id);
        if (hearth == null) {
            throw FhirProblems.INVALID_SEARCH.exception("'" + id + "' is not a FHIR id", name);
        }
        return hearth;
    }

    /** Every value of a date parameter (repeats are ANDed, as FHIR says). */
    public List<DateParam> dates(String name, ZoneId clinicZone) {
        List<DateParam> out = new ArrayList<>();
        for (String raw : values.getOrDefault(name, List.of())) {
            out.add(DateParam.parse(name, raw, clinicZone));
        }
        return out;
    }

    public boolean has(String name) {
        return values.containsKey(name);
    }

    public int count() {
        return integer("_count", DEFAULT_COUNT, 0, MAX_COUNT);
    }

    public int offset() {
        return integer("_offset", 0, 0, Integer.MAX_VALUE);
    }

    private int integer(String name, int fallback, int min, int max) {
        String raw = single(name);
        if (raw == null) {
            return fallback;
        }
        try {
            int value = Integer.parseInt(raw);
            if (value < min) {
                throw new NumberFormatException();
            }
            return Math.min(value, max);
        } catch (NumberFormatException e) {
            throw FhirProblems.INVALID_SEARCH.exception("'" + name + "' takes a whole number from " + min, name);
        }
    }

    /** The parameters as given, minus paging, for self and next links. */
    public Map<String, List<String>> withoutPaging() {
        Map<String, List<String>> out = new LinkedHashMap<>(values);
        out.remove("_offset");
        return out;
    }
}
