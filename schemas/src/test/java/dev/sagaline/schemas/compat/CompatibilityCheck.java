package dev.sagaline.schemas.compat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.SchemaIncompatibilityType;
import org.apache.avro.SchemaCompatibility.Incompatibility;
import org.apache.avro.SchemaCompatibility.SchemaPairCompatibility;

/**
 * The protocol's evolution promise, checked type by type: for every named type of a released
 * protocol, the current schema of the same name must be
 * <ul>
 *   <li>BACKWARD compatible: the current schema reads data written with the released one (new
 *       readers, old records: state store changelogs, replayed topics), and</li>
 *   <li>FORWARD compatible: the released schema reads data written with the current one (old
 *       readers, new records: participants upgraded after the orchestrator),</li>
 * </ul>
 * both as Avro's {@link SchemaCompatibility#checkReaderWriterCompatibility} decides. On top of Avro,
 * a released enum symbol may not be removed: Avro accepts that when the enum has a default, but
 * every stored record holding the symbol would then silently read as the default.
 *
 * <p>One FORWARD exception is part of the promise: the union of request kinds in
 * {@code SagaRequest.body} may gain a kind. An older orchestrator cannot decode a request of a kind
 * it does not know and dead-letters it with the reason, which is the documented behaviour of a
 * newer operator tool talking to an older orchestrator; everything it could read before it still reads.
 */
public final class CompatibilityCheck {

    /** Unions that may gain branches, by type and location: new request kinds an older reader dead-letters. */
    private static final Map<String, String> GROWABLE_UNIONS = Map.of("dev.sagaline.protocol.v1.SagaRequest", "/fields/2/type");

    private CompatibilityCheck() {
    }

    /**
     * Checks {@code current} against {@code released}, both named types by full name.
     *
     * @return one self-contained message per problem, naming the type, the direction and Avro's
     *     description; empty when the promise holds
     */
    public static List<String> problems(Map<String, Schema> released, Map<String, Schema> current) {
        List<String> problems = new ArrayList<>();
        released.forEach((name, releasedSchema) -> {
            Schema currentSchema = current.get(name);
            if (currentSchema == null) {
                problems.add(name + ": released, but no longer defined; a released type is never removed or renamed");
                return;
            }
            check(name, "BACKWARD", "the current schema cannot read data written with the released one",
                    currentSchema, releasedSchema, null).ifPresent(problems::add);
            check(name, "FORWARD", "the released schema cannot read data written with the current one",
                    releasedSchema, currentSchema, GROWABLE_UNIONS.get(name)).ifPresent(problems::add);
            removedSymbols(name, releasedSchema, currentSchema).ifPresent(problems::add);
        });
        return problems;
    }

    private static Optional<String> check(String name, String direction, String meaning, Schema reader, Schema writer,
                                          String growableUnion) {
        SchemaPairCompatibility result = SchemaCompatibility.checkReaderWriterCompatibility(reader, writer);
        if (result.getType() == SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE) {
            return Optional.empty();
        }
        List<Incompatibility> incompatibilities = result.getResult().getIncompatibilities().stream()
                .filter(i -> !(growableUnion != null && i.getType() == SchemaIncompatibilityType.MISSING_UNION_BRANCH
                        && i.getLocation().startsWith(growableUnion)))
                .toList();
        if (incompatibilities.isEmpty()) {
            return Optional.empty();
        }
        String avroSays = incompatibilities.stream()
                .map(CompatibilityCheck::describe)
                .collect(Collectors.joining("; "));
        return Optional.of(name + " is not " + direction + " compatible (" + meaning + "): " + avroSays);
    }

    private static String describe(Incompatibility incompatibility) {
        return incompatibility.getType() + " at " + incompatibility.getLocation() + ": " + incompatibility.getMessage();
    }

    private static Optional<String> removedSymbols(String name, Schema released, Schema current) {
        if (released.getType() != Schema.Type.ENUM || current.getType() != Schema.Type.ENUM) {
            return Optional.empty();
        }
        List<String> removed = new ArrayList<>(released.getEnumSymbols());
        removed.removeAll(current.getEnumSymbols());
        if (removed.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(name + " is not BACKWARD compatible (released enum symbols " + removed
                + " were removed; stored records holding them would read as " + current.getEnumDefault() + ")");
    }
}
