package dev.sagaline.orchestrator.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.methods;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaMethod;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import org.junit.jupiter.api.Test;

/**
 * The package structure is the architecture: users see {@code definition}, {@code runtime},
 * {@code testing} and {@code errors}; the state machine, processors and stores live under
 * {@code internals}. These rules keep it so.
 */
class ArchitectureTest {

    private static final JavaClasses CLASSES = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.sagaline");

    @Test
    void publicSignaturesDoNotExposeInternals() {
        methods().that().arePublic().and().areDeclaredInClassesThat().resideOutsideOfPackage("..internals..")
                .and().areDeclaredInClassesThat().areNotPrivate()
                .should(new ArchCondition<>("not mention an internals type in their signature") {
                    @Override
                    public void check(JavaMethod method, ConditionEvents events) {
                        boolean leaks = method.getRawReturnType().getPackageName().contains(".internals")
                                || method.getRawParameterTypes().stream().anyMatch(t -> t.getPackageName().contains(".internals"));
                        if (leaks) {
                            events.add(SimpleConditionEvent.violated(method, method.getFullName() + " exposes an internals type"));
                        }
                    }
                })
                .check(CLASSES.that(DescribedPredicate.describe("orchestrator classes",
                        (JavaClass c) -> c.getPackageName().startsWith("dev.sagaline.orchestrator.definition") || c.getPackageName().startsWith("dev.sagaline.orchestrator.runtime")
                                || c.getPackageName().startsWith("dev.sagaline.orchestrator.testing") || c.getPackageName().startsWith("dev.sagaline.orchestrator.errors"))));
    }

    @Test
    void onlyTheYamlReaderUsesJackson() {
        noClasses().that().resideOutsideOfPackage("dev.sagaline.orchestrator.internals.yaml..")
                .should().dependOnClassesThat().resideInAPackage("com.fasterxml.jackson..")
                .check(CLASSES.that(DescribedPredicate.describe("orchestrator classes",
                        (JavaClass c) -> !c.getPackageName().startsWith("dev.sagaline.schemas") && !c.getPackageName().startsWith("dev.sagaline.participant"))));
    }

    @Test
    void nothingTalksToRocksDbDirectly() {
        noClasses().should().dependOnClassesThat().resideInAPackage("org.rocksdb..").check(CLASSES);
    }

    @Test
    void definitionsDoNotDependOnTheRuntime() {
        noClasses().that().resideInAPackage("dev.sagaline.orchestrator.definition..")
                .should().dependOnClassesThat().resideInAnyPackage("dev.sagaline.orchestrator.runtime..", "dev.sagaline.orchestrator.testing..", "dev.sagaline.orchestrator.internals.processor..")
                .check(CLASSES);
    }
}
