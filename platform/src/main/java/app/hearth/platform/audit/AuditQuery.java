package app.hearth.platform.audit;

import java.time.Instant;

/**
 * Filters for one page of a clinic's audit log, newest first. Null fields do not filter.
 *
 * @param personId entries where this person acted or was the subject (resource)
 * @param before the cursor from the previous page ({@link AuditPage#nextBefore()})
 */
public record AuditQuery(String clinicId, String actorId, String resourceId, String action,
                         Instant from, Instant to, String before, int limit, String personId) {

    /** A query without the "by person, as actor or subject" filter. */
    public AuditQuery(String clinicId, String actorId, String resourceId, String action, Instant from, Instant to,
                      String before, int limit) {
        this(clinicId, actorId, resourceId, action, from, to, before, limit, null);
    }

    public static final int MAX_LIMIT = 200;

    public AuditQuery {
        if (clinicId == null) {
            throw new IllegalArgumentException("an audit query is always scoped to one clinic");
        }
        if (limit < 1 || limit > MAX_LIMIT) {
            throw new IllegalArgumentException("limit must be 1.." + MAX_LIMIT);
        }
    }
}
