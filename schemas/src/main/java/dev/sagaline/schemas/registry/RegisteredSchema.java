package dev.sagaline.schemas.registry;

import java.util.Objects;
import org.apache.avro.Schema;

/**
 * A schema as a registry holds it: its global id (what the wire format's header carries) and the
 * schema itself.
 *
 * @param id the global id, never negative
 * @param schema the schema registered under that id
 */
public record RegisteredSchema(int id, Schema schema) {

    public RegisteredSchema {
        if (id < 0) {
            throw new IllegalArgumentException("schema id must not be negative: " + id);
        }
        Objects.requireNonNull(schema, "schema");
    }
}
