package dev.sagaline.app.architecture;

import com.tngtech.archunit.core.domain.JavaClasses;
import dev.sagaline.architecture.ArchitectureRules;
import org.junit.jupiter.api.Test;

/** The app's packages, and the modules it puts together, have no cycles. */
class AppArchitectureTest {

    private static final String APP = "dev.sagaline.app";

    @Test
    void publicPackagesHaveNoCycles() {
        ArchitectureRules.noCyclesBetweenPublicPackages(APP).check(ArchitectureRules.mainClasses(APP));
    }

    @Test
    void publicApiMentionsNoInternals() {
        ArchitectureRules.publicApiMentionsNoInternals(APP).check(ArchitectureRules.mainClasses(APP));
    }

    @Test
    void modulesHaveNoCycles() {
        JavaClasses everything = ArchitectureRules.mainClasses("dev.sagaline");
        ArchitectureRules.noCyclesBetweenModules().check(everything);
    }
}
