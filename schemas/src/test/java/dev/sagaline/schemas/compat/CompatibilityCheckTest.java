package dev.sagaline.schemas.compat;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sagaline.schemas.testsupport.AvroSchemaFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.apache.avro.Schema;
import org.junit.jupiter.api.Test;

/**
 * {@link CompatibilityCheck} catches incompatible changes and lets compatible ones through. Each
 * test edits a copy of one released type and checks the released protocol against the result.
 */
class CompatibilityCheckTest {

    private static final String STEP_REPLY = "dev.sagaline.protocol.v1.StepReply";
    private static final String STEP_OUTCOME = "dev.sagaline.protocol.v1.StepOutcome";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Map<String, Schema> released = AvroSchemaFiles.namedTypesUnder(AvroSchemaFiles.RELEASED);

    @Test
    void acceptsAnUnchangedProtocol() {
        assertThat(CompatibilityCheck.problems(released, released)).isEmpty();
    }

    @Test
    void reportsAFieldAddedWithoutADefaultAsBackwardIncompatible() {
        Map<String, Schema> current = releasedWith(STEP_REPLY,
                record -> fields(record).addObject().put("name", "traceId").put("type", "string"));

        assertThat(CompatibilityCheck.problems(released, current)).singleElement().asString()
                .startsWith(STEP_REPLY + " is not BACKWARD compatible (the current schema cannot read data written with the released one)")
                .contains("READER_FIELD_MISSING_DEFAULT_VALUE", "traceId");
    }

    @Test
    void reportsARemovedFieldWithoutADefaultAsForwardIncompatible() {
        Map<String, Schema> current = releasedWith(STEP_REPLY, record -> removeField(record, "step"));

        assertThat(CompatibilityCheck.problems(released, current)).singleElement().asString()
                .startsWith(STEP_REPLY + " is not FORWARD compatible (the released schema cannot read data written with the current one)")
                .contains("READER_FIELD_MISSING_DEFAULT_VALUE", "step");
    }

    @Test
    void reportsAChangedFieldTypeInBothDirections() {
        Map<String, Schema> current = releasedWith(STEP_REPLY, record -> field(record, "attempt").put("type", "string"));

        assertThat(CompatibilityCheck.problems(released, current)).satisfiesExactly(
                backward -> assertThat(backward).startsWith(STEP_REPLY + " is not BACKWARD compatible")
                        .contains("TYPE_MISMATCH", "/fields/4/type"),
                forward -> assertThat(forward).startsWith(STEP_REPLY + " is not FORWARD compatible")
                        .contains("TYPE_MISMATCH", "/fields/4/type"));
    }

    @Test
    void reportsARemovedEnumSymbolEvenThoughTheDefaultWouldHideIt() {
        Map<String, Schema> current = releasedWith(STEP_OUTCOME, outcome -> removeSymbol(outcome, "RETRYABLE_ERROR"));

        assertThat(CompatibilityCheck.problems(released, current)).singleElement().asString()
                .startsWith(STEP_OUTCOME + " is not BACKWARD compatible")
                .contains("[RETRYABLE_ERROR] were removed", "would read as UNKNOWN");
    }

    @Test
    void reportsANewEnumSymbolWhenTheReleasedEnumHadNoDefault() {
        Map<String, Schema> releasedWithoutDefault = releasedWith(STEP_OUTCOME, outcome -> outcome.remove("default"));
        Map<String, Schema> current = edited(releasedWithoutDefault, STEP_OUTCOME,
                outcome -> ((ArrayNode) outcome.get("symbols")).add("TIMED_OUT"));

        assertThat(CompatibilityCheck.problems(releasedWithoutDefault, current)).singleElement().asString()
                .startsWith(STEP_OUTCOME + " is not FORWARD compatible")
                .contains("MISSING_ENUM_SYMBOLS", "TIMED_OUT");
    }

    @Test
    void reportsARemovedType() {
        Map<String, Schema> current = new TreeMap<>(released);
        current.remove(STEP_REPLY);

        assertThat(CompatibilityCheck.problems(released, current))
                .containsExactly(STEP_REPLY + ": released, but no longer defined; a released type is never removed or renamed");
    }

    @Test
    void acceptsAFieldAddedWithADefault() {
        Map<String, Schema> current = releasedWith(STEP_REPLY, record -> {
            ObjectNode traceId = fields(record).addObject().put("name", "traceId");
            traceId.putArray("type").add("null").add("string");
            traceId.putNull("default");
        });

        assertThat(CompatibilityCheck.problems(released, current)).isEmpty();
    }

    @Test
    void acceptsARemovedFieldThatHadADefault() {
        Map<String, Schema> current = releasedWith(STEP_REPLY, record -> removeField(record, "errorMessage"));

        assertThat(CompatibilityCheck.problems(released, current)).isEmpty();
    }

    @Test
    void acceptsANewEnumSymbolWhenTheEnumHasADefault() {
        Map<String, Schema> current = releasedWith(STEP_OUTCOME,
                outcome -> ((ArrayNode) outcome.get("symbols")).add("TIMED_OUT"));

        assertThat(CompatibilityCheck.problems(released, current)).isEmpty();
    }

    private Map<String, Schema> releasedWith(String name, Consumer<ObjectNode> change) {
        return edited(released, name, change);
    }

    /** A copy of {@code types} where the type {@code name} is replaced by an edited copy of its JSON. */
    private static Map<String, Schema> edited(Map<String, Schema> types, String name, Consumer<ObjectNode> change) {
        ObjectNode json;
        try {
            json = (ObjectNode) JSON.readTree(types.get(name).toString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        change.accept(json);
        Map<String, Schema> copy = new TreeMap<>(types);
        copy.put(name, new Schema.Parser().parse(json.toString()));
        return copy;
    }

    private static ArrayNode fields(ObjectNode record) {
        return (ArrayNode) record.get("fields");
    }

    private static ObjectNode field(ObjectNode record, String name) {
        for (JsonNode field : fields(record)) {
            if (name.equals(field.get("name").asText())) {
                return (ObjectNode) field;
            }
        }
        throw new IllegalArgumentException("no field " + name + " in " + record.get("name"));
    }

    private static void removeField(ObjectNode record, String name) {
        removeFirst(fields(record), node -> name.equals(node.get("name").asText()), name);
    }

    private static void removeSymbol(ObjectNode enumSchema, String symbol) {
        removeFirst((ArrayNode) enumSchema.get("symbols"), node -> symbol.equals(node.asText()), symbol);
    }

    private static void removeFirst(ArrayNode nodes, Predicate<JsonNode> match, String what) {
        for (int i = 0; i < nodes.size(); i++) {
            if (match.test(nodes.get(i))) {
                nodes.remove(i);
                return;
            }
        }
        throw new IllegalArgumentException("nothing named " + what + " to remove");
    }
}
