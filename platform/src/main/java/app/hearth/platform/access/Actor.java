package app.hearth.platform.access;

import java.util.Objects;

/**
 * Who is asking, as established by the edge from a verified token: every domain operation takes
 * one, scopes its queries to {@link #clinicId()} and records it in the audit log.
 *
 * @param sourceAddress the client's address, for the audit log only
 */
public record Actor(String personId, String clinicId, Role role, String sourceAddress) {

    public Actor {
        Objects.requireNonNull(personId, "personId");
        Objects.requireNonNull(clinicId, "clinicId");
        Objects.requireNonNull(role, "role");
    }

    public boolean is(Role candidate) {
        return role == candidate;
    }
}
