package app.hearth.platform.audit;

import app.hearth.platform.access.Actor;
import java.time.Instant;
import java.util.Objects;

/**
 * One line of a clinic's audit log: who (person, role, clinic, address) did what to which record,
 * when, and whether it was allowed. It names records by id only, never by content, so the log itself
 * holds no patient data beyond identifiers.
 */
public record AuditEntry(
        String id,
        Instant at,
        String actorId,
        String actorRole,
        String clinicId,
        String action,
        String resourceType,
        String resourceId,
        Outcome outcome,
        String sourceAddress,
        java.util.List<String> changed) {

    public enum Outcome { SUCCESS, DENIED, FAILURE }

    public AuditEntry {
        Objects.requireNonNull(at, "at");
        Objects.requireNonNull(actorId, "actorId");
        Objects.requireNonNull(clinicId, "clinicId");
        Objects.requireNonNull(action, "action");
        Objects.requireNonNull(outcome, "outcome");
        changed = changed == null ? java.util.List.of() : java.util.List.copyOf(changed);
    }

    /** An entry that names no changed fields. */
    public AuditEntry(String id, Instant at, String actorId, String actorRole, String clinicId, String action,
                      String resourceType, String resourceId, Outcome outcome, String sourceAddress) {
        this(id, at, actorId, actorRole, clinicId, action, resourceType, resourceId, outcome, sourceAddress, null);
    }

    /**
     * The same entry naming the fields an edit changed: names only, never the values (contact and
     * clinical data stay out of the log).
     */
    public AuditEntry withChanged(java.util.List<String> fields) {
        return new AuditEntry(id, at, actorId, actorRole, clinicId, action, resourceType, resourceId, outcome,
                sourceAddress, fields);
    }

    /** A new entry for an actor; the id is given by the log when stored. */
    public static AuditEntry of(Actor actor, Instant at, String action, String resourceType, String resourceId,
                                Outcome outcome) {
        return new AuditEntry(null, at, actor.personId(), actor.role().wire(), actor.clinicId(), action,
                resourceType, resourceId, outcome, actor.sourceAddress());
    }
}
