package dev.sagaline.localkafka;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import dev.sagaline.architecture.ArchitectureRules;
import org.junit.jupiter.api.Test;


import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

class ArchitectureTest {

    private static final String API = "dev.sagaline.localkafka";

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

}
