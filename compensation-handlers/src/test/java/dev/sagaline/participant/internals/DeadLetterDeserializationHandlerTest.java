package dev.sagaline.participant.internals;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sagaline.schemas.registry.SchemaRegistryException;
import dev.sagaline.schemas.registry.SchemaRegistryUnavailableException;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.DeserializationExceptionHandler.Response;
import org.apache.kafka.streams.errors.DeserializationExceptionHandler.Result;
import org.junit.jupiter.api.Test;

/** A command that cannot be read is dead-lettered, unless only the schema registry was out of reach. */
class DeadLetterDeserializationHandlerTest {

    private static final ConsumerRecord<byte[], byte[]> COMMAND = new ConsumerRecord<>("inventory.commands", 0, 7, 1_000L,
            TimestampType.CREATE_TIME, 1, 5, new byte[] {1}, new byte[] {0, 0, 0, 0, 9}, new RecordHeaders(), Optional.empty());

    private final DeadLetterDeserializationHandler handler = new DeadLetterDeserializationHandler();

    {
        handler.configure(Map.of(StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG, "inventory.dead-letter"));
    }

    @Test
    void failsTheThreadInsteadOfDeadLetteringWhenTheRegistryWasUnavailable() {
        Response response = handler.handleError(null, COMMAND, new SerializationException("topic inventory.commands: unknown writer schema id 9",
                new SchemaRegistryUnavailableException("cannot fetch schema id 9: registry answered HTTP 503")));

        assertThat(response.result()).isEqualTo(Result.FAIL);
        assertThat(response.deadLetterQueueRecords()).isEmpty();
    }

    @Test
    void deadLettersACommandWhoseSchemaIdDoesNotExist() {
        Response response = handler.handleError(null, COMMAND, new SerializationException("topic inventory.commands: unknown writer schema id 9",
                new SchemaRegistryException("cannot fetch schema id 9: registry answered HTTP 404")));

        assertThat(response.result()).isEqualTo(Result.RESUME);
        assertThat(response.deadLetterQueueRecords()).singleElement()
                .satisfies(dead -> assertThat(dead.topic()).isEqualTo("inventory.dead-letter"));
    }
}
