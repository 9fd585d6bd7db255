package dev.sagaline.schemas.serde;

import dev.sagaline.protocol.v1.SagaEvent;
import dev.sagaline.protocol.v1.SagaRequest;
import dev.sagaline.protocol.v1.SagaState;
import dev.sagaline.protocol.v1.StepCommand;
import dev.sagaline.protocol.v1.StepReply;
import dev.sagaline.schemas.registry.SchemaRegistry;

/**
 * The serdes of every protocol record, built once from one registry and handed to whatever needs
 * them (the orchestrator topology, the participant runtime, tests). Keys are plain strings (saga
 * ids), so only values need these.
 */
public final class ProtocolSerdes {

    private final SchemaRegistry registry;
    private final SpecificAvroSerde<SagaRequest> requests;
    private final SpecificAvroSerde<StepCommand> commands;
    private final SpecificAvroSerde<StepReply> replies;
    private final SpecificAvroSerde<SagaEvent> events;
    private final SpecificAvroSerde<SagaState> states;

    public ProtocolSerdes(SchemaRegistry registry) {
        this.registry = registry;
        this.requests = SpecificAvroSerde.forValues(registry, SagaRequest.class);
        this.commands = SpecificAvroSerde.forValues(registry, StepCommand.class);
        this.replies = SpecificAvroSerde.forValues(registry, StepReply.class);
        this.events = SpecificAvroSerde.forValues(registry, SagaEvent.class);
        this.states = SpecificAvroSerde.forValues(registry, SagaState.class);
    }

    /** The registry all these serdes use; domain payload codecs should use the same one. */
    public SchemaRegistry registry() {
        return registry;
    }

    public SpecificAvroSerde<SagaRequest> requests() {
        return requests;
    }

    public SpecificAvroSerde<StepCommand> commands() {
        return commands;
    }

    public SpecificAvroSerde<StepReply> replies() {
        return replies;
    }

    public SpecificAvroSerde<SagaEvent> events() {
        return events;
    }

    public SpecificAvroSerde<SagaState> states() {
        return states;
    }
}
