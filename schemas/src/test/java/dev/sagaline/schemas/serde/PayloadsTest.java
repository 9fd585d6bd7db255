package dev.sagaline.schemas.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sagaline.protocol.v1.Payload;
import dev.sagaline.protocol.v1.PayloadEncoding;
import dev.sagaline.protocol.v1.StepCommand;
import dev.sagaline.schemas.registry.InMemorySchemaRegistry;
import dev.sagaline.schemas.testsupport.ProtocolFixtures;
import dev.sagaline.testdomain.ReserveStock;
import java.io.IOException;
import java.nio.ByteBuffer;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

/** Domain records travel inside protocol Payloads and come back out, or fail clearly. */
class PayloadsTest {

    private static final String RESERVE_STOCK = "dev.sagaline.testdomain.ReserveStock";

    private final InMemorySchemaRegistry registry = new InMemorySchemaRegistry();
    private final Payloads withRegistry = Payloads.withRegistry(registry);
    private final Payloads plainAvro = Payloads.plainAvro();
    private final ReserveStock reserveStock = new ReserveStock("order-42", "SKU-1", 2, "berlin-1");

    @Test
    void registryPayloadRoundTrips() {
        Payload payload = withRegistry.encode(reserveStock);

        assertThat(payload.getEncoding()).isEqualTo(PayloadEncoding.AVRO_REGISTRY);
        assertThat(payload.getSchemaName()).isEqualTo(RESERVE_STOCK);
        assertThat(withRegistry.decode(payload, ReserveStock.class)).isEqualTo(reserveStock);
    }

    @Test
    void registryPayloadRegistersUnderTheRecordName() {
        Payload payload = withRegistry.encode(reserveStock);

        int idInHeader = payload.getData().getInt(1);
        assertThat(registry.versions(RESERVE_STOCK)).containsExactly(idInHeader);
        assertThat(registry.schemaById(idInHeader).getFullName()).isEqualTo(RESERVE_STOCK);
    }

    @Test
    void plainAvroPayloadRoundTrips() {
        Payload payload = plainAvro.encode(reserveStock);

        assertThat(payload.getEncoding()).isEqualTo(PayloadEncoding.AVRO_BINARY);
        assertThat(payload.getSchemaName()).isEqualTo(RESERVE_STOCK);
        assertThat(plainAvro.decode(payload, ReserveStock.class)).isEqualTo(reserveStock);
    }

    @Test
    void plainAvroPayloadHoldsAvroBinaryWithoutHeader() throws IOException {
        Payload payload = plainAvro.encode(reserveStock);
        byte[] data = new byte[payload.getData().remaining()];
        payload.getData().duplicate().get(data);

        ReserveStock decoded = new SpecificDatumReader<>(ReserveStock.class)
                .read(null, DecoderFactory.get().binaryDecoder(data, null));

        assertThat(decoded).isEqualTo(reserveStock);
    }

    @Test
    void payloadSurvivesTheTripInsideAProtocolRecord() {
        StepCommand command = ProtocolFixtures.stepCommand();
        command.setInput(withRegistry.encode(reserveStock));
        SpecificAvroSerde<StepCommand> serde = SpecificAvroSerde.forValues(registry, StepCommand.class);

        StepCommand received = serde.deserialize("commands", serde.serialize("commands", command));

        assertThat(withRegistry.decode(received.getInput(), ReserveStock.class)).isEqualTo(reserveStock);
    }

    @Test
    void jsonPayloadHoldsTheTextAsUtf8() {
        Payload payload = Payloads.json("{\"city\":\"Zürich\"}");

        assertThat(payload.getEncoding()).isEqualTo(PayloadEncoding.JSON);
        assertThat(payload.getSchemaName()).isEqualTo("application/json");
        assertThat(payload.getData().remaining()).isEqualTo("{\"city\":\"Zürich\"}".length() + 1);
        assertThat(Payloads.jsonText(payload)).isEqualTo("{\"city\":\"Zürich\"}");
    }

    @Test
    void jsonTextCanBeReadAgain() {
        Payload payload = Payloads.json("[1,2]");
        Payloads.jsonText(payload);

        assertThat(Payloads.jsonText(payload)).isEqualTo("[1,2]");
    }

    @Test
    void jsonTextOfAnAvroPayloadFailsClearly() {
        Payload payload = plainAvro.encode(reserveStock);

        assertThatThrownBy(() -> Payloads.jsonText(payload))
                .isExactlyInstanceOf(SerializationException.class)
                .hasMessage("payload " + RESERVE_STOCK + " is encoded as AVRO_BINARY, not JSON");
    }

    @Test
    void jsonTextOfANullPayloadFailsClearly() {
        assertThatThrownBy(() -> Payloads.jsonText(null))
                .isExactlyInstanceOf(SerializationException.class)
                .hasMessage("expected a JSON payload but there is none");
    }

    @Test
    void decodingAJsonPayloadAsAvroFailsClearly() {
        Payload json = Payloads.json("{\"sku\":\"SKU-1\"}");

        assertThatThrownBy(() -> withRegistry.decode(json, ReserveStock.class))
                .isExactlyInstanceOf(SerializationException.class)
                .hasMessage("payload application/json is encoded as JSON, not Avro; cannot decode it into " + RESERVE_STOCK);
    }

    @Test
    void decodingANullPayloadFailsClearly() {
        assertThatThrownBy(() -> withRegistry.decode(null, ReserveStock.class))
                .isExactlyInstanceOf(SerializationException.class)
                .hasMessage("expected a payload of " + RESERVE_STOCK + " but there is none");
    }

    @Test
    void decodingARegistryPayloadWithoutARegistryFailsClearly() {
        Payload payload = withRegistry.encode(reserveStock);

        assertThatThrownBy(() -> plainAvro.decode(payload, ReserveStock.class))
                .isExactlyInstanceOf(SerializationException.class)
                .hasMessage("payload " + RESERVE_STOCK + " is in the Schema Registry format but no registry is configured");
    }

    @Test
    void decodingATruncatedPlainAvroPayloadFailsClearly() {
        Payload payload = plainAvro.encode(reserveStock);
        payload.getData().limit(payload.getData().limit() - 1);

        assertThatThrownBy(() -> plainAvro.decode(payload, ReserveStock.class))
                .isExactlyInstanceOf(SerializationException.class)
                .hasMessageStartingWith("cannot decode payload written as " + RESERVE_STOCK + " into " + RESERVE_STOCK);
    }

    @Test
    void decodingAPlainAvroPayloadWithTrailingBytesFailsClearly() {
        Payload payload = plainAvro.encode(reserveStock);
        ByteBuffer longer = ByteBuffer.allocate(payload.getData().remaining() + 1).put(payload.getData().duplicate());
        payload.setData(longer.rewind());

        assertThatThrownBy(() -> plainAvro.decode(payload, ReserveStock.class))
                .isExactlyInstanceOf(SerializationException.class)
                .hasMessageStartingWith("payload written as " + RESERVE_STOCK + " has trailing bytes");
    }
}
