package app.hearth.gateway.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/**
 * The dependency rules of DESIGN.md, checked on every build: gateway → feature modules (booking,
 * session rooms, signaling) → shared modules (platform, protocol), never backwards or sideways, and
 * domain code free of Vert.x HTTP types.
 */
@AnalyzeClasses(packages = "app.hearth", importOptions = {ImportOption.DoNotIncludeTests.class, ArchitectureTest.NoTestJars.class})
class ArchitectureTest {

    /** Other modules' test jars (their fakes and tests) are on this module's test classpath: not production code. */
    static final class NoTestJars implements ImportOption {
        @Override
        public boolean includes(com.tngtech.archunit.core.importer.Location location) {
            return !location.contains("-tests.jar") && !location.contains("/test-classes/");
        }
    }

    @ArchTest
    static final ArchRule shared_modules_depend_on_no_feature_module = noClasses()
            .that().resideInAnyPackage("app.hearth.platform..", "app.hearth.protocol..")
            .should().dependOnClassesThat().resideInAnyPackage(
                    "app.hearth.booking..", "app.hearth.care..", "app.hearth.room..", "app.hearth.signaling..",
                    "app.hearth.gateway..")
            .because("platform and protocol are the bottom layer that every module builds on");

    @ArchTest
    static final ArchRule feature_modules_do_not_know_the_edge = noClasses()
            .that().resideInAnyPackage("app.hearth.booking..", "app.hearth.care..", "app.hearth.room..", "app.hearth.signaling..")
            .should().dependOnClassesThat().resideInAPackage("app.hearth.gateway..")
            .because("the gateway wires the modules together; they must not reach back into it");

    @ArchTest
    static final ArchRule feature_modules_are_independent = slices()
            .matching("app.hearth.(booking|room|signaling)..")
            .should().notDependOnEachOther()
            .because("features talk through the event bus and ports, so each can be deployed and tested alone");

    /**
     * The clinical record is about the people and appointments booking owns, so care builds on
     * booking (one way); nothing below or beside it may know the clinical record, and it knows no
     * live room, media or cluster type: its alerts leave through the {@code CareEvents} port.
     */
    @ArchTest
    static final ArchRule only_the_edge_knows_the_clinical_record = noClasses()
            .that().resideInAnyPackage("app.hearth.booking..", "app.hearth.room..", "app.hearth.signaling..")
            .should().dependOnClassesThat().resideInAPackage("app.hearth.care..")
            .because("the clinical record sits above scheduling and beside the live rooms; the gateway wires them");

    @ArchTest
    static final ArchRule the_clinical_record_knows_no_rooms_media_or_cluster = noClasses()
            .that().resideInAPackage("app.hearth.care..")
            .should().dependOnClassesThat().resideInAnyPackage("app.hearth.room..", "app.hearth.signaling..", "com.hazelcast..")
            .because("care content stays in the store; only identifiers travel, through the CareEvents port");

    @ArchTest
    static final ArchRule domain_code_uses_no_http_types = noClasses()
            .that().resideInAnyPackage("app.hearth.booking..", "app.hearth.care..", "app.hearth.room..", "app.hearth.signaling..",
                    "app.hearth.platform..", "app.hearth.protocol..")
            .should().dependOnClassesThat().resideInAnyPackage("io.vertx.core.http..", "io.vertx.ext.web..")
            .because("HTTP and WebSocket belong to the edge; domain code returns Futures and throws ProblemExceptions");

    @ArchTest
    static final ArchRule only_the_edge_reads_the_environment = noClasses()
            .that().resideOutsideOfPackages("app.hearth.gateway", "app.hearth.platform.config..")
            .should().callMethod(System.class, "getenv")
            .orShould().callMethod(System.class, "getenv", String.class)
            .because("configuration is read once, typed, and handed to services (habit 7)");

    @ArchTest
    static final ArchRule rooms_and_booking_know_nothing_of_care = noClasses()
            .that().resideInAnyPackage("app.hearth.booking..", "app.hearth.room..", "app.hearth.signaling..",
                    "app.hearth.platform..", "app.hearth.protocol..")
            .should().dependOnClassesThat().resideInAPackage("app.hearth.care..")
            .because("the clinical record plugs into the room socket through RoomHub's extension point; rooms stay clinical-free");

    @ArchTest
    static final ArchRule care_is_domain_code = noClasses()
            .that().resideInAPackage("app.hearth.care..")
            .should().dependOnClassesThat().resideInAnyPackage("app.hearth.gateway..", "app.hearth.room..",
                    "io.vertx.core.http..", "io.vertx.ext.web..")
            .because("care returns Futures and throws ProblemExceptions; the edge wires it to REST and the room socket");

    /**
     * Email (issue 15, docs/adr/0024): notify builds on booking (people, appointments) through its
     * ports, like care; nothing below or beside it knows it, and it knows no clinical record, room,
     * media, cluster or HTTP type (what it sends never carries clinical content).
     */
    @ArchTest
    static final ArchRule nothing_below_knows_the_mail = noClasses()
            .that().resideInAnyPackage("app.hearth.booking..", "app.hearth.care..", "app.hearth.room..", "app.hearth.signaling..",
                    "app.hearth.platform..", "app.hearth.protocol..")
            .should().dependOnClassesThat().resideInAPackage("app.hearth.notify..")
            .because("booking tells the outbox through its BookingEvents and LinkEvents ports; the gateway wires them");

    @ArchTest
    static final ArchRule mail_knows_no_clinical_record_rooms_or_http = noClasses()
            .that().resideInAPackage("app.hearth.notify..")
            .should().dependOnClassesThat().resideInAnyPackage("app.hearth.care..", "app.hearth.room..", "app.hearth.signaling..",
                    "app.hearth.gateway..", "com.hazelcast..", "io.vertx.core.http..", "io.vertx.ext.web..")
            .because("mail carries the minimum necessary: no clinical content can reach it, and it is domain code");

    /**
     * FHIR R4 (issue 17, docs/adr/0026): the fhir module maps booking and care to FHIR resources and
     * applies their access rules; it is domain code (no HTTP types; the gateway mounts its routes), and
     * nothing below or beside it knows it.
     */
    @ArchTest
    static final ArchRule fhir_is_domain_code = noClasses()
            .that().resideInAPackage("app.hearth.fhir..")
            .should().dependOnClassesThat().resideInAnyPackage("app.hearth.gateway..", "app.hearth.room..",
                    "app.hearth.signaling..", "app.hearth.notify..", "io.vertx.core.http..", "io.vertx.ext.web..")
            .because("the FHIR mapping returns Futures and resources; the edge serves them over HTTP");

    @ArchTest
    static final ArchRule nothing_below_knows_fhir = noClasses()
            .that().resideInAnyPackage("app.hearth.booking..", "app.hearth.care..", "app.hearth.room..", "app.hearth.signaling..",
                    "app.hearth.notify..", "app.hearth.platform..", "app.hearth.protocol..")
            .should().dependOnClassesThat().resideInAnyPackage("app.hearth.fhir..", "ca.uhn.fhir..", "org.hl7.fhir..")
            .because("FHIR is one view of the domain, kept in its own module");
}
