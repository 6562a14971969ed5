package app.hearth.care.aftercare;

import app.hearth.care.aftercare.AftercareModel.ResourceDraft;

/**
 * The demo clinic's three aftercare resources. Plain wording of the kind a clinic writes; a real
 * clinic authors its own. Fixed ids make seeding safe when two nodes start at once on one store.
 */
public final class DemoResources {

    public static final String REST_ID = "demo-resource-rest";
    public static final String INTEGRATION_ID = "demo-resource-integration";
    public static final String CRISIS_ID = "demo-resource-crisis";

    static final ResourceDraft REST = new ResourceDraft("Rest after your dosing",
            "What to expect in the hours and the day after a ketamine session, and how to look after yourself.", "rest", """
            Plan nothing for the rest of the day of your dosing. Someone must take you home; do not drive, \
            cycle or make important decisions until the next morning.

            Many people feel tired, a little unsteady or emotional for some hours. Drink water, eat something \
            light, and rest somewhere quiet and familiar. Keep screens and news to a minimum.

            If you feel like it, jot down a few words or images from the session before you sleep: they fade \
            quickly, and they are useful in your integration session. There is no need to make sense of them yet.""");

    static final ResourceDraft INTEGRATION = new ResourceDraft("Integration between sessions",
            "Small daily habits that help what came up in a session settle into your life.", "integration", """
            Integration is the work of bringing what you noticed in a session into everyday life. It happens \
            slowly, in small steps, and mostly between sessions.

            Keep your practice short and regular: a few minutes of the breathing or grounding exercise your \
            therapist assigned, at about the same time each day, is worth more than a long one now and then.

            Notice without judging. If a memory, feeling or insight returns, write it down in your journal and \
            bring it to your next session. Walks, time in nature, gentle movement and sleep all help.""");

    static final ResourceDraft CRISIS = new ResourceDraft("If you are in crisis",
            "Who to call at any hour if you are thinking about hurting yourself or feel unsafe.", "crisis", """
            If you are thinking about ending your life or hurting yourself, or you feel unsafe, reach out now. \
            You do not have to wait for your next session.

            Call or text 988 (the Suicide & Crisis Lifeline) at any hour of the day or night.

            If you or someone else is in immediate danger, call 911 or go to the nearest emergency department.

            Then let your therapist know, through Hearth or by phone, so they can support you.""");

    private DemoResources() {
    }

    /** Seeds the three resources unless the clinic has them (safe on every start). */
    public static void seed(AftercareService aftercare, String clinicId) {
        aftercare.seedResourceIfAbsent(clinicId, REST_ID, REST);
        aftercare.seedResourceIfAbsent(clinicId, INTEGRATION_ID, INTEGRATION);
        aftercare.seedResourceIfAbsent(clinicId, CRISIS_ID, CRISIS);
    }
}
