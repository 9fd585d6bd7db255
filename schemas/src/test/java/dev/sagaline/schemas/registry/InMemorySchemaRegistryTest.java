package dev.sagaline.schemas.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sagaline.protocol.v1.SagaEvent;
import dev.sagaline.protocol.v1.StepReply;
import org.junit.jupiter.api.Test;

/** The in-process registry gives ids as Confluent's does. */
class InMemorySchemaRegistryTest {

    private final InMemorySchemaRegistry registry = new InMemorySchemaRegistry();

    @Test
    void givesIdsFromOneInRegistrationOrder() {
        assertThat(registry.register("replies-value", StepReply.getClassSchema())).isEqualTo(1);
        assertThat(registry.register("events-value", SagaEvent.getClassSchema())).isEqualTo(2);
        assertThat(registry.schemaById(2)).isEqualTo(SagaEvent.getClassSchema());
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
    void unknownIdIsASchemaRegistryExceptionNamingTheId() {
        registry.register("replies-value", StepReply.getClassSchema());

        assertThatThrownBy(() -> registry.schemaById(2))
                .isExactlyInstanceOf(SchemaRegistryException.class)
                .hasMessage("no schema with id 2 in the in-process schema registry");
    }
}
