package dev.sagaline.architecture;

import com.tngtech.archunit.core.domain.JavaClasses;
import org.junit.jupiter.api.Test;

/** The shared rules, applied to the schemas module itself. */
class SchemasArchitectureTest {

    private static final JavaClasses CLASSES = ArchitectureRules.mainClasses("dev.sagaline.schemas", "dev.sagaline.protocol");

    @Test
    void publicApiMentionsNoInternals() {
        ArchitectureRules.publicApiMentionsNoInternals("dev.sagaline.schemas").check(CLASSES);
    }

    @Test
    void publicPackagesHaveNoCycles() {
        ArchitectureRules.noCyclesBetweenPublicPackages("dev.sagaline.schemas").check(CLASSES);
    }

    @Test
    void nothingReadsTheWallClock() {
        ArchitectureRules.noWallClockReads("dev.sagaline.schemas").check(CLASSES);
        ArchitectureRules.noWallClockReads("dev.sagaline.protocol").check(CLASSES);
    }
}
