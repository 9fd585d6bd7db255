package dev.sagaline.orchestrator.definition;

import dev.sagaline.orchestrator.errors.InvalidSagaDefinitionException;
import dev.sagaline.orchestrator.internals.yaml.YamlSagaReader;
import dev.sagaline.schemas.retry.RetryPolicy;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Stream;

/**
 * Loads saga definitions from YAML files, so that a deployment declares its sagas without Java
 * code. Each file holds one definition; it is declared through {@link SagaDefinition#named(String)}'s
 * builder, so a loaded definition obeys the same rules as one written in Java.
 *
 * <pre>{@code
 * saga: order                 # the saga type (required)
 * version: 2                  # 1 when left out
 * deadline: 5m                # optional overall deadline from the saga's start
 * steps:                      # stages in forward order (at least one)
 *   - name: reserve-stock     # unique within the saga (required)
 *     topic: inventory.commands               # where the step's commands go (required)
 *     kind: tcc               # compensatable | tcc | pivot | retriable (required)
 *     timeout: 10s            # per attempt; the orchestrator's default when left out
 *     retry: { maxAttempts: 3, backoff: 1s, multiplier: 2.0, maxBackoff: 1m, jitter: 0.2 }
 *     undoRetry: { maxAttempts: unlimited }   # COMPENSATE, CANCEL and CONFIRM
 *     input: saga             # the default: the saga's input, unchanged
 *   - name: charge-payment
 *     topic: payment.commands
 *     kind: pivot
 *     input:                  # a JSON object of fields of the saga's input and earlier outputs
 *       fields: { orderId: saga.orderId, amount: saga.total, reservation: reserve-stock.reservationId }
 *   - name: ship
 *     topic: shipping.commands
 *     kind: retriable
 *     input: { step: charge-payment }          # the output of an earlier step, unchanged
 *   - parallel: notify        # a parallel group: its members are commanded at once
 *     steps:
 *       - { name: email, topic: notify.commands, kind: retriable }
 *       - { name: sms, topic: notify.commands, kind: retriable }
 * }</pre>
 *
 * <p><b>Durations</b> ({@code deadline}, {@code timeout}, {@code backoff}, {@code maxBackoff}) are
 * a whole number with a unit, {@code 500ms}, {@code 30s}, {@code 5m}, {@code 2h} or {@code 1d}, or
 * ISO-8601 such as {@code PT30S}; they must be positive.
 *
 * <p><b>Retry blocks</b> ({@code retry} for the forward action, {@code undoRetry} for COMPENSATE,
 * CANCEL and CONFIRM) need {@code maxAttempts}, a number of attempts in all or {@code unlimited};
 * the other keys default as in {@link RetryPolicy#attempts(int)} (1s backoff doubling up to 1m,
 * 20% jitter). Leaving a block out uses the orchestrator's configured defaults.
 *
 * <p><b>Inputs</b>: {@code input: saga} (the default) passes the saga's input; {@code input: { step:
 * <name> }} passes the output of a step of an earlier stage ({@link StepInput#outputOf(String)}).
 * {@code input: { fields: { <name>: <source>, ... } }} builds a JSON payload whose fields, in the
 * order written, are top-level fields of JSON payloads: {@code saga.<field>} of the saga's input,
 * {@code <step>.<field>} of an earlier step's output ({@code saga.} always means the saga's input).
 * A field is JSON {@code null} when its source has no payload, the payload is not JSON or not a
 * JSON object, or the object lacks the field; numbers are copied as written. The same sources
 * therefore always give the same bytes, for retries, compensations and replays alike.
 *
 * <p><b>Errors</b> are {@link InvalidSagaDefinitionException}s with one-line messages that start with
 * the file name (and line, for keys and values the file model refuses) and name the saga, the step
 * and the key: unknown or repeated keys, values of the wrong type, a missing saga name, topic or
 * step name, no steps, an unknown kind, an unparseable or non-positive duration, an input that
 * refers to an unknown, the same or a later step, and every rule of {@link SagaDefinition}.
 */
public final class SagaDefinitionLoader {

    private SagaDefinitionLoader() {
    }

    /**
     * The definition in {@code file}; error messages name it by its file name.
     *
     * @throws InvalidSagaDefinitionException when the file cannot be read or is not a valid definition
     */
    public static SagaDefinition fromYaml(Path file) {
        String fileName = Objects.requireNonNull(file, "file").getFileName().toString();
        return fromYaml(read(file), fileName);
    }

    /**
     * The definition in {@code yaml}.
     *
     * @param sourceName where the text came from, such as a file name; every error message starts with it
     * @throws InvalidSagaDefinitionException when the text is not a valid definition
     */
    public static SagaDefinition fromYaml(String yaml, String sourceName) {
        Objects.requireNonNull(yaml, "yaml");
        Objects.requireNonNull(sourceName, "sourceName");
        return YamlSagaReader.read(yaml, sourceName);
    }

    /**
     * The catalog of every {@code *.yaml} and {@code *.yml} file directly in {@code dir}, read in
     * file name order. Several versions of a type may sit side by side in separate files.
     *
     * @throws InvalidSagaDefinitionException when {@code dir} is not a readable directory or holds
     *     no such file, when a file is not a valid definition (the message names it), or when two
     *     files define the same type and version (the message names both)
     */
    public static SagaDefinitions fromDirectory(Path dir) {
        Objects.requireNonNull(dir, "dir");
        if (!Files.isDirectory(dir)) {
            throw new InvalidSagaDefinitionException("saga definitions directory " + dir + " does not exist or is not a directory");
        }
        List<Path> files;
        try (Stream<Path> entries = Files.list(dir)) {
            files = entries.filter(Files::isRegularFile)
                    .filter(SagaDefinitionLoader::isYaml)
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new InvalidSagaDefinitionException("cannot list saga definitions directory " + dir + ": " + e, e);
        }
        if (files.isEmpty()) {
            throw new InvalidSagaDefinitionException("saga definitions directory " + dir
                    + " holds no *.yaml or *.yml file; put one saga definition in each");
        }
        List<SagaDefinition> definitions = new ArrayList<>();
        Map<String, Path> fileOf = new HashMap<>();
        for (Path file : files) {
            SagaDefinition definition = fromYaml(file);
            Path previous = fileOf.putIfAbsent(definition.name() + " v" + definition.version(), file);
            if (previous != null) {
                throw new InvalidSagaDefinitionException("saga '" + definition.name() + "' version " + definition.version()
                        + " is defined in both " + previous.getFileName() + " and " + file.getFileName() + " in " + dir
                        + "; give each definition of a type its own version");
            }
            definitions.add(definition);
        }
        return SagaDefinitions.of(definitions);
    }

    private static boolean isYaml(Path file) {
        String name = file.getFileName().toString();
        return name.endsWith(".yaml") || name.endsWith(".yml");
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new InvalidSagaDefinitionException(file + ": cannot read the saga definition: " + e, e);
        }
    }
}
