package dev.sagaline.participant;

import dev.sagaline.protocol.v1.StepAction;
import java.util.Objects;
import org.apache.avro.specific.SpecificRecord;

/**
 * One handler as registered in {@link ParticipantHandlers}: the step and action it answers, the
 * Avro class its input decodes into, and a uniform way to call it. The dispatcher and tools
 * (such as the orchestrator's test harness listing what a participant handles) use this view
 * instead of the three typed handler interfaces.
 */
public final class RegisteredHandler {

    /** Calls the typed handler with an input already decoded into its input type. */
    @FunctionalInterface
    interface Invoker {
        StepResult invoke(SpecificRecord input, StepContext context) throws Exception;
    }

    private final String step;
    private final StepAction action;
    private final Class<? extends SpecificRecord> inputType;
    private final Invoker invoker;

    RegisteredHandler(String step, StepAction action, Class<? extends SpecificRecord> inputType, Invoker invoker) {
        this.step = step;
        this.action = action;
        this.inputType = inputType;
        this.invoker = invoker;
    }

    /** The step's name. */
    public String step() {
        return step;
    }

    /** The action answered. */
    public StepAction action() {
        return action;
    }

    /** The Avro class the command's input payload is decoded into before the call. */
    public Class<? extends SpecificRecord> inputType() {
        return inputType;
    }

    /**
     * Calls the handler.
     *
     * @param input an instance of {@link #inputType()}, or null when the command has no input
     * @throws ClassCastException when {@code input} is of another type
     * @throws Exception whatever the handler throws
     */
    public StepResult invoke(SpecificRecord input, StepContext context) throws Exception {
        Objects.requireNonNull(context, "context");
        return invoker.invoke(input == null ? null : inputType.cast(input), context);
    }

    @Override
    public String toString() {
        return action + " handler for step '" + step + "' (input " + inputType.getName() + ")";
    }
}
