package dev.sagaline.schemas.serde;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sagaline.protocol.v1.StepReply;
import dev.sagaline.schemas.registry.InMemorySchemaRegistry;
import dev.sagaline.schemas.testsupport.ProtocolFixtures;
import java.nio.ByteBuffer;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

/** The size checks' two measures: the encoded body's exact size, and a bound never below it. */
class EncodedSizeTest {

    private final ProtocolSerdes serdes = new ProtocolSerdes(new InMemorySchemaRegistry());

    @ParameterizedTest
    @MethodSource("dev.sagaline.schemas.testsupport.ProtocolFixtures#everyRecord")
    void measuresTheBodyTheWireFormatCarriesAndBoundsItFromAbove(SpecificRecord record) {
        byte[] wire = serdeFor(record).serializer().serialize("topic", record);

        assertThat(EncodedSize.of(record)).isEqualTo(wire.length - EncodedSize.WIRE_HEADER);
        assertThat(EncodedSize.atMost(record)).isGreaterThanOrEqualTo(EncodedSize.of(record));
    }

    @SuppressWarnings("unchecked")
    private <T extends SpecificRecord> SpecificAvroSerde<T> serdeFor(T record) {
        return SpecificAvroSerde.forValues(serdes.registry(), (Class<T>) record.getClass());
    }

    @Test
    void boundsAStringOfCharactersThatTakeThreeBytesEach() {
        StepReply reply = ProtocolFixtures.stepReply();
        reply.setErrorMessage("\u20ac".repeat(10_000));
        reply.getOutput().setData(ByteBuffer.wrap(new byte[50_000]));

        assertThat(EncodedSize.atMost(reply)).isGreaterThanOrEqualTo(EncodedSize.of(reply)).isGreaterThan(80_000);
    }
}
