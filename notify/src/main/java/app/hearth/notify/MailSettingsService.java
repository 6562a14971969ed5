package app.hearth.notify;

import app.hearth.platform.access.Actor;
import app.hearth.platform.access.Role;
import app.hearth.platform.audit.AuditEntry;
import app.hearth.platform.audit.AuditLog;
import app.hearth.platform.problem.CommonProblems;
import app.hearth.platform.store.Blocking;
import io.vertx.core.Future;
import java.time.Clock;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;

/**
 * The clinic's mail settings for its staff: admins and therapists read them, admins change them.
 * New reminder offsets apply to appointments booked or moved afterwards; reminders already queued
 * keep their time.
 */
public final class MailSettingsService {

    /** The longest reminder offset: two weeks. */
    static final Duration LONGEST = Duration.ofDays(14);

    private final ClinicMailSettings settings;
    private final AuditLog audit;
    private final Blocking store;
    private final Clock clock;

    public MailSettingsService(ClinicMailSettings settings, AuditLog audit, Blocking store, Clock clock) {
        this.settings = settings;
        this.audit = audit;
        this.store = store;
        this.clock = clock;
    }

    public Future<ClinicMailSettings.Settings> get(Actor actor) {
        if (actor.is(Role.PATIENT)) {
            return Future.failedFuture(CommonProblems.FORBIDDEN.exception("The clinic's staff read its mail settings"));
        }
        return store.run(() -> settings.of(actor.clinicId()));
    }

    public Future<ClinicMailSettings.Settings> update(Actor actor, List<Duration> reminderOffsets, String dosingInstructions) {
        if (!actor.is(Role.ADMIN)) {
            return Future.failedFuture(CommonProblems.FORBIDDEN.exception("Only clinic admins change the mail settings"));
        }
        if (reminderOffsets.size() > 5 || new HashSet<>(reminderOffsets).size() != reminderOffsets.size()
                || reminderOffsets.stream().anyMatch(d -> d.compareTo(Duration.ofMinutes(5)) < 0 || d.compareTo(LONGEST) > 0)) {
            return Future.failedFuture(CommonProblems.INVALID_REQUEST.exception(
                    "Give up to 5 different reminder times, each 5 minutes to 14 days before", "reminderOffsetsMinutes"));
        }
        String instructions = dosingInstructions == null ? "" : dosingInstructions.strip();
        if (instructions.isEmpty()) {
            return Future.failedFuture(CommonProblems.INVALID_REQUEST.exception("Say how patients prepare for a dosing",
                    "dosingInstructions"));
        }
        ClinicMailSettings.Settings chosen = new ClinicMailSettings.Settings(
                reminderOffsets.stream().sorted(java.util.Comparator.reverseOrder()).toList(), instructions);
        return store.run(() -> {
            settings.save(actor.clinicId(), chosen);
            return chosen;
        }).compose(s -> audit.record(AuditEntry.of(actor, clock.instant(), "mail-settings.update", "clinic", actor.clinicId(),
                AuditEntry.Outcome.SUCCESS)).map(s));
    }
}
