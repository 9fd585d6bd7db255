package dev.sagaline.orchestrator.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import dev.sagaline.architecture.ArchitectureRules;
import org.junit.jupiter.api.Test;

/**
 * The package structure is the architecture: users see {@code definition}, {@code runtime} and
 * {@code errors}; the rules tables, processor and stores live under {@code internals}. The
 * shared {@link ArchitectureRules} and the orchestrator's own keep it so.
 */
class ArchitectureTest {

    private static final String ORCHESTRATOR = "dev.sagaline.orchestrator";
    private static final JavaClasses CLASSES = ArchitectureRules.mainClasses(ORCHESTRATOR);

    @Test
    void publicApiMentionsNoInternals() {
        ArchitectureRules.publicApiMentionsNoInternals(ORCHESTRATOR).check(CLASSES);
    }

    @Test
    void publicPackagesHaveNoCycles() {
        ArchitectureRules.noCyclesBetweenPublicPackages(ORCHESTRATOR).check(CLASSES);
    }

    @Test
    void internalsDoNotDependOnTheRuntimeOrTheTestKit() {
        ArchitectureRules.internalsDoNotDependOn(ORCHESTRATOR, ORCHESTRATOR + ".runtime..", ORCHESTRATOR + ".testing..").check(CLASSES);
    }

    @Test
    void nothingReadsTheWallClock() {
        ArchitectureRules.noWallClockReads(ORCHESTRATOR).check(CLASSES);
    }

    @Test
    void onlyTheYamlReaderUsesJackson() {
        noClasses().that().resideInAPackage(ORCHESTRATOR + "..").and().resideOutsideOfPackage(ORCHESTRATOR + ".internals.yaml..")
                .should().dependOnClassesThat().resideInAPackage("com.fasterxml.jackson..")
                .check(CLASSES);
    }

    @Test
    void nothingTalksToRocksDbDirectly() {
        noClasses().that().resideInAPackage(ORCHESTRATOR + "..").should().dependOnClassesThat().resideInAPackage("org.rocksdb..").check(CLASSES);
    }

    @Test
    void definitionsDoNotDependOnTheRuntime() {
        noClasses().that().resideInAPackage(ORCHESTRATOR + ".definition..")
                .should().dependOnClassesThat().resideInAnyPackage(ORCHESTRATOR + ".runtime..", ORCHESTRATOR + ".testing..",
                        ORCHESTRATOR + ".internals.processor..", ORCHESTRATOR + ".internals.statemachine..")
                .check(CLASSES);
    }
}
