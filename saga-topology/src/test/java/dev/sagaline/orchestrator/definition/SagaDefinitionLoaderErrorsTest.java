package dev.sagaline.orchestrator.definition;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sagaline.orchestrator.errors.InvalidSagaDefinitionException;
import org.assertj.core.api.AbstractStringAssert;
import org.assertj.core.api.InstanceOfAssertFactories;
import org.junit.jupiter.api.Test;

/** Each invalid file is refused when loaded, with one line naming the file, the saga, the step and the key. */
class SagaDefinitionLoaderErrorsTest {

    @Test
    void refusesAnUnknownStepKeyNamingItsLineAndTheAllowedKeys() {
        refusal("""
                saga: order
                steps:
                  - name: pay
                    topic: payment.commands
                    kind: pivot
                    retries: 3
                """)
                .startsWith("broken.yaml, line 6, column 5: saga 'order' step 'pay' has unknown key 'retries'")
                .contains("allowed keys here: input, kind, name, parallel, retry, steps, timeout, topic, undoRetry");
    }

    @Test
    void refusesAnUnknownKeyInARetryBlock() {
        refusal("""
                saga: order
                steps:
                  - name: pay
                    topic: payment.commands
                    kind: pivot
                    retry: { maxAttempt: 3 }
                """)
                .startsWith("broken.yaml, line 6, ")
                .contains("saga 'order' step 'pay' retry has unknown key 'maxAttempt'")
                .contains("allowed keys here: backoff, jitter, maxAttempts, maxBackoff, multiplier");
    }

    @Test
    void refusesAnUnknownTopLevelKey() {
        refusal("""
                saga: order
                deadlines: 5m
                steps:
                  - { name: pay, topic: payment.commands, kind: pivot }
                """)
                .startsWith("broken.yaml, line 2, column 1: saga 'order' has unknown key 'deadlines'");
    }

    @Test
    void refusesAParallelGroupNestedInAGroup() {
        refusal("""
                saga: order
                steps:
                  - { name: pay, topic: payment.commands, kind: pivot }
                  - parallel: notify
                    steps:
                      - parallel: inner
                """)
                .startsWith("broken.yaml, line 6, ")
                .contains("saga 'order' parallel group 'notify' parallel group 'inner' has unknown key 'parallel'")
                .endsWith("parallel groups cannot be nested");
    }

    @Test
    void refusesAKeyGivenTwice() {
        refusal("""
                saga: order
                steps:
                  - name: pay
                    topic: payment.commands
                    topic: billing.commands
                    kind: pivot
                """)
                .startsWith("broken.yaml, line 5, ")
                .endsWith("saga 'order' step 'pay' key 'topic' appears twice");
    }

    @Test
    void refusesAValueOfTheWrongType() {
        refusal("""
                saga: order
                version: two
                steps:
                  - { name: pay, topic: payment.commands, kind: pivot }
                """)
                .startsWith("broken.yaml, line 2, ")
                .endsWith("saga 'order' key 'version' must be a whole number, not 'two'");
    }

    @Test
    void refusesTextThatIsNotYaml() {
        refusal("""
                saga: order
                steps:
                  - { name: pay, topic: payment.commands
                """)
                .startsWith("broken.yaml, line ")
                .contains("not valid YAML");
    }

    @Test
    void refusesAFileWithoutASagaName() {
        refusal("""
                steps:
                  - { name: pay, topic: payment.commands, kind: pivot }
                """)
                .isEqualTo("broken.yaml: the file has no saga name; add 'saga: <type name>' at the top");
    }

    @Test
    void refusesASagaWithoutSteps() {
        refusal("""
                saga: order
                steps: []
                """)
                .isEqualTo("broken.yaml: saga 'order' has no steps; add a 'steps:' list with at least one step");
    }

    @Test
    void refusesAStepWithoutATopic() {
        refusal("""
                saga: order
                steps:
                  - { name: pay, kind: pivot }
                """)
                .isEqualTo("broken.yaml: saga 'order' step 'pay' has no topic; add 'topic: <command topic>'");
    }

    @Test
    void refusesTwoStepsWithOneName() {
        refusal("""
                saga: order
                steps:
                  - { name: reserve, topic: inventory.commands, kind: tcc }
                  - { name: reserve, topic: inventory.commands, kind: compensatable }
                  - { name: pay, topic: payment.commands, kind: pivot }
                """)
                .isEqualTo("broken.yaml: saga 'order' has two steps named 'reserve'; step names must be unique");
    }

    @Test
    void refusesAZeroTimeout() {
        refusal("""
                saga: order
                steps:
                  - { name: pay, topic: payment.commands, kind: pivot, timeout: 0s }
                """)
                .isEqualTo("broken.yaml: saga 'order' step 'pay' has timeout PT0S; it must be positive");
    }

    @Test
    void refusesADurationItCannotReadNamingTheValue() {
        refusal("""
                saga: order
                steps:
                  - { name: pay, topic: payment.commands, kind: pivot, timeout: 10 secs }
                """)
                .startsWith("broken.yaml: saga 'order' step 'pay' timeout '10 secs' is not a duration")
                .contains("500ms, 30s, 5m, 2h, 1d or ISO-8601 such as PT30S");
    }

    @Test
    void refusesAnUnknownKindListingTheAllowedOnes() {
        refusal("""
                saga: order
                steps:
                  - { name: pay, topic: payment.commands, kind: compensating }
                """)
                .isEqualTo("broken.yaml: saga 'order' step 'pay' has unknown kind 'compensating'; use one of compensatable, tcc, pivot, retriable");
    }

    @Test
    void refusesAStepWithoutAKind() {
        refusal("""
                saga: order
                steps:
                  - { name: pay, topic: payment.commands }
                """)
                .startsWith("broken.yaml: saga 'order' step 'pay' does not say how it is undone");
    }

    @Test
    void refusesARetryBlockWithoutMaxAttempts() {
        refusal("""
                saga: order
                steps:
                  - { name: pay, topic: payment.commands, kind: pivot, retry: { backoff: 2s } }
                """)
                .startsWith("broken.yaml: saga 'order' step 'pay' retry has no maxAttempts");
    }

    @Test
    void refusesARetryPolicyThatBreaksItsRules() {
        refusal("""
                saga: order
                steps:
                  - { name: pay, topic: payment.commands, kind: pivot, retry: { maxAttempts: 3, jitter: 1.5 } }
                """)
                .isEqualTo("broken.yaml: saga 'order' step 'pay' retry: jitter must be between 0 and 1, was 1.5");
    }

    @Test
    void refusesAnInputFromAnUnknownStep() {
        refusal("""
                saga: order
                steps:
                  - { name: reserve, topic: inventory.commands, kind: tcc }
                  - { name: pay, topic: payment.commands, kind: pivot, input: { step: reserv } }
                """)
                .isEqualTo("broken.yaml: saga 'order' step 'pay' input refers to unknown step 'reserv'; the saga's steps are reserve, pay");
    }

    @Test
    void refusesAnInputFieldFromALaterStep() {
        refusal("""
                saga: order
                steps:
                  - name: reserve
                    topic: inventory.commands
                    kind: tcc
                    input: { fields: { amount: saga.total, receipt: pay.receiptId } }
                  - { name: pay, topic: payment.commands, kind: pivot }
                """)
                .isEqualTo("broken.yaml: saga 'order' step 'reserve' input field 'receipt' refers to step 'pay', which comes later;"
                        + " a step can only use the output of steps before it");
    }

    @Test
    void refusesAnInputFromAStepOfTheSameParallelGroup() {
        refusal("""
                saga: order
                steps:
                  - { name: pay, topic: payment.commands, kind: pivot }
                  - parallel: notify
                    steps:
                      - { name: email, topic: notify.commands, kind: retriable }
                      - { name: sms, topic: notify.commands, kind: retriable, input: { step: email } }
                """)
                .startsWith("broken.yaml: saga 'order' step 'sms' input refers to step 'email' of the same parallel group 'notify'");
    }

    private static AbstractStringAssert<?> refusal(String yaml) {
        return assertThatThrownBy(() -> SagaDefinitionLoader.fromYaml(yaml, "broken.yaml"))
                .isInstanceOf(InvalidSagaDefinitionException.class)
                .extracting(Throwable::getMessage, InstanceOfAssertFactories.STRING)
                .doesNotContain("\n", "com.fasterxml", "java.lang");
    }
}
