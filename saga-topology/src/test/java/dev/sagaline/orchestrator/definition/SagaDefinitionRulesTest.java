package dev.sagaline.orchestrator.definition;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sagaline.orchestrator.errors.InvalidSagaDefinitionException;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** A definition that breaks a rule is refused when it is built, with a message naming the saga, the step and the fix. */
class SagaDefinitionRulesTest {

    @Test
    void acceptsCompensatableAndTccStepsBeforeThePivotAndRetriableStepsAfterIt() {
        assertThatCode(() -> SagaDefinition.named("ok")
                .step("a").on("t").compensatable()
                .parallel("g", g -> g.step("b").on("t").tcc().step("c").on("t").compensatable())
                .step("p").on("t").pivot()
                .parallel("h", g -> g.step("d").on("t").retriable().step("e").on("t").retriable())
                .build()).doesNotThrowAnyException();
    }

    @Test
    void rejectsACompensatableStepAfterThePivot() {
        assertThatThrownBy(() -> SagaDefinition.named("order")
                .step("charge").on("t").pivot()
                .step("ship").on("t").compensatable()
                .build())
                .isInstanceOf(InvalidSagaDefinitionException.class)
                .hasMessageStartingWith("saga 'order' step 'ship' is compensatable but follows the pivot step 'charge'")
                .hasMessageContaining("after the pivot only retriable");
    }

    @Test
    void rejectsATccStepAfterThePivot() {
        assertThatThrownBy(() -> SagaDefinition.named("order")
                .step("charge").on("t").pivot()
                .step("hold").on("t").tcc()
                .build())
                .isInstanceOf(InvalidSagaDefinitionException.class)
                .hasMessageContaining("step 'hold' is tcc but follows the pivot step 'charge'");
    }

    @Test
    void rejectsARetriableStepBeforeThePivot() {
        assertThatThrownBy(() -> SagaDefinition.named("order")
                .step("notify").on("t").retriable()
                .step("charge").on("t").pivot()
                .build())
                .isInstanceOf(InvalidSagaDefinitionException.class)
                .hasMessageStartingWith("saga 'order' step 'notify' is retriable but comes before any pivot step")
                .hasMessageContaining("declare");
    }

    @Test
    void rejectsARetriableStepInASagaWithoutPivot() {
        assertThatThrownBy(() -> SagaDefinition.named("order").step("notify").on("t").retriable().build())
                .isInstanceOf(InvalidSagaDefinitionException.class)
                .hasMessageContaining("step 'notify' is retriable but comes before any pivot step");
    }

    @Test
    void rejectsAPivotInAParallelGroup() {
        assertThatThrownBy(() -> SagaDefinition.named("order")
                .parallel("pay", g -> g.step("charge").on("t").pivot().step("points").on("t").compensatable())
                .build())
                .isInstanceOf(InvalidSagaDefinitionException.class)
                .hasMessage("saga 'order' parallel group 'pay' holds a pivot step; the pivot must stand alone");
    }

    @Test
    void rejectsASecondPivot() {
        assertThatThrownBy(() -> SagaDefinition.named("order")
                .step("charge").on("t").pivot()
                .step("ship").on("t").pivot()
                .build())
                .isInstanceOf(InvalidSagaDefinitionException.class)
                .hasMessage("saga 'order' step 'ship' is a second pivot after 'charge'; a saga has at most one pivot");
    }

    @Test
    void rejectsTwoStepsWithTheSameName() {
        assertThatThrownBy(() -> SagaDefinition.named("order")
                .step("reserve").on("t").compensatable()
                .parallel("g", g -> g.step("reserve").on("t").compensatable())
                .build())
                .isInstanceOf(InvalidSagaDefinitionException.class)
                .hasMessage("saga 'order' has two steps named 'reserve'; step names must be unique");
    }

    @Test
    void rejectsASagaWithoutSteps() {
        assertThatThrownBy(() -> SagaDefinition.named("order").build())
                .isInstanceOf(InvalidSagaDefinitionException.class)
                .hasMessage("saga 'order' has no steps; add at least one with step(\"...\")");
    }

    @Test
    void rejectsAnEmptyParallelGroup() {
        assertThatThrownBy(() -> SagaDefinition.named("order").step("a").on("t").compensatable().parallel("g", g -> { }).build())
                .isInstanceOf(InvalidSagaDefinitionException.class)
                .hasMessage("saga 'order' parallel group 'g' has no steps");
    }

    @Test
    void rejectsAZeroTimeout() {
        assertThatThrownBy(() -> SagaDefinition.named("order").step("reserve").on("t").compensatable().timeout(Duration.ZERO).build())
                .isInstanceOf(InvalidSagaDefinitionException.class)
                .hasMessage("saga 'order' step 'reserve' has timeout PT0S; it must be positive");
    }

    @Test
    void rejectsANegativeDeadline() {
        assertThatThrownBy(() -> SagaDefinition.named("order").step("reserve").on("t").compensatable().deadline(Duration.ofSeconds(-1)).build())
                .isInstanceOf(InvalidSagaDefinitionException.class)
                .hasMessage("saga 'order' has deadline PT-1S; it must be positive");
    }

    @Test
    void rejectsAStepThatDoesNotSayHowItIsUndone() {
        assertThatThrownBy(() -> SagaDefinition.named("order").step("reserve").on("t").build())
                .isInstanceOf(InvalidSagaDefinitionException.class)
                .hasMessageStartingWith("saga 'order' step 'reserve' does not say how it is undone")
                .hasMessageContainingAll("compensatable", "tcc", "pivot", "retriable");
    }

    @Test
    void rejectsAStepWithoutCommandTopic() {
        assertThatThrownBy(() -> SagaDefinition.named("order").step("reserve").compensatable().build())
                .isInstanceOf(InvalidSagaDefinitionException.class)
                .hasMessage("saga 'order' step 'reserve' has no command topic; set it with on(\"topic\")");
    }

    @Test
    void namesTheSourceOfTheDefinition() {
        assertThatThrownBy(() -> SagaDefinition.named("order").source("sagas/order.yaml").build())
                .isInstanceOf(InvalidSagaDefinitionException.class)
                .hasMessageStartingWith("sagas/order.yaml: saga 'order' has no steps");
    }

    @Test
    void rejectsTwoDefinitionsOfTheSameTypeAndVersion() {
        SagaDefinition one = SagaDefinition.named("order").version(2).step("a").on("t").compensatable().build();
        SagaDefinition other = SagaDefinition.named("order").version(2).step("b").on("t").compensatable().build();

        assertThatThrownBy(() -> SagaDefinitions.of(one, other))
                .isInstanceOf(InvalidSagaDefinitionException.class)
                .hasMessage("saga 'order' version 2 is defined twice; give each definition of a type its own version");
    }
}
