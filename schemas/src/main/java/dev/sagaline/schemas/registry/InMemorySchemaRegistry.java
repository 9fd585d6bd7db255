package dev.sagaline.schemas.registry;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;

/**
 * A schema registry held in this process: the embedded default and the one tests use.
 *
 * <p>A schema's id is derived from its parsing canonical form (its 64-bit fingerprint folded to a
 * positive int), not handed out in order, so every process gives the same schema the same id: an
 * orchestrator and a service in another process that use the same version of the protocol (or of
 * a domain record) agree on ids without a server, since each reader primes the registry with the
 * schema it reads with ({@link #prime(Schema)}). A writer on another schema version writes an id
 * the reader cannot resolve; that needs a shared registry ({@link HttpSchemaRegistry}). Instances
 * made with {@link #scoped(String)} are shared by every serde of this JVM that names the scope.
 */
public final class InMemorySchemaRegistry implements SchemaRegistry {

    private static final Map<String, InMemorySchemaRegistry> SCOPES = new ConcurrentHashMap<>();

    private final Map<String, Integer> idsByCanonicalForm = new HashMap<>();
    private final Map<Integer, Schema> schemasById = new HashMap<>();
    private final Map<String, List<Integer>> versionsBySubject = new HashMap<>();

    /** Returns the registry shared by everything in this JVM that names {@code scope}. */
    public static InMemorySchemaRegistry scoped(String scope) {
        return SCOPES.computeIfAbsent(scope, s -> new InMemorySchemaRegistry());
    }

    @Override
    public synchronized int register(String subject, Schema schema) {
        int id = idOf(schema);
        List<Integer> versions = versionsBySubject.computeIfAbsent(subject, s -> new ArrayList<>());
        if (!versions.contains(id)) {
            versions.add(id);
        }
        return id;
    }

    @Override
    public synchronized int lookUp(String subject, Schema schema) {
        String canonical = SchemaNormalization.toParsingForm(schema);
        Integer id = idsByCanonicalForm.get(canonical);
        if (id == null || !versionsBySubject.getOrDefault(subject, List.of()).contains(id)) {
            throw new SchemaRegistryException("schema " + schema.getFullName() + " is not registered under subject '" + subject + "'");
        }
        return id;
    }

    @Override
    public synchronized RegisteredSchema latest(String subject) {
        List<Integer> versions = versionsBySubject.getOrDefault(subject, List.of());
        if (versions.isEmpty()) {
            throw new SchemaRegistryException("no schema is registered under subject '" + subject + "'");
        }
        int id = versions.get(versions.size() - 1);
        return new RegisteredSchema(id, schemasById.get(id));
    }

    @Override
    public synchronized void prime(Schema schema) {
        idOf(schema);
    }

    @Override
    public synchronized Schema schemaById(int id) {
        Schema schema = schemasById.get(id);
        if (schema == null) {
            throw new SchemaRegistryException("no schema with id " + id + " in the in-process schema registry; a writer in another "
                    + "process may use another version of the schema: share a schema registry server between them");
        }
        return schema;
    }

    /** Returns the ids registered under {@code subject}, oldest first; empty when none. */
    public synchronized List<Integer> versions(String subject) {
        return List.copyOf(versionsBySubject.getOrDefault(subject, List.of()));
    }

    /**
     * The schema's id, recorded on first use. Two different schemas whose fingerprints fold to
     * the same int (odds of about one in two billion per pair) are told apart by taking the next
     * free id for the second, which then depends on the order they were seen in.
     */
    private int idOf(Schema schema) {
        String canonical = SchemaNormalization.toParsingForm(schema);
        Integer known = idsByCanonicalForm.get(canonical);
        if (known != null) {
            return known;
        }
        int id = (int) (SchemaNormalization.parsingFingerprint64(schema) & Integer.MAX_VALUE);
        while (id == 0 || schemasById.containsKey(id)) {
            id = id == Integer.MAX_VALUE ? 1 : id + 1;
        }
        schemasById.put(id, schema);
        idsByCanonicalForm.put(canonical, id);
        return id;
    }
}
