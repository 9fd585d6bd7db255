package dev.sagaline.participant.spring.internals;

import dev.sagaline.participant.StepResult;
import dev.sagaline.protocol.v1.StepAction;
import org.apache.kafka.streams.KafkaStreams;

/**
 * What the application learns of its participant: each handler call, and the Kafka Streams
 * instance once it runs. The Micrometer binding implements it; without Micrometer, {@link #NONE}.
 */
public interface HandlerObserver {

    /** One call of a handler method. */
    @FunctionalInterface
    interface Call {
        StepResult run() throws Exception;
    }

    /** Observes nothing. */
    HandlerObserver NONE = new HandlerObserver() {
        @Override
        public StepResult observe(String step, StepAction action, Call call) throws Exception {
            return call.run();
        }

        @Override
        public void started(KafkaStreams streams) {
            // Nothing to bind.
        }

        @Override
        public void stopped() {
            // Nothing bound.
        }
    };

    /** Runs {@code call}, the handler of {@code action} of {@code step}, and returns or throws what it does. */
    StepResult observe(String step, StepAction action, Call call) throws Exception;

    /** The participant's Kafka Streams instance has started. */
    void started(KafkaStreams streams);

    /** The participant has stopped. */
    void stopped();
}
