package dev.sagaline.schemas.registry;

import org.apache.avro.Schema;

/**
 * The port through which serdes register the schema they write with and find the schema a record
 * was written with. Two implementations ship: {@link InMemorySchemaRegistry} for the embedded
 * default and tests, and {@link HttpSchemaRegistry} for any Confluent-compatible Schema Registry.
 *
 * <p>Implementations are thread-safe and cache: serdes call them on every record, so a lookup of
 * a known schema or id must not leave the process.
 */
public interface SchemaRegistry {

    /**
     * Registers {@code schema} under {@code subject} (or finds it registered already) and returns
     * its global id. Registering the same schema twice returns the same id.
     *
     * @throws SchemaRegistryException when the registry refuses the schema or cannot be reached
     */
    int register(String subject, Schema schema);

    /**
     * Returns the id {@code schema} has under {@code subject}, without registering it: what a
     * serializer with {@code auto.register.schemas=false} writes with.
     *
     * @throws SchemaRegistryException when the schema is not registered under the subject or the registry cannot be reached
     */
    int lookUp(String subject, Schema schema);

    /**
     * Returns the newest schema registered under {@code subject}: what a serializer with
     * {@code use.latest.version=true} writes with.
     *
     * @throws SchemaRegistryException when nothing is registered under the subject or the registry cannot be reached
     */
    RegisteredSchema latest(String subject);

    /**
     * Returns the schema with this global id.
     *
     * @throws SchemaRegistryException when no schema has this id or the registry cannot be reached
     */
    Schema schemaById(int id);

    /**
     * Tells the registry of a schema this process reads with, so that an id another process wrote
     * it with can be resolved here. A registry server already knows every schema and needs nothing
     * (the default); the in-process registry, whose ids are derived from the schema, records it.
     */
    default void prime(Schema schema) {
    }
}
