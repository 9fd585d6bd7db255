package dev.sagaline.orchestrator.internals.yaml;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.sagaline.orchestrator.definition.SagaDefinition;
import dev.sagaline.orchestrator.definition.StepInput;
import dev.sagaline.orchestrator.errors.InvalidSagaDefinitionException;
import dev.sagaline.schemas.retry.RetryPolicy;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Reads one saga definition from YAML text: Jackson binds the text to the file model (so unknown
 * keys, duplicate keys and wrong value types are refused with their line), then the model is
 * declared through {@link SagaDefinition#named(String)}'s builder, whose rules check the result.
 * The format is described on {@code dev.sagaline.orchestrator.definition.SagaDefinitionLoader}.
 *
 * <p>Every problem is an {@link InvalidSagaDefinitionException} whose one-line message starts with
 * the file name and names the saga, the step and the key.
 */
public final class YamlSagaReader {

    private static final YAMLMapper YAML = YAMLMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    /** Reads a refused file again for the names and lines of its error message, even with repeated keys. */
    private static final YAMLMapper LENIENT = new YAMLMapper();

    private static final String KINDS = "compensatable, tcc, pivot, retriable";
    private static final String UNLIMITED = "unlimited";
    private static final String SAGA_PREFIX = "saga.";
    private static final String INPUT_FORMS = "write input: saga, input: { step: <earlier step> }"
            + " or input: { fields: { <name>: saga.<field> or <earlier step>.<field> } }";

    private YamlSagaReader() {
    }

    /**
     * The definition {@code yaml} declares.
     *
     * @param source the file name, put at the start of every error message
     * @throws InvalidSagaDefinitionException when the text is not a valid definition
     */
    public static SagaDefinition read(String yaml, String source) {
        if (yaml.isBlank()) {
            throw new InvalidSagaDefinitionException(source + ": the file is empty; it should hold one saga definition");
        }
        SagaDocument document;
        try {
            document = YAML.readValue(yaml, SagaDocument.class);
        } catch (JsonProcessingException e) {
            throw new InvalidSagaDefinitionException(
                    YamlProblems.describe(e, source, pointer -> keyLocation(yaml, pointer), () -> treeOrNull(yaml)), e);
        }
        if (document == null) {
            throw new InvalidSagaDefinitionException(source + ": the file is empty; it should hold one saga definition");
        }
        return new Declaration(document, source).build();
    }

    /** The file as a tree, tolerating repeated keys, for the names in error messages; null when it does not parse. */
    private static JsonNode treeOrNull(String yaml) {
        try {
            return LENIENT.readTree(yaml);
        } catch (JsonProcessingException e) {
            return null;
        }
    }

    /**
     * Where the key at {@code pointer} is written, or null. Jackson reports keys unknown to a record
     * only once the whole mapping is read, at its end, so the key is looked up again here.
     */
    private static JsonLocation keyLocation(String yaml, String pointer) {
        try (JsonParser parser = LENIENT.createParser(yaml)) {
            for (JsonToken token = parser.nextToken(); token != null; token = parser.nextToken()) {
                if (token == JsonToken.FIELD_NAME && parser.getParsingContext().pathAsPointer().toString().equals(pointer)) {
                    return parser.currentTokenLocation();
                }
            }
            return null;
        } catch (IOException e) {
            return null;
        }
    }

    /** Declares one document through the builder, checking what only the file format can get wrong. */
    private static final class Declaration {
        private final SagaDocument document;
        private final String source;
        private final String saga;
        private final Map<String, Integer> stageOfStep = new LinkedHashMap<>();
        private final Map<String, String> groupOfStep = new LinkedHashMap<>();

        Declaration(SagaDocument document, String source) {
            this.document = document;
            this.source = source;
            this.saga = "saga '" + document.saga() + "'";
        }

        SagaDefinition build() {
            if (isBlank(document.saga())) {
                throw invalid("the file has no saga name; add 'saga: <type name>' at the top");
            }
            if (document.steps() == null || document.steps().isEmpty()) {
                throw invalid(saga + " has no steps; add a 'steps:' list with at least one step");
            }
            indexSteps();
            SagaDefinition.Builder builder = SagaDefinition.named(document.saga()).source(source);
            if (document.version() != null) {
                builder.version(document.version());
            }
            if (document.deadline() != null) {
                builder.deadline(duration(document.deadline(), saga + " deadline"));
            }
            List<StageEntry> stages = document.steps();
            for (int stage = 0; stage < stages.size(); stage++) {
                StageEntry entry = stages.get(stage);
                int index = stage;
                if (entry.isGroup()) {
                    builder.parallel(entry.parallel(), group -> entry.steps()
                            .forEach(member -> declare(group.step(member.name()), member, index)));
                } else {
                    declare(builder.step(entry.name()), entry.asStep(), index);
                }
            }
            return builder.build();
        }

        /** Checks each entry's shape and notes the stage of every step, so inputs can be checked against later ones. */
        private void indexSteps() {
            List<StageEntry> stages = document.steps();
            for (int stage = 0; stage < stages.size(); stage++) {
                StageEntry entry = stages.get(stage);
                String entryName = "entry " + (stage + 1) + " of steps";
                if (entry == null) {
                    throw invalid(saga + " " + entryName + " is empty; give it a step (name: ...) or a group (parallel: ...)");
                }
                if (!entry.isGroup()) {
                    if (isBlank(entry.name())) {
                        throw invalid(saga + " " + entryName + " has no name; give every step 'name: <step name>'");
                    }
                    stageOfStep.putIfAbsent(entry.name(), stage);
                    continue;
                }
                if (isBlank(entry.parallel())) {
                    throw invalid(saga + " " + entryName + " has 'steps' but no group name; a parallel group starts with 'parallel: <group name>'");
                }
                String group = saga + " parallel group '" + entry.parallel() + "'";
                if (!entry.stepKeysPresent().isEmpty()) {
                    throw invalid(group + " also has the step keys " + entry.stepKeysPresent()
                            + "; a group holds only 'parallel' and 'steps', and its members hold the step keys");
                }
                if (entry.steps() == null || entry.steps().isEmpty()) {
                    throw invalid(group + " has no steps; list its members under 'steps:'");
                }
                for (int m = 0; m < entry.steps().size(); m++) {
                    StepEntry member = entry.steps().get(m);
                    if (member == null || isBlank(member.name())) {
                        throw invalid(group + " member " + (m + 1) + " has no name; give every step 'name: <step name>'");
                    }
                    stageOfStep.putIfAbsent(member.name(), stage);
                    groupOfStep.putIfAbsent(member.name(), entry.parallel());
                }
            }
        }

        private void declare(SagaDefinition.StepBuilder step, StepEntry entry, int stage) {
            String where = saga + " step '" + entry.name() + "'";
            if (isBlank(entry.topic())) {
                throw invalid(where + " has no topic; add 'topic: <command topic>'");
            }
            step.on(entry.topic());
            if (entry.kind() != null) {
                kind(step, entry.kind(), where);
            }
            if (entry.timeout() != null) {
                step.timeout(duration(entry.timeout(), where + " timeout"));
            }
            if (entry.retry() != null) {
                step.retry(retry(entry.retry(), where + " retry"));
            }
            if (entry.undoRetry() != null) {
                step.undoRetry(retry(entry.undoRetry(), where + " undoRetry"));
            }
            if (entry.input() != null) {
                step.input(input(entry.input(), entry.name(), where, stage));
            }
        }

        private void kind(SagaDefinition.StepBuilder step, String kind, String where) {
            switch (kind.strip().toLowerCase(Locale.ROOT)) {
                case "compensatable" -> step.compensatable();
                case "tcc" -> step.tcc();
                case "pivot" -> step.pivot();
                case "retriable" -> step.retriable();
                default -> throw invalid(where + " has unknown kind '" + kind + "'; use one of " + KINDS);
            }
        }

        private Duration duration(String text, String what) {
            return Durations.parse(text).orElseThrow(() -> invalid(what + " '" + text + "' is not a duration; write "
                    + Durations.FORMATS));
        }

        private RetryPolicy retry(RetryEntry entry, String what) {
            if (isBlank(entry.maxAttempts())) {
                throw invalid(what + " has no maxAttempts; give a number or '" + UNLIMITED
                        + "' (leave the whole block out for the orchestrator's configured default)");
            }
            int maxAttempts = maxAttempts(entry.maxAttempts(), what);
            RetryPolicy defaults = RetryPolicy.attempts(1);
            try {
                return new RetryPolicy(maxAttempts,
                        entry.backoff() == null ? defaults.initialBackoff() : duration(entry.backoff(), what + " backoff"),
                        entry.multiplier() == null ? defaults.multiplier() : entry.multiplier(),
                        entry.maxBackoff() == null ? defaults.maxBackoff() : duration(entry.maxBackoff(), what + " maxBackoff"),
                        entry.jitter() == null ? defaults.jitter() : entry.jitter());
            } catch (IllegalArgumentException e) {
                throw invalid(what + ": " + e.getMessage());
            }
        }

        private int maxAttempts(String text, String what) {
            String value = text.strip();
            if (UNLIMITED.equalsIgnoreCase(value)) {
                return RetryPolicy.UNLIMITED;
            }
            try {
                return Integer.parseInt(value);
            } catch (NumberFormatException e) {
                throw invalid(what + " maxAttempts '" + text + "' is not a whole number or '" + UNLIMITED + "'");
            }
        }

        private StepInput input(InputEntry entry, String stepName, String where, int stage) {
            if (entry.shorthand() != null) {
                if ("saga".equals(entry.shorthand().strip())) {
                    return StepInput.sagaInput();
                }
                throw invalid(where + " has input '" + entry.shorthand() + "'; " + INPUT_FORMS);
            }
            if (entry.step() != null && entry.fields() != null) {
                throw invalid(where + " input has both 'step' and 'fields'; use one of them");
            }
            if (entry.step() != null) {
                checkEarlier(entry.step(), stepName, where + " input", stage);
                return StepInput.outputOf(entry.step());
            }
            if (entry.fields() == null || entry.fields().isEmpty()) {
                throw invalid(where + " input names no source; " + INPUT_FORMS);
            }
            List<JsonFieldsInput.Field> fields = new ArrayList<>();
            entry.fields().forEach((name, reference) -> fields.add(field(name, reference, stepName, where, stage)));
            return new JsonFieldsInput(fields);
        }

        private JsonFieldsInput.Field field(String name, String reference, String stepName, String where, int stage) {
            String what = where + " input field '" + name + "'";
            if (isBlank(reference)) {
                throw invalid(what + " has no source; write saga.<field> or <earlier step>.<field>");
            }
            String ref = reference.strip();
            String step = null;
            String sourceField;
            if (ref.startsWith(SAGA_PREFIX)) {
                sourceField = ref.substring(SAGA_PREFIX.length());
            } else {
                step = stageOfStep.keySet().stream()
                        .filter(s -> ref.startsWith(s + "."))
                        .reduce((a, b) -> a.length() >= b.length() ? a : b)
                        .orElseThrow(() -> invalid(what + " refers to '" + ref + "', but the saga has no step named '"
                                + (ref.contains(".") ? ref.substring(0, ref.indexOf('.')) : ref)
                                + "'; write saga.<field> or <earlier step>.<field> (steps: " + String.join(", ", stageOfStep.keySet()) + ")"));
                checkEarlier(step, stepName, what, stage);
                sourceField = ref.substring(step.length() + 1);
            }
            if (sourceField.isBlank()) {
                throw invalid(what + " refers to '" + ref + "', which names no field; write saga.<field> or <earlier step>.<field>");
            }
            return new JsonFieldsInput.Field(name, step, sourceField);
        }

        /** Refuses a reference to a step that has no output yet when {@code stepName} (in {@code stage}) runs. */
        private void checkEarlier(String referenced, String stepName, String what, int stage) {
            Integer referencedStage = stageOfStep.get(referenced);
            if (referencedStage == null) {
                throw invalid(what + " refers to unknown step '" + referenced + "'; the saga's steps are "
                        + String.join(", ", stageOfStep.keySet()));
            }
            if (referenced.equals(stepName)) {
                throw invalid(what + " refers to step '" + referenced + "' itself; a step can only use the output of steps before it");
            }
            if (referencedStage == stage) {
                throw invalid(what + " refers to step '" + referenced + "' of the same parallel group '" + groupOfStep.get(referenced)
                        + "', which runs at the same time; a step can only use the output of steps before it");
            }
            if (referencedStage > stage) {
                throw invalid(what + " refers to step '" + referenced + "', which comes later; a step can only use the output of steps before it");
            }
        }

        private InvalidSagaDefinitionException invalid(String message) {
            return new InvalidSagaDefinitionException(source + ": " + message);
        }

        private static boolean isBlank(String text) {
            return text == null || text.isBlank();
        }
    }
}
