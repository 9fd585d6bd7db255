package dev.sagaline.schemas.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sagaline.protocol.v1.SagaEvent;
import dev.sagaline.protocol.v1.StepReply;
import dev.sagaline.schemas.serde.SpecificAvroSerde;
import dev.sagaline.schemas.testsupport.ProtocolFixtures;
import org.apache.avro.SchemaNormalization;
import org.junit.jupiter.api.Test;

/** The in-process registry gives ids as Confluent's does, and the same ids in every process. */
class InMemorySchemaRegistryTest {

    private final InMemorySchemaRegistry registry = new InMemorySchemaRegistry();

    @Test
    void derivesIdsFromTheSchemaSoEveryProcessGivesTheSameOne() {
        InMemorySchemaRegistry otherProcess = new InMemorySchemaRegistry();

        int id = registry.register("replies-value", StepReply.getClassSchema());
        otherProcess.register("events-value", SagaEvent.getClassSchema());

        assertThat(otherProcess.register("replies-value", StepReply.getClassSchema())).isEqualTo(id);
        assertThat(id).isEqualTo((int) (SchemaNormalization.parsingFingerprint64(StepReply.getClassSchema()) & Integer.MAX_VALUE));
        assertThat(registry.register("events-value", SagaEvent.getClassSchema())).isNotEqualTo(id);
        assertThat(registry.schemaById(id)).isEqualTo(StepReply.getClassSchema());
    }

    @Test
    void sameSchemaUnderTwoSubjectsHasOneId() {
        int first = registry.register("replies-value", StepReply.getClassSchema());
        int second = registry.register("replies-dlq-value", StepReply.getClassSchema());

        assertThat(second).isEqualTo(first);
        assertThat(registry.versions("replies-value")).containsExactly(first);
        assertThat(registry.versions("replies-dlq-value")).containsExactly(first);
    }

    @Test
    void aReaderInAnotherProcessResolvesTheWritersIdWithTheSchemaItReadsWith() {
        InMemorySchemaRegistry writerProcess = new InMemorySchemaRegistry();
        InMemorySchemaRegistry readerProcess = new InMemorySchemaRegistry();
        byte[] bytes = SpecificAvroSerde.forValues(writerProcess, StepReply.class).serialize("replies", ProtocolFixtures.stepReply());

        StepReply read = SpecificAvroSerde.forValues(readerProcess, StepReply.class).deserialize("replies", bytes);

        assertThat(read).isEqualTo(ProtocolFixtures.stepReply());
        assertThat(readerProcess.versions("replies-value")).as("reading registers nothing under a subject").isEmpty();
    }

    @Test
    void unknownIdIsASchemaRegistryExceptionNamingTheIdAndTheRemedy() {
        registry.register("replies-value", StepReply.getClassSchema());

        assertThatThrownBy(() -> registry.schemaById(7))
                .isExactlyInstanceOf(SchemaRegistryException.class)
                .hasMessageStartingWith("no schema with id 7 in the in-process schema registry")
                .hasMessageContaining("share a schema registry server");
    }

    @Test
    void looksUpOnlyASchemaRegisteredUnderTheSubject() {
        int id = registry.register("orders-value", StepReply.getClassSchema());

        assertThat(registry.lookUp("orders-value", StepReply.getClassSchema())).isEqualTo(id);
        assertThatThrownBy(() -> registry.lookUp("payments-value", StepReply.getClassSchema()))
                .isInstanceOf(SchemaRegistryException.class).hasMessageContaining("not registered under subject 'payments-value'");
    }

    @Test
    void theLatestOfASubjectIsTheSchemaRegisteredLast() {
        registry.register("events-value", StepReply.getClassSchema());
        int last = registry.register("events-value", SagaEvent.getClassSchema());

        assertThat(registry.latest("events-value")).isEqualTo(new RegisteredSchema(last, SagaEvent.getClassSchema()));
        assertThatThrownBy(() -> registry.latest("nothing-value"))
                .isInstanceOf(SchemaRegistryException.class).hasMessageContaining("no schema is registered under subject 'nothing-value'");
    }
}
