package app.hearth.platform.audit;

import java.util.List;

/** @param nextBefore cursor for the next (older) page, or null on the last page */
public record AuditPage(List<AuditEntry> items, String nextBefore) {
}
