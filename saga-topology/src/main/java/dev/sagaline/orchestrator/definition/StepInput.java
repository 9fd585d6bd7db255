package dev.sagaline.orchestrator.definition;

import dev.sagaline.protocol.v1.Payload;
import java.util.Map;
import java.util.Optional;

/**
 * Builds the input of a step's command from what the saga knows: its own input and the outputs of
 * the steps that succeeded before. It must be a pure function of its argument: it is called again
 * for retries and for the step's compensation, and a saga replayed after a crash must send the
 * same commands.
 */
@FunctionalInterface
public interface StepInput {

    /** Passes the saga's input through unchanged: the default. */
    static StepInput sagaInput() {
        return saga -> saga.input().orElse(null);
    }

    /** Passes the output of an earlier step; null when it produced none. */
    static StepInput outputOf(String step) {
        return saga -> saga.output(step).orElse(null);
    }

    /** Returns the command's input payload, or null for none. */
    Payload build(Saga saga);

    /** What a {@link StepInput} may read of the saga. */
    interface Saga {
        /** The saga instance's id. */
        String sagaId();

        /** The input the saga was started with. */
        Optional<Payload> input();

        /** The output of {@code step}, when it succeeded with one. */
        Optional<Payload> output(String step);

        /** Context from the start request, such as a trace id. */
        Map<String, String> metadata();
    }
}
