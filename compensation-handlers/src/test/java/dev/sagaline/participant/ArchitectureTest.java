package dev.sagaline.participant;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaModifier;
import dev.sagaline.architecture.ArchitectureRules;
import org.junit.jupiter.api.Test;

/** The public API stays free of implementation types, and nothing reads the wall clock behind the context's back. */
class ArchitectureTest {

    private static final String API = "dev.sagaline.participant";

    private static final JavaClasses MAIN_CLASSES = ArchitectureRules.mainClasses(API);

    @Test
    void publicApiMentionsNoInternals() {
        ArchitectureRules.publicApiMentionsNoInternals(API).check(MAIN_CLASSES);
    }

    @Test
    void publicPackagesHaveNoCycles() {
        ArchitectureRules.noCyclesBetweenPublicPackages(API).check(MAIN_CLASSES);
    }

    @Test
    void rocksDbStaysBehindKafkaStreams() {
        noClasses().should().dependOnClassesThat().resideInAPackage("org.rocksdb..").check(MAIN_CLASSES);
    }

    @Test
    void nothingReadsTheWallClockDirectly() {
        ArchitectureRules.noWallClockReads(API).check(MAIN_CLASSES);
    }

    @Test
    void everyExceptionSharesOneRoot() {
        classes()
                .that().resideInAPackage(API + "..").and().areAssignableTo(RuntimeException.class)
                .and().doNotHaveModifier(JavaModifier.ABSTRACT)
                .should().beAssignableTo(ParticipantException.class)
                .check(MAIN_CLASSES);
    }

}
