package dev.sagaline.orchestrator.internals.yaml;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.deser.std.StdDeserializer;
import java.io.IOException;
import java.util.Map;

/**
 * A step's {@code input} as written: a word ({@code saga}) or a mapping with {@code step} or
 * {@code fields}. Which word is allowed, and whether the mapping names exactly one source, is
 * checked when the definition is built, so the message can name the saga and the step.
 *
 * @param shorthand the word when the input was written as one, else null
 * @param step the step whose output is passed on, else null
 * @param fields target field to source ({@code saga.x} or {@code <step>.x}), in document order, else null
 */
@JsonDeserialize(using = InputEntry.Reader.class)
record InputEntry(String shorthand, String step, Map<String, String> fields) {

    /** The mapping form, read by Jackson so that unknown keys are reported with their line. */
    record Mapping(@JsonProperty("step") String step, @JsonProperty("fields") Map<String, String> fields) {
    }

    /** Reads a word or a {@link Mapping}. */
    static final class Reader extends StdDeserializer<InputEntry> {

        private static final long serialVersionUID = 1L;

        Reader() {
            super(InputEntry.class);
        }

        @Override
        public InputEntry deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
            if (p.currentToken() == JsonToken.VALUE_STRING) {
                return new InputEntry(p.getText(), null, null);
            }
            if (p.currentToken() == JsonToken.START_OBJECT) {
                Mapping mapping = ctxt.readValue(p, Mapping.class);
                return new InputEntry(null, mapping.step(), mapping.fields());
            }
            return (InputEntry) ctxt.handleUnexpectedToken(InputEntry.class, p);
        }
    }
}
