package dev.sagaline.schemas.compat;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sagaline.schemas.testsupport.AvroSchemaFiles;
import dev.sagaline.schemas.testsupport.WireBytes;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The current protocol keeps the evolution promise made by the last release (src/compat/released). */
class ProtocolCompatibilityTest {

    private static final Map<String, Schema> RELEASED = AvroSchemaFiles.namedTypesUnder(AvroSchemaFiles.RELEASED);
    private static final Map<String, Schema> CURRENT = AvroSchemaFiles.namedTypesUnder(AvroSchemaFiles.CURRENT);

    @Test
    void currentProtocolIsBackwardAndForwardCompatibleWithTheReleasedOne() {
        List<String> problems = CompatibilityCheck.problems(RELEASED, CURRENT);

        assertThat(problems)
                .as("the protocol must stay compatible with release 0.1.0 (src/compat/released); problems:%n%s",
                        String.join(System.lineSeparator(), problems))
                .isEmpty();
    }

    @Test
    void releasedBaselineHoldsEveryProtocolType() {
        assertThat(RELEASED).containsKeys(
                "dev.sagaline.protocol.v1.SagaRequest", "dev.sagaline.protocol.v1.StartSaga",
                "dev.sagaline.protocol.v1.StepCommand", "dev.sagaline.protocol.v1.StepReply",
                "dev.sagaline.protocol.v1.SagaEvent", "dev.sagaline.protocol.v1.SagaState",
                "dev.sagaline.protocol.v1.StepState", "dev.sagaline.protocol.v1.Payload",
                "dev.sagaline.protocol.v1.StepOutcome", "dev.sagaline.protocol.v1.SagaStatus");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.sagaline.schemas.testsupport.ProtocolFixtures#everyRecord")
    void releasedReaderDecodesARecordWrittenWithTheCurrentSchema(SpecificRecord record) throws IOException {
        Schema current = record.getSchema();
        Schema released = RELEASED.get(current.getFullName());

        Object decoded = new GenericDatumReader<>(current, released)
                .read(null, DecoderFactory.get().binaryDecoder(WireBytes.plainAvro(record), null));

        assertThat(GenericData.get().validate(released, decoded)).as("decoded %s is valid", current.getName()).isTrue();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.sagaline.schemas.testsupport.ProtocolFixtures#everyRecord")
    void currentReaderDecodesARecordWrittenWithTheReleasedSchema(SpecificRecord record) throws IOException {
        Schema current = record.getSchema();
        Schema released = RELEASED.get(current.getFullName());
        Object asReleased = new GenericDatumReader<>(current, released)
                .read(null, DecoderFactory.get().binaryDecoder(WireBytes.plainAvro(record), null));

        SpecificRecord decoded = new SpecificDatumReader<SpecificRecord>(released, current)
                .read(null, DecoderFactory.get().binaryDecoder(WireBytes.plainAvro(released, asReleased), null));

        assertThat(decoded).isInstanceOf(record.getClass());
        assertThat(decoded.get(0)).as("first field, %s", current.getFields().get(0).name()).isEqualTo(record.get(0));
    }
}
