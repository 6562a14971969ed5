package app.hearth.fhir;

import app.hearth.booking.people.Person;
import app.hearth.booking.schedule.Appointment;
import app.hearth.booking.schedule.AppointmentType;
import app.hearth.booking.schedule.Availability;
import app.hearth.care.measures.Instrument;
import app.hearth.care.measures.Instruments;
import app.hearth.care.measures.MeasureResponse;
import java.time.Instant;
import java.util.Date;
import java.util.Map;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.ContactPoint;
import org.hl7.fhir.r4.model.DecimalType;
import org.hl7.fhir.r4.model.Enumerations;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.HumanName;
import org.hl7.fhir.r4.model.IntegerType;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Period;
import org.hl7.fhir.r4.model.Practitioner;
import org.hl7.fhir.r4.model.Questionnaire;
import org.hl7.fhir.r4.model.QuestionnaireResponse;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Schedule;
import org.hl7.fhir.r4.model.Slot;

/**
 * Hearth's records as FHIR R4 resources: pure functions, no access checks (the caller decided what
 * may be shown). Patients are minimal demographics (name, email, active): nothing of the intake,
 * the emergency contact or the phone leaves through FHIR.
 */
public final class FhirMapping {

    /** Hearth's own code systems and canonical URLs: stable names, independent of where a node runs. */
    public static final String BASE = "https://hearth.app/fhir/";
    public static final String APPOINTMENT_TYPE_SYSTEM = BASE + "CodeSystem/appointment-type";
    public static final String QUESTIONNAIRE_BASE = BASE + "Questionnaire/";
    public static final String LOINC = "http://loinc.org";
    private static final String ORDINAL_VALUE = "http://hl7.org/fhir/StructureDefinition/ordinalValue";

    /** LOINC codes of the instruments' total scores. PCL-5: 101698-9 "PTSD PCL-5 score [PCL-5]" (LOINC 2.75 on). */
    public static final Map<String, Coding> TOTAL_SCORE = Map.of(
            Instruments.PHQ9, new Coding(LOINC, "44261-6", "Patient Health Questionnaire 9 item (PHQ-9) total score [Reported]"),
            Instruments.GAD7, new Coding(LOINC, "70274-6", "Generalized anxiety disorder 7 item (GAD-7) total score [Reported.PHQ]"),
            Instruments.PCL5, new Coding(LOINC, "101698-9", "PTSD PCL-5 score [PCL-5]"));

    private FhirMapping() {
    }

    /** A one-line generated narrative (R4 dom-6 asks for one): what the resource is, in words. */
    static <T extends org.hl7.fhir.r4.model.DomainResource> T narrative(T resource, String summary) {
        String escaped = summary.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
        resource.getText().setStatus(org.hl7.fhir.r4.model.Narrative.NarrativeStatus.GENERATED)
                .setDivAsString("<div xmlns=\"http://www.w3.org/1999/xhtml\">" + escaped + "</div>");
        return resource;
    }

    public static Reference ref(String type, String hearthId) {
        return new Reference(type + "/" + FhirIds.toFhir(hearthId));
    }

    public static Practitioner practitioner(Person p) {
        Practitioner r = new Practitioner();
        r.setId(FhirIds.toFhir(p.id()));
        r.setActive(!p.isDeactivated());
        r.addName(new HumanName().setText(p.displayName()));
        if (p.email() != null) {
            r.addTelecom(new ContactPoint().setSystem(ContactPoint.ContactPointSystem.EMAIL).setValue(p.email())
                    .setUse(ContactPoint.ContactPointUse.WORK));
        }
        return narrative(r, "Therapist " + p.displayName());
    }

    /** Minimal demographics only. */
    public static Patient patient(Person p) {
        Patient r = new Patient();
        r.setId(FhirIds.toFhir(p.id()));
        r.setActive(!p.isDeactivated());
        r.addName(new HumanName().setText(p.displayName()));
        if (p.email() != null) {
            r.addTelecom(new ContactPoint().setSystem(ContactPoint.ContactPointSystem.EMAIL).setValue(p.email())
                    .setUse(ContactPoint.ContactPointUse.HOME));
        }
        return narrative(r, "Patient " + p.displayName());
    }

    /** A therapist's bookable time: one Schedule per therapist, with the therapist's id. */
    public static Schedule schedule(Person therapist, Availability availability, Instant now) {
        Schedule r = new Schedule();
        r.setId(FhirIds.toFhir(therapist.id()));
        r.setActive(!therapist.isDeactivated());
        r.addActor(ref("Practitioner", therapist.id()).setDisplay(therapist.displayName()));
        for (AppointmentType type : AppointmentType.values()) {
            r.addServiceType(type(type));
        }
        r.setPlanningHorizon(new Period().setStart(Date.from(now.plus(availability.minimumNotice())))
                .setEnd(Date.from(now.plus(availability.horizon()))));
        r.setComment("Weekly hours in " + availability.timeZone());
        return narrative(r, "Bookable time of " + therapist.displayName());
    }

    public static String slotId(String therapistId, AppointmentType type, Instant start) {
        return "slot-" + type.wire() + "-" + start.getEpochSecond() + "-" + FhirIds.toFhir(therapistId);
    }

    /** A free, bookable start of one type of appointment with one therapist. */
    public static Slot slot(String therapistId, AppointmentType type, Instant start, Instant end) {
        Slot r = new Slot();
        r.setId(slotId(therapistId, type, start));
        r.setSchedule(ref("Schedule", therapistId));
        r.setStatus(Slot.SlotStatus.FREE);
        r.addServiceType(type(type));
        r.setStart(Date.from(start));
        r.setEnd(Date.from(end));
        return narrative(r, "Free: " + type(type).getText() + " at " + start);
    }

    public static CodeableConcept type(AppointmentType type) {
        String display = switch (type) {
            case PREPARATION -> "Preparation session";
            case INTEGRATION -> "Integration session";
            case CIRCLE -> "Group circle";
            case DOSING -> "Dosing session (in clinic, supervised)";
        };
        return new CodeableConcept(new Coding(APPOINTMENT_TYPE_SYSTEM, type.wire(), display)).setText(display);
    }

    /** A booked or cancelled appointment; a dosing is one too (in the clinic, without a room). */
    public static org.hl7.fhir.r4.model.Appointment appointment(Appointment a, Map<String, String> names) {
        org.hl7.fhir.r4.model.Appointment r = new org.hl7.fhir.r4.model.Appointment();
        r.setId(FhirIds.toFhir(a.id()));
        r.setStatus(a.status() == Appointment.Status.CANCELLED ? org.hl7.fhir.r4.model.Appointment.AppointmentStatus.CANCELLED
                : org.hl7.fhir.r4.model.Appointment.AppointmentStatus.BOOKED);
        r.addServiceType(type(a.type()));
        r.setStart(Date.from(a.start()));
        r.setEnd(Date.from(a.end()));
        r.setMinutesDuration((int) java.time.Duration.between(a.start(), a.end()).toMinutes());
        r.setDescription(type(a.type()).getText() + (a.location() != null ? " — " + a.location() : ""));
        for (String therapistId : a.therapistIds()) {
            r.addParticipant().setActor(ref("Practitioner", therapistId).setDisplay(names.get(therapistId)))
                    .setRequired(org.hl7.fhir.r4.model.Appointment.ParticipantRequired.REQUIRED)
                    .setStatus(org.hl7.fhir.r4.model.Appointment.ParticipationStatus.ACCEPTED);
        }
        if (a.patientId() != null) {
            r.addParticipant().setActor(ref("Patient", a.patientId()).setDisplay(names.get(a.patientId())))
                    .setRequired(org.hl7.fhir.r4.model.Appointment.ParticipantRequired.REQUIRED)
                    .setStatus(org.hl7.fhir.r4.model.Appointment.ParticipationStatus.ACCEPTED);
        }
        for (Appointment.Attendee attendee : a.attendees()) {
            boolean seated = attendee.state() == Appointment.AttendeeState.SEATED;
            r.addParticipant().setActor(ref("Patient", attendee.patientId()).setDisplay(names.get(attendee.patientId())))
                    .setRequired(seated ? org.hl7.fhir.r4.model.Appointment.ParticipantRequired.REQUIRED
                            : org.hl7.fhir.r4.model.Appointment.ParticipantRequired.OPTIONAL)
                    .setStatus(seated ? org.hl7.fhir.r4.model.Appointment.ParticipationStatus.ACCEPTED
                            : org.hl7.fhir.r4.model.Appointment.ParticipationStatus.TENTATIVE);
        }
        return narrative(r, r.getDescription() + " (" + a.status().name().toLowerCase(java.util.Locale.ROOT) + ", " + a.start()
                + " to " + a.end() + ")");
    }

    /** The published questionnaire, its items and answers as Hearth stores them (codes are the scores). */
    public static Questionnaire questionnaire(Instrument instrument) {
        Questionnaire r = new Questionnaire();
        r.setId(instrument.id());
        r.setUrl(QUESTIONNAIRE_BASE + instrument.id());
        r.setName(instrument.name().replace("-", ""));
        r.setTitle(instrument.title());
        r.setStatus(Enumerations.PublicationStatus.ACTIVE);
        r.addSubjectType("Patient");
        r.setDescription(instrument.instructions());
        r.setCopyright(instrument.source());
        Coding total = TOTAL_SCORE.get(instrument.id());
        for (Instrument.Item item : instrument.items()) {
            Questionnaire.QuestionnaireItemComponent q = r.addItem().setLinkId(Integer.toString(item.number()))
                    .setText(item.text()).setType(Questionnaire.QuestionnaireItemType.CHOICE).setRequired(true);
            instrument.options().forEach(o -> q.addAnswerOption().setValue(answer(instrument.id(), o)));
        }
        if (instrument.difficulty() != null) {
            Questionnaire.QuestionnaireItemComponent q = r.addItem().setLinkId("difficulty")
                    .setText(instrument.difficulty().text()).setType(Questionnaire.QuestionnaireItemType.CHOICE).setRequired(false);
            instrument.difficulty().options().forEach(o -> q.addAnswerOption().setValue(answer(instrument.id() + "-difficulty", o)));
        }
        if (total != null) {
            r.addItem().setLinkId("total").setText("Total score").setType(Questionnaire.QuestionnaireItemType.INTEGER)
                    .setReadOnly(true).addCode(total.copy());
        }
        return narrative(r, instrument.title());
    }

    static String answerSystem(String instrumentId) {
        return BASE + "CodeSystem/" + instrumentId + "-answers";
    }

    private static Coding answer(String instrumentId, Instrument.Option o) {
        Coding coding = new Coding(answerSystem(instrumentId), Integer.toString(o.value()), o.label());
        coding.addExtension(new Extension(ORDINAL_VALUE, new DecimalType(o.value())));
        return coding;
    }

    /** A patient's submitted answers, with the total the instrument scores them to. */
    public static QuestionnaireResponse questionnaireResponse(MeasureResponse m, Instrument instrument) {
        QuestionnaireResponse r = new QuestionnaireResponse();
        r.setId(FhirIds.toFhir(m.id()));
        r.setQuestionnaire(QUESTIONNAIRE_BASE + m.instrument());
        r.setStatus(QuestionnaireResponse.QuestionnaireResponseStatus.COMPLETED);
        r.setSubject(ref("Patient", m.patientId()));
        r.setAuthor(ref("Patient", m.patientId()));
        r.setAuthored(Date.from(m.submittedAt()));
        for (int i = 0; i < m.answers().size() && i < instrument.items().size(); i++) {
            Instrument.Item item = instrument.items().get(i);
            int value = m.answers().get(i);
            Instrument.Option option = instrument.options().stream().filter(o -> o.value() == value).findFirst()
                    .orElse(new Instrument.Option(value, Integer.toString(value)));
            r.addItem().setLinkId(Integer.toString(item.number())).setText(item.text()).addAnswer()
                    .setValue(answer(instrument.id(), option));
        }
        if (m.difficulty() != null && instrument.difficulty() != null) {
            Instrument.Option option = instrument.difficulty().options().stream().filter(o -> o.value() == m.difficulty())
                    .findFirst().orElse(new Instrument.Option(m.difficulty(), Integer.toString(m.difficulty())));
            r.addItem().setLinkId("difficulty").setText(instrument.difficulty().text()).addAnswer()
                    .setValue(answer(instrument.id() + "-difficulty", option));
        }
        if (TOTAL_SCORE.containsKey(instrument.id())) {
            r.addItem().setLinkId("total").setText("Total score").addAnswer().setValue(new IntegerType(m.total()));
        }
        return narrative(r, instrument.name() + " answers of " + m.submittedAt());
    }

    /** The total score of one response, LOINC-coded, derived from its QuestionnaireResponse (same id). */
    public static Observation totalScore(MeasureResponse m, Instrument instrument) {
        Observation r = new Observation();
        r.setId(FhirIds.toFhir(m.id()));
        r.setStatus(Observation.ObservationStatus.FINAL);
        r.addCategory(new CodeableConcept(new Coding("http://terminology.hl7.org/CodeSystem/observation-category", "survey",
                "Survey")));
        Coding code = TOTAL_SCORE.get(instrument.id()).copy();
        r.setCode(new CodeableConcept(code).setText(instrument.name() + " total score"));
        r.setSubject(ref("Patient", m.patientId()));
        r.setEffective(new org.hl7.fhir.r4.model.DateTimeType(Date.from(m.submittedAt())));
        r.setIssued(Date.from(m.submittedAt()));
        r.addPerformer(ref("Patient", m.patientId()));
        r.setValue(new IntegerType(m.total()));
        // the band in words (the interpretation element wants HL7 codes, which do not name these bands)
        r.addNote().setText(instrument.band(m.total()).label());
        r.addDerivedFrom(ref("QuestionnaireResponse", m.id()));
        return narrative(r, instrument.name() + " total " + m.total() + " (" + instrument.band(m.total()).label() + ")");
    }
}
