/**
 * Where serdes find schemas by id: the {@link dev.sagaline.schemas.registry.SchemaRegistry} port
 * and its two implementations.
 *
 * <p>A deployment names its registry with one URL and gets it from
 * {@link dev.sagaline.schemas.registry.SchemaRegistries#fromUrl}:
 * <ul>
 *   <li>{@code memory://SCOPE} (the default) gives an
 *       {@link dev.sagaline.schemas.registry.InMemorySchemaRegistry} shared by everything in the JVM
 *       that names the same scope: the demo and tests.</li>
 *   <li>{@code http://} or {@code https://} gives an
 *       {@link dev.sagaline.schemas.registry.HttpSchemaRegistry}, a caching client of any
 *       Confluent-compatible Schema Registry.</li>
 * </ul>
 *
 * <pre>{@code
 * SchemaRegistry registry = SchemaRegistries.fromUrl(config.registryUrl(), Map.of());
 * ProtocolSerdes serdes = new ProtocolSerdes(registry);
 * }</pre>
 *
 * <p>Every failure (unknown id, refused schema, unreachable server) is a
 * {@link dev.sagaline.schemas.registry.SchemaRegistryException}; serdes wrap it in Kafka's
 * {@code SerializationException} together with the topic.
 */
package dev.sagaline.schemas.registry;
