package dev.sagaline.participant.spring;

import dev.sagaline.protocol.v1.StepAction;
import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a method of a Spring bean as the handler of one action of one saga step, so a Spring Boot
 * service registers its handlers by writing them. The method takes the step's input (a generated
 * Avro class, decoded from the command's payload; null when the command has none) and the
 * {@link dev.sagaline.participant.StepContext}, and returns a
 * {@link dev.sagaline.participant.StepResult}; the exceptions it throws mean what they mean for
 * the handler interfaces.
 *
 * <pre>{@code
 * @Component
 * class RoomHandlers {
 *     @SagaHandler(step = "hold-room", action = StepAction.TRY)
 *     StepResult hold(HoldRoom request, StepContext context) { ... }
 *
 *     @SagaHandler(step = "hold-room", action = StepAction.CONFIRM)
 *     StepResult book(HoldRoom request, StepContext context) { ... }
 *
 *     @SagaHandler(step = "hold-room", action = StepAction.CANCEL)
 *     StepResult release(HoldRoom request, StepContext context) { ... }
 * }
 * }</pre>
 *
 * <p>A step has either a DO handler (and, when it is compensatable, a COMPENSATE one), or all three
 * of TRY, CONFIRM and CANCEL, taking the same input type; anything else stops the application
 * context at start-up with a message naming the step and the methods.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface SagaHandler {

    /** The step's name, as in the saga definition. */
    String step();

    /** The action the method answers: DO, COMPENSATE, TRY, CONFIRM or CANCEL. */
    StepAction action();
}
