package dev.sagaline.orchestrator.runtime;

import static dev.sagaline.orchestrator.runtime.support.SagaFixtures.SIGNUP_V1;
import static dev.sagaline.orchestrator.runtime.support.SagaFixtures.SIGNUP_V2;
import static dev.sagaline.orchestrator.runtime.support.SagaFixtures.kit;
import static org.assertj.core.api.Assertions.assertThat;

import dev.sagaline.orchestrator.runtime.support.WellFormedHistories;
import dev.sagaline.orchestrator.testing.SagaTestKit;
import dev.sagaline.orchestrator.testing.SentCommand;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Versions of a saga type run side by side: a start without a version runs the newest, and an
 * instance keeps the version it started with. (An instance keeping its version across a restart
 * that loads a newer one: {@code SagaDeciderVersionsTest}; refusing to start without a version
 * still in use: {@code SagaCoordinatorVersionsTest}.)
 */
@ExtendWith(WellFormedHistories.class)
class SagaVersioningTest {

    @Test
    void startsTheNewestVersionWhenTheRequestNamesNone() {
        try (SagaTestKit kit = kit(SIGNUP_V1, SIGNUP_V2)) {
            kit.start("s-1", "signup");

            assertThat(kit.state("s-1").getDefinitionVersion()).isEqualTo(2);
            assertThat(kit.commands("s-1")).singleElement().satisfies(c -> assertThat(c.command().getDefinitionVersion()).isEqualTo(2));
        }
    }

    @Test
    void startsTheVersionTheRequestNames() {
        try (SagaTestKit kit = kit(SIGNUP_V1, SIGNUP_V2)) {
            kit.start("s-1", "signup", 1, null);
            kit.replyTo("s-1", "create-account").succeed();

            assertThat(kit.state("s-1").getDefinitionVersion()).isEqualTo(1);
            kit.assertThat("s-1").isCompleted();
            assertThat(kit.commands("s-1")).extracting(SentCommand::step).containsExactly("create-account");
        }
    }

    @Test
    void runsAnOlderVersionsInstanceWithItsOwnStepsBesideANewerOnes() {
        try (SagaTestKit kit = kit(SIGNUP_V1, SIGNUP_V2)) {
            kit.start("old", "signup", 1, null);
            kit.start("new", "signup");

            kit.replyTo("old", "create-account").succeed();
            kit.replyTo("new", "create-account").succeed();

            kit.assertThat("old").isCompleted();
            assertThat(kit.commands("new")).extracting(SentCommand::step).containsExactly("create-account", "send-welcome");
            assertThat(kit.state("new").getDefinitionVersion()).isEqualTo(2);
        }
    }
}
