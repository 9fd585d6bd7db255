/**
 * Kafka serdes for the Avro protocol in {@code dev.sagaline.protocol.v1}, and the codec for the
 * domain payloads it carries.
 *
 * <p>A tour, from the wire up:
 * <ul>
 *   <li>{@link dev.sagaline.schemas.serde.AvroWireFormat} reads and writes one generated Avro class
 *       in the Schema Registry wire format: magic byte 0, the writer schema's 4-byte big-endian id,
 *       then the plain Avro body. Readers resolve the writer's schema by id, so an older or newer
 *       compatible writer still decodes.</li>
 *   <li>{@link dev.sagaline.schemas.serde.SpecificAvroSerde} is that format as a Kafka
 *       {@code Serde}: built in code for one class and registry, or named in a client's
 *       properties and configured from Confluent's keys ({@link dev.sagaline.schemas.serde.AvroSerdeConfig}),
 *       with subjects named by a {@link dev.sagaline.schemas.serde.SubjectNameStrategy} and the
 *       writer schema picked by a {@link dev.sagaline.schemas.serde.WriterSchemaChoice}.</li>
 *   <li>{@link dev.sagaline.schemas.serde.ProtocolSerdes} builds the serde of every protocol record
 *       from one registry; pass it to whatever builds a topology.</li>
 *   <li>{@link dev.sagaline.schemas.serde.Payloads} wraps a service's own records into protocol
 *       {@code Payload}s and back, so the orchestrator never needs the domain schemas.</li>
 * </ul>
 *
 * <pre>{@code
 * ProtocolSerdes serdes = new ProtocolSerdes(registry);
 * Payloads payloads = Payloads.withRegistry(serdes.registry());
 * StepReply reply = serdes.replies().deserialize("sagaline.replies", bytes);
 * ReserveStock input = payloads.decode(command.getInput(), ReserveStock.class);
 * }</pre>
 *
 * <p>Edges: {@code null} bytes decode to {@code null} (a tombstone) and a {@code null} record
 * serializes to {@code null}. Every failure to read or write, including a truncated record, an
 * unknown magic byte or schema id and an unreachable registry, is a Kafka
 * {@code SerializationException} that names the topic, never a {@code NullPointerException}.
 */
package dev.sagaline.schemas.serde;
