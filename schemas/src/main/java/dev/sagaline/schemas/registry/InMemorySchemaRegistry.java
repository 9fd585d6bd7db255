package dev.sagaline.schemas.registry;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;

/**
 * A schema registry held in this process: the embedded default and the one tests use.
 *
 * <p>Ids are global, start at 1 and are given by the schema's parsing canonical form, so the same
 * schema registered under several subjects has one id, as in Confluent's registry. Instances made
 * with {@link #scoped(String)} are shared by every serde of this JVM configured with the same
 * scope, which is how an orchestrator and its participants in one process (the demo) agree on ids
 * without a server.
 */
public final class InMemorySchemaRegistry implements SchemaRegistry {

    private static final Map<String, InMemorySchemaRegistry> SCOPES = new ConcurrentHashMap<>();

    private final Map<String, Integer> idsByCanonicalForm = new ConcurrentHashMap<>();
    private final List<Schema> schemasById = new ArrayList<>();
    private final Map<String, List<Integer>> versionsBySubject = new ConcurrentHashMap<>();

    /** Returns the registry shared by everything in this JVM that names {@code scope}. */
    public static InMemorySchemaRegistry scoped(String scope) {
        return SCOPES.computeIfAbsent(scope, s -> new InMemorySchemaRegistry());
    }

    @Override
    public synchronized int register(String subject, Schema schema) {
        String canonical = SchemaNormalization.toParsingForm(schema);
        Integer id = idsByCanonicalForm.get(canonical);
        if (id == null) {
            schemasById.add(schema);
            id = schemasById.size();
            idsByCanonicalForm.put(canonical, id);
        }
        List<Integer> versions = versionsBySubject.computeIfAbsent(subject, s -> new ArrayList<>());
        if (!versions.contains(id)) {
            versions.add(id);
        }
        return id;
    }

    @Override
    public synchronized Schema schemaById(int id) {
        if (id < 1 || id > schemasById.size()) {
            throw new SchemaRegistryException("no schema with id " + id + " in the in-process schema registry");
        }
        return schemasById.get(id - 1);
    }

    /** Returns the ids registered under {@code subject}, oldest first; empty when none. */
    public synchronized List<Integer> versions(String subject) {
        return List.copyOf(versionsBySubject.getOrDefault(subject, List.of()));
    }
}
