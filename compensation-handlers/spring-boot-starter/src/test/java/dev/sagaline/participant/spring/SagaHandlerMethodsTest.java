package dev.sagaline.participant.spring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sagaline.participant.StepContext;
import dev.sagaline.participant.StepResult;
import dev.sagaline.participant.spring.sample.RoomRequest;
import dev.sagaline.protocol.v1.StepAction;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The starter refuses handler methods that do not make a participant before anything connects,
 * naming the step and the methods; and leaves the participant out when it is turned off. No
 * broker: every context here stops, or is closed, before the participant would start.
 */
class SagaHandlerMethodsTest {

    private final ApplicationContextRunner contexts = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(SagalineParticipantAutoConfiguration.class))
            .withPropertyValues("sagaline.participant.application-id=hotel", "sagaline.participant.bootstrap-servers=127.0.0.1:9",
                    "sagaline.participant.command-topic=hotel.commands");

    @Test
    void refusesATccStepWithoutACancelNamingTheStepAndTheMethods() {
        contexts.withUserConfiguration(TryAndConfirmOnly.class).run(context -> {
            assertThat(context).hasFailed();
            assertThat(context.getStartupFailure()).rootCause().hasMessageContaining("step 'hold-room' needs a DO handler")
                    .hasMessageContaining("TRY tryAndConfirm.hold").hasMessageContaining("CONFIRM tryAndConfirm.book");
        });
    }

    @Test
    void refusesAHandlerMethodOfAnotherShape() {
        contexts.withUserConfiguration(WrongShape.class).run(context -> {
            assertThat(context).hasFailed();
            assertThat(context.getStartupFailure()).rootCause()
                    .hasMessageContaining("@SagaHandler method wrongShape.charge must be declared as StepResult charge(<generated Avro class> input, StepContext context)");
        });
    }

    @Test
    void refusesTwoHandlersOfOneAction() {
        contexts.withUserConfiguration(TwoCharges.class).run(context -> {
            assertThat(context).hasFailed();
            assertThat(context.getStartupFailure()).rootCause()
                    .hasMessageContaining("step 'charge-card' has two DO handlers: twoCharges.charge").hasMessageContaining("twoCharges.chargeAgain");
        });
    }

    @Test
    void leavesTheParticipantOutWhenTurnedOff() {
        contexts.withUserConfiguration(TryAndConfirmOnly.class).withPropertyValues("sagaline.participant.enabled=false")
                .run(context -> assertThat(context).hasNotFailed().doesNotHaveBean("sagalineParticipant"));
    }

    @Configuration(proxyBeanMethods = false)
    static class TryAndConfirmOnly {
        @Bean
        Object tryAndConfirm() {
            return new Object() {
                @SagaHandler(step = "hold-room", action = StepAction.TRY)
                StepResult hold(RoomRequest request, StepContext context) {
                    return StepResult.succeeded();
                }

                @SagaHandler(step = "hold-room", action = StepAction.CONFIRM)
                StepResult book(RoomRequest request, StepContext context) {
                    return StepResult.succeeded();
                }
            };
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class WrongShape {
        @Bean
        Object wrongShape() {
            return new Object() {
                @SagaHandler(step = "charge-card", action = StepAction.DO)
                boolean charge(String card) {
                    return true;
                }
            };
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class TwoCharges {
        @Bean
        Object twoCharges() {
            return new Object() {
                @SagaHandler(step = "charge-card", action = StepAction.DO)
                StepResult charge(RoomRequest request, StepContext context) {
                    return StepResult.succeeded();
                }

                @SagaHandler(step = "charge-card", action = StepAction.DO)
                StepResult chargeAgain(RoomRequest request, StepContext context) {
                    return StepResult.succeeded();
                }
            };
        }
    }
}
