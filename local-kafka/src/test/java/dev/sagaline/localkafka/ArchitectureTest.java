package dev.sagaline.localkafka;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaCodeUnit;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import org.junit.jupiter.api.Test;

import java.util.stream.Stream;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.codeUnits;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

class ArchitectureTest {

    private static final String API = "dev.sagaline.localkafka";
    private static final String INTERNALS = "dev.sagaline.localkafka.internals";

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
    void brokerSideKafkaClassesStayInInternals() {
        noClasses()
                .that().resideInAPackage(API)
                .should().dependOnClassesThat(brokerSideKafka())
                .check(MAIN_CLASSES);
    }

    private static DescribedPredicate<JavaClass> brokerSideKafka() {
        return DescribedPredicate.describe("are broker-side Kafka classes", type ->
                type.getPackageName().startsWith("kafka.")
                        || type.getPackageName().startsWith("org.apache.kafka.metadata")
                        || type.getPackageName().startsWith("org.apache.kafka.server"));
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
