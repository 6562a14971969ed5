package app.hearth.care;

import app.hearth.booking.people.Person;
import app.hearth.booking.people.PersonRepository;
import app.hearth.platform.access.Actor;
import app.hearth.platform.access.Role;
import java.util.List;
import java.util.Objects;

/**
 * Who may see a patient's clinical record (DESIGN.md, "The course of care"):
 * <ul>
 *   <li>the patient themselves, and the therapist they are assigned to: the content;</li>
 *   <li>a clinic admin: that records exist and what is due ({@link Level#SUMMARY}), never the content;</li>
 *   <li>anyone else — another patient, another therapist, another clinic, a made-up id — gets
 *       {@link CareProblems#PATIENT_NOT_FOUND}, so an id reveals nothing.</li>
 * </ul>
 * Blocking: call it from the store pool.
 */
public final class CareAccess {

    /** What the caller may see of the record. */
    public enum Level { CONTENT, SUMMARY }

    /** The patient whose record is asked for, and how much of it the caller may see. */
    public record Scope(Person patient, Level level, Actor actor) {
        public boolean content() {
            return level == Level.CONTENT;
        }

        public boolean byPatient() {
            return actor.is(Role.PATIENT);
        }

        /** The people told when the record changes or raises an alert: the patient's therapists. */
        public List<String> therapistIds() {
            return patient.therapistIds();
        }
    }

    private final PersonRepository people;

    public CareAccess(PersonRepository people) {
        this.people = people;
    }

    /** Resolves the record for any level of access (content or summary). */
    public Scope scope(Actor actor, String patientId) {
        Person patient = patientId == null ? null : people.findInClinic(actor.clinicId(), patientId)
                .filter(Person::isPatient).orElse(null);
        if (patient == null) {
            throw CareProblems.PATIENT_NOT_FOUND.exception(null);
        }
        return switch (actor.role()) {
            case PATIENT -> {
                if (!patient.id().equals(actor.personId())) {
                    throw CareProblems.PATIENT_NOT_FOUND.exception(null);
                }
                yield new Scope(patient, Level.CONTENT, actor);
            }
            case THERAPIST -> {
                if (!patient.isAssignedTo(actor.personId())) {
                    throw CareProblems.PATIENT_NOT_FOUND.exception(null);
                }
                yield new Scope(patient, Level.CONTENT, actor);
            }
            case ADMIN -> new Scope(patient, Level.SUMMARY, actor);
        };
    }

    /**
     * Resolves the record for its content. Admins are refused with 403 whether or not the id exists
     * (they can list the clinic's patients anyway; the refusal is about the role, not the record).
     */
    public Scope content(Actor actor, String patientId) {
        if (actor.is(Role.ADMIN)) {
            throw CareProblems.CLINICAL_CONTENT_NOT_ALLOWED.exception("Clinic admins see what is due, not what was written");
        }
        return scope(actor, patientId);
    }

    /** Like {@link #content} but only the patient may write: their therapist gets 403. */
    public Scope patientOnly(Actor actor, String patientId) {
        Scope scope = content(actor, patientId);
        if (!scope.byPatient()) {
            throw CareProblems.CLINICAL_CONTENT_NOT_ALLOWED.exception("Only the patient writes this");
        }
        return scope;
    }
}
