package dev.sagaline.orchestrator.internals.yaml;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sagaline.orchestrator.definition.StepInput;
import dev.sagaline.protocol.v1.Payload;
import dev.sagaline.protocol.v1.PayloadEncoding;
import dev.sagaline.schemas.serde.Payloads;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * A step input that builds a JSON object from top-level fields of the saga's input and of earlier
 * steps' outputs, for {@code input: { fields: ... }} in a definition file.
 *
 * <p>The result has the fields in declaration order. A field whose source has no payload, a payload
 * not encoded as JSON, JSON that does not parse or is not an object, or an object without that
 * field, is JSON {@code null}: the command still goes out and the participant decides, since
 * failing here would stop the orchestrator on one saga's data. Numbers are copied as written
 * ({@code 19.90} stays {@code 19.90}), so the same sources always give the same bytes.
 */
final class JsonFieldsInput implements StepInput {

    private static final JsonMapper JSON = JsonMapper.builder()
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .disable(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES)
            .build();

    private final List<Field> fields;

    JsonFieldsInput(List<Field> fields) {
        this.fields = List.copyOf(fields);
    }

    /**
     * One field of the built object.
     *
     * @param name the field's name in the built object
     * @param step the step whose output holds the value, or null for the saga's input
     * @param sourceField the top-level field of that payload
     */
    record Field(String name, String step, String sourceField) {

        Field {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(sourceField, "sourceField");
        }

        @Override
        public String toString() {
            return name + ": " + (step == null ? "saga" : step) + "." + sourceField;
        }
    }

    @Override
    public Payload build(Saga saga) {
        JsonNode sagaInput = null;
        Map<String, JsonNode> outputs = new HashMap<>();
        ObjectNode built = JSON.createObjectNode();
        for (Field field : fields) {
            JsonNode source;
            if (field.step() == null) {
                if (sagaInput == null) {
                    sagaInput = parse(saga.input().orElse(null));
                }
                source = sagaInput;
            } else {
                source = outputs.computeIfAbsent(field.step(), step -> parse(saga.output(step).orElse(null)));
            }
            JsonNode value = source.isObject() ? source.get(field.sourceField()) : null;
            built.set(field.name(), value == null ? NullNode.getInstance() : value.deepCopy());
        }
        try {
            return Payloads.json(JSON.writeValueAsString(built));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write the JSON input " + built, e);
        }
    }

    private static JsonNode parse(Payload payload) {
        if (payload == null || payload.getEncoding() != PayloadEncoding.JSON) {
            return MissingNode.getInstance();
        }
        try {
            return JSON.readTree(Payloads.jsonText(payload));
        } catch (JsonProcessingException e) {
            return MissingNode.getInstance();
        }
    }

    @Override
    public String toString() {
        return fields.stream().map(Field::toString).collect(Collectors.joining(", ", "json fields {", "}"));
    }
}
