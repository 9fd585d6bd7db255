package dev.sagaline.orchestrator.definition;

import dev.sagaline.orchestrator.errors.InvalidSagaDefinitionException;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * Every saga definition an orchestrator runs, by type and version. Several versions of a type run
 * side by side: a new instance runs the newest unless its start request names a version, and a
 * running instance keeps the version it started with.
 */
public final class SagaDefinitions {

    private final Map<String, NavigableMap<Integer, SagaDefinition>> byType;

    private SagaDefinitions(Map<String, NavigableMap<Integer, SagaDefinition>> byType) {
        this.byType = byType;
    }

    /**
     * The catalog of {@code definitions}.
     *
     * @throws InvalidSagaDefinitionException when two definitions share a type and version
     */
    public static SagaDefinitions of(Collection<SagaDefinition> definitions) {
        Map<String, NavigableMap<Integer, SagaDefinition>> byType = new TreeMap<>();
        for (SagaDefinition d : definitions) {
            SagaDefinition previous = byType.computeIfAbsent(d.name(), n -> new TreeMap<>()).put(d.version(), d);
            if (previous != null) {
                throw new InvalidSagaDefinitionException("saga '" + d.name() + "' version " + d.version()
                        + " is defined twice; give each definition of a type its own version");
            }
        }
        byType.replaceAll((k, v) -> Collections.unmodifiableNavigableMap(v));
        return new SagaDefinitions(Collections.unmodifiableMap(byType));
    }

    /** The catalog of {@code definitions}. */
    public static SagaDefinitions of(SagaDefinition... definitions) {
        return of(List.of(definitions));
    }

    /** The definition of {@code type} at {@code version}, or the newest when {@code version} is null. */
    public Optional<SagaDefinition> find(String type, Integer version) {
        NavigableMap<Integer, SagaDefinition> versions = byType.get(type);
        if (versions == null || versions.isEmpty()) {
            return Optional.empty();
        }
        return Optional.ofNullable(version == null ? versions.lastEntry().getValue() : versions.get(version));
    }

    /** The saga types, sorted. */
    public List<String> types() {
        return List.copyOf(byType.keySet());
    }

    /** Every definition, by type then version. */
    public List<SagaDefinition> all() {
        return byType.values().stream().flatMap(v -> v.values().stream()).collect(Collectors.toUnmodifiableList());
    }

    /** Every command topic some step sends to, sorted. */
    public List<String> commandTopics() {
        return all().stream().flatMap(d -> d.steps().stream()).map(StepDefinition::commandTopic).distinct().sorted().toList();
    }

    @Override
    public String toString() {
        return all().stream().map(d -> d.name() + " v" + d.version()).collect(Collectors.joining(", "));
    }
}
