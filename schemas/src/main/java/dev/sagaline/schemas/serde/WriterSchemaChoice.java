package dev.sagaline.schemas.serde;

/**
 * Which registered schema a serializer writes a record with, chosen from Confluent's
 * {@code auto.register.schemas} and {@code use.latest.version} settings.
 */
public enum WriterSchemaChoice {

    /** Register the record's own schema under the subject (or find it registered) and write with it: {@code auto.register.schemas=true}. */
    REGISTER,

    /**
     * Write with the record's own schema only if it is registered under the subject already, and
     * fail otherwise: {@code auto.register.schemas=false}, for registries that only a deployment
     * pipeline may change.
     */
    LOOK_UP,

    /**
     * Write with the newest schema registered under the subject, converting the record to it by
     * Avro's schema resolution (fields it lacks take their defaults; a record that cannot be
     * converted fails): {@code auto.register.schemas=false} with {@code use.latest.version=true}.
     */
    LATEST
}
