package dev.sagaline.orchestrator.internals.processor;

import dev.sagaline.schemas.registry.SchemaRegistryUnavailableException;
import java.util.function.Supplier;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * A request or reply value that did not decode, handed to the coordinator instead of failing in
 * the source: there the saga its key names is known, so the dead letter is also noted in that
 * saga's history, and the record goes to the dead-letter topic by the same route as every other
 * input the orchestrator cannot act on.
 *
 * @param failure why the bytes are not a record of the topic's type
 */
public record UndecodableInput(SerializationException failure) {

    /**
     * The source deserializer of a topic whose values {@code values} decodes: a value that does
     * not decode becomes an {@link UndecodableInput}. A registry outage still fails, so the
     * deserialization handler fails the thread and the record is read again.
     */
    public static Deserializer<Object> tolerating(Deserializer<?> values) {
        return new Deserializer<>() {
            @Override
            public Object deserialize(String topic, byte[] data) {
                return decode(() -> values.deserialize(topic, data));
            }

            @Override
            public Object deserialize(String topic, Headers headers, byte[] data) {
                return decode(() -> values.deserialize(topic, headers, data));
            }
        };
    }

    private static Object decode(Supplier<?> decoding) {
        try {
            return decoding.get();
        } catch (SerializationException e) {
            if (SchemaRegistryUnavailableException.isCauseOf(e)) {
                throw e;
            }
            return new UndecodableInput(e);
        }
    }
}
