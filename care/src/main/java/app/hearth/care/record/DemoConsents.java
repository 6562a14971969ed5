package app.hearth.care.record;

/**
 * Version 1 of the demo clinic's consent texts. Plain wording of the kind a clinic writes; a real
 * clinic publishes its own (and its counsel's) through the admin API.
 */
public final class DemoConsents {

    public static final String TREATMENT_TITLE = "Consent to ketamine-assisted psychotherapy";
    public static final String TREATMENT_TEXT = """
            Ketamine-assisted psychotherapy at this clinic has three parts: preparation sessions with your \
            therapist, one or more ketamine sessions here in the clinic, and integration sessions afterwards.

            Ketamine is given only in the clinic, by our medical staff, who stay with you and watch your blood \
            pressure and breathing until you are ready to leave. You must not drive or make important decisions \
            for the rest of that day, and someone must take you home.

            Common effects during a session are changes in perception, a sense of floating or detachment, \
            nausea, a rise in blood pressure and tiredness afterwards. Rarely, people feel strong anxiety or \
            confusion; staff are with you throughout. Benefits are not guaranteed.

            Tell us about every medication you take, any substance use, and any change in your health before \
            each session. You may stop treatment at any time, and you may ask questions at any point.""";

    public static final String TELEHEALTH_TITLE = "Consent to telehealth sessions";
    public static final String TELEHEALTH_TEXT = """
            Preparation and integration sessions take place by video. We use an encrypted connection and do \
            not record sessions. Please join from a private place where you will not be overheard, and at the \
            start of each session tell your therapist where you are, so help can be sent if it is ever needed.

            If the connection fails, your therapist will try to reach you by phone. Video sessions have limits: \
            your therapist cannot see everything they would in person, and may ask you to come to the clinic.

            Telehealth is never for emergencies. If you are in crisis, call or text 988, or call 911.""";

    private DemoConsents() {
    }

    /** Publishes version 1 of both texts unless the clinic already has them (safe on every start). */
    public static void seed(CareRecordService care, String clinicId) {
        care.seedConsentIfAbsent(clinicId, "treatment", TREATMENT_TITLE, TREATMENT_TEXT);
        care.seedConsentIfAbsent(clinicId, "telehealth", TELEHEALTH_TITLE, TELEHEALTH_TEXT);
    }
}
