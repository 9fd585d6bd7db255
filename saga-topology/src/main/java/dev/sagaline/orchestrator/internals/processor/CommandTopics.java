package dev.sagaline.orchestrator.internals.processor;

import dev.sagaline.orchestrator.definition.SagaDefinitions;
import dev.sagaline.protocol.v1.StepCommand;
import org.apache.kafka.streams.processor.RecordContext;
import org.apache.kafka.streams.processor.TopicNameExtractor;

/**
 * Sends each command to the topic of its step, as the definition the saga runs declares it, so one
 * sink serves every step of every saga type and version.
 */
public final class CommandTopics implements TopicNameExtractor<String, Object> {

    private final SagaDefinitions definitions;

    public CommandTopics(SagaDefinitions definitions) {
        this.definitions = definitions;
    }

    @Override
    public String extract(String key, Object value, RecordContext context) {
        StepCommand command = (StepCommand) value;
        return definitions.find(command.getSagaType(), command.getDefinitionVersion())
                .flatMap(d -> d.step(command.getStep()))
                .orElseThrow(() -> new IllegalStateException("no command topic for step '" + command.getStep() + "' of "
                        + command.getSagaType() + " v" + command.getDefinitionVersion()))
                .commandTopic();
    }

    @Override
    public String toString() {
        return "the command topic of each command's step";
    }
}
