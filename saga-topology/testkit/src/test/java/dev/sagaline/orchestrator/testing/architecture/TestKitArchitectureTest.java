package dev.sagaline.orchestrator.testing.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import dev.sagaline.architecture.ArchitectureRules;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.Test;

/**
 * The test kit is a user of the orchestrator like any other: it reaches only its public API, and
 * it alone of the orchestrator's code may drive a topology in a test or run the participant library.
 */
class TestKitArchitectureTest {

    private static final String ORCHESTRATOR = "dev.sagaline.orchestrator";
    private static final String TESTING = ORCHESTRATOR + ".testing";
    private static final JavaClasses CLASSES = ArchitectureRules.mainClasses(ORCHESTRATOR);

    @Test
    void publicApiMentionsNoInternals() {
        ArchitectureRules.publicApiMentionsNoInternals(TESTING).check(CLASSES);
    }

    @Test
    void usesNoOrchestratorInternals() {
        noClasses().that().resideInAPackage(TESTING + "..")
                .should().dependOnClassesThat().resideInAPackage(ORCHESTRATOR + ".internals..")
                .check(CLASSES);
    }

    @Test
    void onlyTheTestKitDrivesTopologiesOrRunsTheParticipantLibrary() {
        noClasses().that().resideInAPackage(ORCHESTRATOR + "..").and().resideOutsideOfPackage(TESTING + "..")
                .should().dependOnClassesThat().belongToAnyOf(TopologyTestDriver.class, TestInputTopic.class, TestOutputTopic.class)
                .orShould().dependOnClassesThat().resideInAnyPackage("org.apache.kafka.streams.test..", "dev.sagaline.participant..")
                .check(CLASSES);
    }

    @Test
    void modulesHaveNoCycles() {
        ArchitectureRules.noCyclesBetweenModules().check(ArchitectureRules.mainClasses("dev.sagaline"));
    }
}
