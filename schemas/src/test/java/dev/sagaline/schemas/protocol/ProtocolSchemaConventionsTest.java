package dev.sagaline.schemas.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sagaline.schemas.testsupport.AvroSchemaFiles;
import dev.sagaline.schemas.testsupport.SchemaConventions;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.specific.SpecificData;
import org.junit.jupiter.api.Test;

/** Every protocol schema is documented and every enum can take symbols added later. */
class ProtocolSchemaConventionsTest {

    private static final Map<String, Schema> PROTOCOL = AvroSchemaFiles.namedTypesUnder(AvroSchemaFiles.CURRENT);

    @Test
    void everyRecordFieldAndEnumHasADoc() {
        List<String> problems = SchemaConventions.missingDocs(PROTOCOL.values());

        assertThat(problems).as("undocumented:%n%s", String.join(System.lineSeparator(), problems)).isEmpty();
    }

    @Test
    void everyEnumHasADefaultSymbol() {
        List<String> problems = SchemaConventions.enumsWithoutDefault(PROTOCOL.values());

        assertThat(problems).as("no default:%n%s", String.join(System.lineSeparator(), problems)).isEmpty();
    }

    @Test
    void schemaFilesDefineEveryProtocolTypeIncludingNestedOnes() {
        assertThat(PROTOCOL).containsKeys(
                "dev.sagaline.protocol.v1.SagaRequest", "dev.sagaline.protocol.v1.StartSaga",
                "dev.sagaline.protocol.v1.AbortSaga", "dev.sagaline.protocol.v1.RetrySaga",
                "dev.sagaline.protocol.v1.SagaState", "dev.sagaline.protocol.v1.StepState",
                "dev.sagaline.protocol.v1.Payload", "dev.sagaline.protocol.v1.PayloadEncoding",
                "dev.sagaline.protocol.v1.SagaEventKind");
    }

    @Test
    void schemaFilesDescribeTheSameTypesAsTheGeneratedClasses() {
        PROTOCOL.forEach((name, schema) -> {
            Class<?> generated = SpecificData.get().getClass(schema);
            assertThat(generated).as("generated class of %s", name).isNotNull();
            assertThat(SchemaNormalization.toParsingForm(SpecificData.get().getSchema(generated)))
                    .as(name).isEqualTo(SchemaNormalization.toParsingForm(schema));
        });
    }

    @Test
    void docCheckNamesTheUndocumentedRecordFieldAndEnum() {
        Schema undocumented = new Schema.Parser().parse("{\"type\": \"record\", \"name\": \"Thing\", \"namespace\": \"x\","
                + " \"fields\": [{\"name\": \"id\", \"type\": \"string\", \"doc\": \"The id.\"},"
                + " {\"name\": \"colour\", \"type\": {\"type\": \"enum\", \"name\": \"Colour\", \"symbols\": [\"RED\"]}, \"doc\": \" \"}]}");

        assertThat(SchemaConventions.missingDocs(AvroSchemaFiles.namedTypes(List.of(undocumented)).values()))
                .containsExactlyInAnyOrder("record x.Thing has no doc", "field x.Thing.colour has no doc", "enum x.Colour has no doc");
    }

    @Test
    void defaultCheckNamesTheEnumWithoutDefault() {
        Schema colour = new Schema.Parser().parse("{\"type\": \"enum\", \"name\": \"Colour\", \"namespace\": \"x\","
                + " \"doc\": \"A colour.\", \"symbols\": [\"RED\"]}");

        assertThat(SchemaConventions.enumsWithoutDefault(List.of(colour))).singleElement().asString()
                .startsWith("enum x.Colour has no default symbol");
    }
}
