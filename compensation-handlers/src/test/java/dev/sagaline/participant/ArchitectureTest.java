package dev.sagaline.participant;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.codeUnits;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaCodeUnit;
import com.tngtech.archunit.core.domain.JavaModifier;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import java.time.Instant;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The public API stays free of implementation types, and nothing reads the wall clock behind the context's back. */
class ArchitectureTest {

    private static final String API = "dev.sagaline.participant";
    private static final String INTERNALS = "dev.sagaline.participant.internals";

    private static final JavaClasses MAIN_CLASSES = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages(API);

    @Test
    void publicApiSignaturesMentionNoInternals() {
        codeUnits()
                .that().arePublic()
                .and().areDeclaredInClassesThat().resideInAPackage(API)
                .and().areDeclaredInClassesThat().arePublic()
                .should(mentionNoInternalsInTheirSignature())
                .check(MAIN_CLASSES);
    }

    @Test
    void rocksDbStaysBehindKafkaStreams() {
        noClasses().should().dependOnClassesThat().resideInAPackage("org.rocksdb..").check(MAIN_CLASSES);
    }

    @Test
    void nothingReadsTheWallClockDirectly() {
        noClasses()
                .should().callMethod(System.class, "currentTimeMillis")
                .orShould().callMethod(Instant.class, "now")
                .check(MAIN_CLASSES);
    }

    @Test
    void everyExceptionSharesOneRoot() {
        classes()
                .that().resideInAPackage(API + "..").and().areAssignableTo(RuntimeException.class)
                .and().doNotHaveModifier(JavaModifier.ABSTRACT)
                .should().beAssignableTo(ParticipantException.class)
                .check(MAIN_CLASSES);
    }

    private static ArchCondition<JavaCodeUnit> mentionNoInternalsInTheirSignature() {
        return new ArchCondition<>("mention no internals type in their signature") {
            @Override
            public void check(JavaCodeUnit codeUnit, ConditionEvents events) {
                Stream.concat(Stream.of(codeUnit.getRawReturnType()), codeUnit.getRawParameterTypes().stream())
                        .filter(type -> type.getPackageName().startsWith(INTERNALS))
                        .forEach(type -> events.add(SimpleConditionEvent.violated(
                                codeUnit, codeUnit.getFullName() + " exposes " + type.getName())));
            }
        };
    }
}
