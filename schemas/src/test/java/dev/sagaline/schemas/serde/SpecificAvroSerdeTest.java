package dev.sagaline.schemas.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sagaline.protocol.v1.AbortSaga;
import dev.sagaline.protocol.v1.SagaEvent;
import dev.sagaline.protocol.v1.SagaRequest;
import dev.sagaline.protocol.v1.StepReply;
import dev.sagaline.schemas.registry.InMemorySchemaRegistry;
import dev.sagaline.schemas.registry.RegisteredSchema;
import dev.sagaline.schemas.registry.SchemaRegistry;
import dev.sagaline.schemas.registry.SchemaRegistryException;
import dev.sagaline.schemas.testsupport.ProtocolFixtures;
import dev.sagaline.schemas.testsupport.WireBytes;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Test vectors for the Schema Registry wire format as the serde writes and reads it, and the
 * failures it reports.
 */
class SpecificAvroSerdeTest {

    private static final String TOPIC = "sagaline.replies";

    private final InMemorySchemaRegistry registry = new InMemorySchemaRegistry();
    private final SpecificAvroSerde<StepReply> serde = SpecificAvroSerde.forValues(registry, StepReply.class);
    private final StepReply reply = ProtocolFixtures.stepReply();

    @Test
    void headerIsMagicByteZeroThenTheSchemaIdBigEndian() {
        SchemaRegistry registryGivingId0x01020304 = new FixedIdRegistry(0x01020304);

        byte[] bytes = SpecificAvroSerde.forValues(registryGivingId0x01020304, StepReply.class).serialize(TOPIC, reply);

        assertThat(Arrays.copyOf(bytes, WireBytes.HEADER_SIZE)).containsExactly(0, 1, 2, 3, 4);
    }

    @Test
    void headerCarriesTheIdTheSchemaWasRegisteredWithUnderTheTopicValueSubject() {
        registry.register("something-else", SagaEvent.getClassSchema());

        byte[] bytes = serde.serialize(TOPIC, reply);

        assertThat(registry.versions(TOPIC + "-value")).hasSize(1);
        int id = registry.versions(TOPIC + "-value").get(0);
        assertThat(registry.schemaById(id)).isEqualTo(StepReply.getClassSchema());
        assertThat(Arrays.copyOf(bytes, WireBytes.HEADER_SIZE))
                .containsExactly(0, (byte) (id >>> 24), (byte) (id >>> 16), (byte) (id >>> 8), (byte) id);
    }

    @Test
    void namesSubjectsAsTopicNameStrategyDoes() {
        assertThat(serde.subject("orders")).isEqualTo("orders-value");
        assertThat(SpecificAvroSerde.forKeys(registry, StepReply.class).subject("orders")).isEqualTo("orders-key");
    }

    @Test
    void bodyIsPlainAvroThatSpecificDatumReaderDecodes() throws IOException {
        byte[] body = WireBytes.body(serde.serialize(TOPIC, reply));

        StepReply decoded = new SpecificDatumReader<>(StepReply.class)
                .read(null, DecoderFactory.get().binaryDecoder(body, null));

        assertThat(decoded).isEqualTo(reply);
    }

    @Test
    void bodyIsPlainAvroThatGenericDatumReaderDecodes() throws IOException {
        byte[] body = WireBytes.body(serde.serialize(TOPIC, reply));

        GenericRecord decoded = new GenericDatumReader<GenericRecord>(StepReply.getClassSchema())
                .read(null, DecoderFactory.get().binaryDecoder(body, null));

        assertThat(decoded.get("commandId")).hasToString("cmd-1");
        assertThat(decoded.get("outcome")).hasToString("FAILED");
        assertThat(decoded.get("attempt")).isEqualTo(1);
        assertThat(decoded.get("repliedAtMs")).isEqualTo(ProtocolFixtures.T0.plusMillis(40).toEpochMilli());
    }

    @Test
    void decodesAHandBuiltHeaderAndPlainAvroBody() {
        int id = registry.register("written-elsewhere", StepReply.getClassSchema());

        StepReply decoded = serde.deserialize(TOPIC, WireBytes.framed(id, WireBytes.plainAvro(reply)));

        assertThat(decoded).isEqualTo(reply);
    }

    @Test
    void decodesARecordFromANewerWriterWithAnExtraField() {
        Schema newer = ProtocolFixtures.stepReplySchemaWith(fields -> fields.add(new Schema.Field("traceId", Schema.create(Schema.Type.STRING),
                "A field a newer version added.", "")));
        GenericRecord written = asWrittenWith(newer, reply);
        written.put("traceId", "trace-9");
        int id = registry.register(TOPIC + "-value", newer);

        StepReply decoded = serde.deserialize(TOPIC, WireBytes.framed(id, WireBytes.plainAvro(newer, written)));

        assertThat(decoded).isEqualTo(reply);
    }

    @Test
    void decodesARecordFromAnOlderWriterWithoutAFieldThatHasADefault() {
        Schema older = ProtocolFixtures.stepReplySchemaWith(fields -> fields.removeIf(field -> field.name().equals("output")));
        int id = registry.register(TOPIC + "-value", older);

        StepReply decoded = serde.deserialize(TOPIC, WireBytes.framed(id, WireBytes.plainAvro(older, asWrittenWith(older, reply))));

        StepReply expected = StepReply.newBuilder(reply).setOutput(null).build();
        assertThat(decoded).isEqualTo(expected);
    }

    @Test
    void deserializesNullToNull() {
        assertThat(serde.deserialize(TOPIC, null)).isNull();
    }

    @Test
    void serializesNullToNull() {
        assertThat(serde.serialize(TOPIC, null)).isNull();
    }

    @Test
    void rejectsAWrongMagicByte() {
        byte[] bytes = serde.serialize(TOPIC, reply);
        bytes[0] = 1;

        assertDeserializeFails(bytes, "unknown magic byte 1, expected 0");
    }

    @Test
    void rejectsAnUnknownSchemaId() {
        assertDeserializeFails(WireBytes.framed(999, WireBytes.plainAvro(reply)), "unknown writer schema id 999");
    }

    @Test
    void rejectsARecordTruncatedAtAnyByteOfItsBody() {
        byte[] bytes = serde.serialize(TOPIC, reply);

        for (int length = WireBytes.HEADER_SIZE; length < bytes.length; length++) {
            assertDeserializeFails(Arrays.copyOf(bytes, length), "cannot decode dev.sagaline.protocol.v1.StepReply",
                    "truncated or corrupt");
        }
    }

    @ParameterizedTest(name = "{0} bytes")
    @ValueSource(ints = {0, 1, 2, 3, 4})
    void rejectsARecordShorterThanTheHeader(int length) {
        assertDeserializeFails(new byte[length], "record of " + length + " bytes is shorter than the 5-byte");
    }

    @Test
    void rejectsTrailingBytesAfterTheRecord() {
        byte[] bytes = serde.serialize(TOPIC, reply);

        assertDeserializeFails(Arrays.copyOf(bytes, bytes.length + 1), "has trailing bytes");
    }

    @Test
    void rejectsARecordWrittenWithTheSchemaOfAnotherType() {
        byte[] event = SpecificAvroSerde.forValues(registry, SagaEvent.class).serialize(TOPIC, ProtocolFixtures.sagaEvent());

        assertDeserializeFails(event, "cannot decode dev.sagaline.protocol.v1.StepReply");
    }

    /** The record from issue 18: a valid header for schema id 1, then a string length prefix of 2,147,483,639 bytes and "abc". */
    static final byte[] THIRTEEN_BYTES = {0, 0, 0, 0, 1, (byte) 0xee, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0x0f, 'a', 'b', 'c'};

    @Test
    void refusesAStringLongerThanTheRecordBeforeAllocatingIt() {
        SpecificAvroSerde<StepReply> idOne = SpecificAvroSerde.forValues(new FixedIdRegistry(1), StepReply.class);
        idOne.serialize(TOPIC, reply);

        assertThatThrownBy(() -> idOne.deserialize(TOPIC, THIRTEEN_BYTES))
                .isExactlyInstanceOf(SerializationException.class)
                .hasMessageStartingWith("topic " + TOPIC + ": cannot decode dev.sagaline.protocol.v1.StepReply written with schema id 1")
                .hasMessageContaining("a string claims 2147483639 bytes but the whole record body has 8");
    }

    @Test
    void refusesBytesLongerThanTheRecordBeforeAllocatingThem() {
        reply.setOutput(Payloads.json("{}"));
        byte[] bytes = serde.serialize(TOPIC, reply);
        byte[] body = WireBytes.body(bytes);
        byte[] data = reply.getOutput().getData().array();
        // The payload data's length prefix sits right before its bytes.
        int prefix = indexOf(body, data) - 1;
        assertThat(body[prefix]).as("zig-zag length prefix of the 2-byte payload").isEqualTo((byte) 4);
        byte[] huge = new byte[body.length + 4];
        System.arraycopy(body, 0, huge, 0, prefix);
        byte[] twoGigabytes = {(byte) 0xee, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0x0f};
        System.arraycopy(twoGigabytes, 0, huge, prefix, twoGigabytes.length);
        System.arraycopy(body, prefix + 1, huge, prefix + twoGigabytes.length, body.length - prefix - 1);
        int id = ByteBuffer.wrap(bytes, 1, 4).getInt();

        assertDeserializeFails(WireBytes.framed(id, huge), "a bytes value claims 2147483639 bytes");
    }

    @Test
    void refusesAMapBlockWithMoreItemsThanTheRecordHasBytes() {
        SpecificAvroSerde<SagaRequest> requests = SpecificAvroSerde.forValues(registry, SagaRequest.class);
        SagaRequest abort = SagaRequest.newBuilder().setSagaId("s").setBody(AbortSaga.newBuilder().build()).build();
        byte[] bytes = requests.serialize("sagaline.requests", abort);
        // The metadata map is the last field: an empty map is its single 0 byte.
        byte[] body = WireBytes.body(bytes);
        assertThat(body[body.length - 1]).isZero();
        byte[] huge = Arrays.copyOf(body, body.length + 4);
        byte[] manyItems = {(byte) 0xee, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0x0f};
        System.arraycopy(manyItems, 0, huge, body.length - 1, manyItems.length);

        assertThatThrownBy(() -> requests.deserialize("sagaline.requests", WireBytes.framed(ByteBuffer.wrap(bytes, 1, 4).getInt(), huge)))
                .isExactlyInstanceOf(SerializationException.class)
                .hasMessageContaining("the map block claims 2147483639 items");
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            if (Arrays.equals(haystack, i, i + needle.length, needle, 0, needle.length)) {
                return i;
            }
        }
        throw new AssertionError("not found");
    }

    @Test
    void reportsARegistryThatRefusesTheSchema() {
        SpecificAvroSerde<StepReply> refused = SpecificAvroSerde.forValues(new RefusingRegistry(), StepReply.class);

        assertThatThrownBy(() -> refused.serialize(TOPIC, reply))
                .isExactlyInstanceOf(SerializationException.class)
                .hasMessage("topic sagaline.replies: cannot register schema dev.sagaline.protocol.v1.StepReply under subject"
                        + " 'sagaline.replies-value': incompatible with the latest version")
                .hasCauseInstanceOf(SchemaRegistryException.class);
    }

    @Test
    void reportsARecordMissingARequiredField() {
        reply.setCommandId(null);

        assertThatThrownBy(() -> serde.serialize(TOPIC, reply))
                .isExactlyInstanceOf(SerializationException.class)
                .hasMessageStartingWith("topic sagaline.replies: cannot encode dev.sagaline.protocol.v1.StepReply")
                .hasMessageContaining("commandId");
    }

    private void assertDeserializeFails(byte[] data, String... expected) {
        assertThatThrownBy(() -> serde.deserialize(TOPIC, data))
                .as("decoding %d bytes", data.length)
                .isExactlyInstanceOf(SerializationException.class)
                .hasMessageStartingWith("topic " + TOPIC + ": ")
                .hasMessageContainingAll(expected);
    }

    /** {@code record} as a generic record of {@code writer}, resolved the way Avro reads it. */
    private static GenericRecord asWrittenWith(Schema writer, SpecificRecord record) {
        try {
            return new GenericDatumReader<GenericRecord>(record.getSchema(), writer)
                    .read(null, DecoderFactory.get().binaryDecoder(WireBytes.plainAvro(record), null));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Gives every schema one id, and knows only the last schema registered. */
    private static final class FixedIdRegistry implements SchemaRegistry {
        private final int id;
        private volatile Schema schema;

        FixedIdRegistry(int id) {
            this.id = id;
        }

        @Override
        public int register(String subject, Schema schema) {
            this.schema = schema;
            return id;
        }

        @Override
        public int lookUp(String subject, Schema schema) {
            return register(subject, schema);
        }

        @Override
        public RegisteredSchema latest(String subject) {
            return new RegisteredSchema(id, schemaById(id));
        }

        @Override
        public Schema schemaById(int id) {
            if (id != this.id || schema == null) {
                throw new SchemaRegistryException("no schema with id " + id);
            }
            return schema;
        }
    }

    /** Refuses every schema, as a registry enforcing a compatibility level would refuse a breaking one. */
    private static final class RefusingRegistry implements SchemaRegistry {
        @Override
        public int register(String subject, Schema schema) {
            throw new SchemaRegistryException("incompatible with the latest version");
        }

        @Override
        public int lookUp(String subject, Schema schema) {
            throw new SchemaRegistryException("not registered under " + subject);
        }

        @Override
        public RegisteredSchema latest(String subject) {
            throw new SchemaRegistryException("nothing registered under " + subject);
        }

        @Override
        public Schema schemaById(int id) {
            throw new SchemaRegistryException("no schema with id " + id);
        }
    }
}
