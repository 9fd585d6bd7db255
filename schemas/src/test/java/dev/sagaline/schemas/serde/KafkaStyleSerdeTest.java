package dev.sagaline.schemas.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sagaline.protocol.v1.SagaEvent;
import dev.sagaline.protocol.v1.StepReply;
import dev.sagaline.schemas.testsupport.FakeSchemaRegistryServer;
import dev.sagaline.schemas.testsupport.ProtocolFixtures;
import dev.sagaline.schemas.testsupport.WireBytes;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.DecoderFactory;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@link SpecificAvroSerde} built by class name and configured from client properties, the way
 * Kafka builds Confluent's serdes: the registry address and credentials, schema registration and
 * subject naming with Confluent's keys and meaning, against a registry server on 127.0.0.1.
 */
class KafkaStyleSerdeTest {

    private static final String TOPIC = "inventory.replies";

    private final FakeSchemaRegistryServer server = FakeSchemaRegistryServer.start();
    private final StepReply reply = ProtocolFixtures.stepReply();

    @AfterEach
    void stopServer() {
        server.close();
    }

    @Test
    void writesTheWireFormatByteForByteWhenKafkaBuildsItByClassName() throws Exception {
        Serializer<StepReply> serializer = byClassName();
        serializer.configure(settings(), false);

        byte[] bytes = serializer.serialize(TOPIC, reply);

        int id = server.idsUnder(TOPIC + "-value").get(0);
        assertThat(bytes).containsExactly(WireBytes.framed(id, WireBytes.plainAvro(reply)));
    }

    @Test
    void readsIntoTheClassTheWriterSchemaNames() throws Exception {
        Serializer<StepReply> serializer = byClassName();
        serializer.configure(settings(), false);
        Deserializer<StepReply> deserializer = byClassName();
        deserializer.configure(settings(), false);

        assertThat(deserializer.deserialize(TOPIC, serializer.serialize(TOPIC, reply))).isEqualTo(reply);
    }

    @Test
    void readsIntoTheConfiguredSpecificType() throws Exception {
        int id = server.preload(StepReply.getClassSchema().toString());
        Deserializer<StepReply> deserializer = byClassName();
        deserializer.configure(settings(AvroSerdeConfig.SPECIFIC_AVRO_VALUE_TYPE_CONFIG, StepReply.class.getName()), false);

        assertThat(deserializer.deserialize(TOPIC, WireBytes.framed(id, WireBytes.plainAvro(reply)))).isEqualTo(reply);
    }

    @Test
    void namesTheTypeSettingWhenNoGeneratedClassMatchesTheWriterSchema() throws Exception {
        assertThatThrownBy(() -> deserializeWrittenWith(recordNamed("com.example", "Unknown")))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("com.example.Unknown").hasMessageContaining("specific.avro.value.type");
    }

    @Test
    void neverLoadsAClassThatIsNotGeneratedAvroCodeWhenTheWriterSchemaNamesIt() throws Exception {
        assertThatThrownBy(() -> deserializeWrittenWith(recordNamed("java.lang", "ProcessBuilder")))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("no generated Avro class java.lang.ProcessBuilder");
    }

    @Test
    void sendsBasicCredentialsFromUserInfo() throws Exception {
        Serializer<StepReply> serializer = byClassName();
        serializer.configure(settings(AvroSerdeConfig.BASIC_AUTH_CREDENTIALS_SOURCE_CONFIG, "USER_INFO",
                AvroSerdeConfig.BASIC_AUTH_USER_INFO_CONFIG, "inventory:s3cret"), false);

        serializer.serialize(TOPIC, reply);

        assertThat(authorizationHeaders()).containsOnly(basic("inventory:s3cret"));
    }

    @Test
    void sendsBasicCredentialsFromTheUrlAndLeavesThemOutOfTheAddress() throws Exception {
        Serializer<StepReply> serializer = byClassName();
        serializer.configure(Map.of(AvroSerdeConfig.SCHEMA_REGISTRY_URL_CONFIG,
                server.uri().toString().replace("http://", "http://inventory:from-url@")), false);

        serializer.serialize(TOPIC, reply);

        assertThat(authorizationHeaders()).containsOnly(basic("inventory:from-url"));
    }

    @Test
    void inheritsBasicCredentialsFromTheClientsSaslSettings() throws Exception {
        Serializer<StepReply> serializer = byClassName();
        serializer.configure(settings(AvroSerdeConfig.BASIC_AUTH_CREDENTIALS_SOURCE_CONFIG, "SASL_INHERIT",
                "sasl.jaas.config", "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"svc\" password=\"pw\";"),
                false);

        serializer.serialize(TOPIC, reply);

        assertThat(authorizationHeaders()).containsOnly(basic("svc:pw"));
    }

    @Test
    void sendsABearerToken() throws Exception {
        Serializer<StepReply> serializer = byClassName();
        serializer.configure(settings(AvroSerdeConfig.BEARER_AUTH_TOKEN_CONFIG, "tok-123"), false);

        serializer.serialize(TOPIC, reply);

        assertThat(authorizationHeaders()).containsOnly("Bearer tok-123");
    }

    @Test
    void refusesABearerTokenAlongsideBasicCredentials() throws Exception {
        Serializer<StepReply> serializer = byClassName();

        assertThatThrownBy(() -> serializer.configure(settings(AvroSerdeConfig.BEARER_AUTH_TOKEN_CONFIG, "tok-123",
                AvroSerdeConfig.BASIC_AUTH_CREDENTIALS_SOURCE_CONFIG, "USER_INFO", AvroSerdeConfig.BASIC_AUTH_USER_INFO_CONFIG, "a:b"), false))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("bearer.auth.token").hasMessageContaining("basic.auth.credentials.source");
    }

    @Test
    void withoutAutoRegistrationWritesWithTheSchemaRegisteredAlready() throws Exception {
        int id = server.preloadUnder(TOPIC + "-value", StepReply.getClassSchema().toString());
        Serializer<StepReply> serializer = byClassName();
        serializer.configure(settings(AvroSerdeConfig.AUTO_REGISTER_SCHEMAS_CONFIG, "false"), false);

        byte[] bytes = serializer.serialize(TOPIC, reply);

        assertThat(bytes).containsExactly(WireBytes.framed(id, WireBytes.plainAvro(reply)));
        assertThat(server.requests()).extracting(Object::toString).doesNotContain("POST /subjects/" + TOPIC + "-value/versions");
    }

    @Test
    void withoutAutoRegistrationRefusesASchemaNotRegistered() throws Exception {
        Serializer<StepReply> serializer = byClassName();
        serializer.configure(settings(AvroSerdeConfig.AUTO_REGISTER_SCHEMAS_CONFIG, "false"), false);

        assertThatThrownBy(() -> serializer.serialize(TOPIC, reply))
                .isInstanceOf(SerializationException.class)
                .hasMessageStartingWith("topic " + TOPIC + ": cannot look up schema dev.sagaline.protocol.v1.StepReply under subject '"
                        + TOPIC + "-value'");
        assertThat(server.idsUnder(TOPIC + "-value")).isEmpty();
    }

    @Test
    void withTheLatestVersionWritesTheRecordInTheNewestRegisteredSchema() throws Exception {
        Schema newer = ProtocolFixtures.stepReplySchemaWith(fields -> fields.add(new Schema.Field("traceId",
                Schema.create(Schema.Type.STRING), "A field a newer version added.", "none")));
        server.preloadUnder(TOPIC + "-value", StepReply.getClassSchema().toString());
        int newest = server.preloadUnder(TOPIC + "-value", newer.toString());
        Serializer<StepReply> serializer = byClassName();
        serializer.configure(settings(AvroSerdeConfig.AUTO_REGISTER_SCHEMAS_CONFIG, "false",
                AvroSerdeConfig.USE_LATEST_VERSION_CONFIG, "true"), false);

        byte[] bytes = serializer.serialize(TOPIC, reply);

        assertThat(java.util.Arrays.copyOf(bytes, WireBytes.HEADER_SIZE)).containsExactly(WireBytes.framed(newest, new byte[0]));
        GenericRecord written = new GenericDatumReader<GenericRecord>(newer)
                .read(null, DecoderFactory.get().binaryDecoder(WireBytes.body(bytes), null));
        assertThat(written.get("traceId")).hasToString("none");
        assertThat(written.get("commandId")).hasToString("cmd-1");
        Deserializer<StepReply> deserializer = byClassName();
        deserializer.configure(settings(), false);
        assertThat(deserializer.deserialize(TOPIC, bytes)).isEqualTo(reply);
    }

    @Test
    void refusesTheLatestVersionTogetherWithAutoRegistration() throws Exception {
        Serializer<StepReply> serializer = byClassName();

        assertThatThrownBy(() -> serializer.configure(settings(AvroSerdeConfig.USE_LATEST_VERSION_CONFIG, "true"), false))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("use.latest.version=true needs auto.register.schemas=false");
    }

    @ParameterizedTest(name = "{0} names {1} for values of " + TOPIC)
    @CsvSource({
            "topic, inventory.replies-value",
            "io.confluent.kafka.serializers.subject.TopicNameStrategy, inventory.replies-value",
            "record, dev.sagaline.protocol.v1.StepReply",
            "io.confluent.kafka.serializers.subject.RecordNameStrategy, dev.sagaline.protocol.v1.StepReply",
            "topic-record, inventory.replies-dev.sagaline.protocol.v1.StepReply",
            "TopicRecordNameStrategy, inventory.replies-dev.sagaline.protocol.v1.StepReply"})
    void namesSubjectsAsConfluentsStrategiesDo(String strategy, String subject) throws Exception {
        Serializer<StepReply> serializer = byClassName();
        serializer.configure(settings(AvroSerdeConfig.VALUE_SUBJECT_NAME_STRATEGY_CONFIG, strategy), false);

        serializer.serialize(TOPIC, reply);

        assertThat(server.idsUnder(subject)).hasSize(1);
    }

    @Test
    void namesKeySubjectsWithTheKeyStrategy() throws Exception {
        Serializer<SagaEvent> serializer = byClassName();
        serializer.configure(settings(AvroSerdeConfig.KEY_SUBJECT_NAME_STRATEGY_CONFIG, "record",
                AvroSerdeConfig.VALUE_SUBJECT_NAME_STRATEGY_CONFIG, "topic-record"), true);

        serializer.serialize(TOPIC, ProtocolFixtures.sagaEvent());

        assertThat(server.idsUnder("dev.sagaline.protocol.v1.SagaEvent")).hasSize(1);
    }

    @Test
    void refusesAnUnknownSubjectNameStrategyNamingTheKey() throws Exception {
        Serializer<StepReply> serializer = byClassName();

        assertThatThrownBy(() -> serializer.configure(settings(AvroSerdeConfig.VALUE_SUBJECT_NAME_STRATEGY_CONFIG, "by-color"), false))
                .isInstanceOf(ConfigException.class).hasMessageContaining("value.subject.name.strategy").hasMessageContaining("by-color");
    }

    @Test
    void refusesAConfigurationWithoutTheRegistryUrl() throws Exception {
        Serializer<StepReply> serializer = byClassName();

        assertThatThrownBy(() -> serializer.configure(Map.of("bootstrap.servers", "127.0.0.1:9092"), false))
                .isInstanceOf(ConfigException.class).hasMessageContaining("schema.registry.url");
    }

    @Test
    void saysHowToSetItUpWhenUsedUnconfigured() {
        SpecificAvroSerde<StepReply> serde = new SpecificAvroSerde<>();

        assertThatThrownBy(() -> serde.serialize(TOPIC, reply))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("not configured").hasMessageContaining("schema.registry.url");
    }

    /** A serde built the way Kafka builds one named in {@code value.serializer}: by class name, with no arguments. */
    @SuppressWarnings("unchecked")
    private static <S> S byClassName() throws ReflectiveOperationException {
        return (S) Class.forName("dev.sagaline.schemas.serde.SpecificAvroSerde").getConstructor().newInstance();
    }

    /** Deserializes one int field written with {@code writer}, registered on the server, by a serde configured with no type. */
    private Object deserializeWrittenWith(Schema writer) throws ReflectiveOperationException {
        int id = server.preload(writer.toString());
        Deserializer<StepReply> deserializer = byClassName();
        deserializer.configure(settings(), false);
        return deserializer.deserialize(TOPIC, WireBytes.framed(id, new byte[] {2}));
    }

    private static Schema recordNamed(String namespace, String name) {
        return Schema.createRecord(name, "a record of one int", namespace, false,
                List.of(new Schema.Field("x", Schema.create(Schema.Type.INT), "x", null)));
    }

    private Map<String, Object> settings(String... keysAndValues) {
        Map<String, Object> settings = new HashMap<>();
        settings.put(AvroSerdeConfig.SCHEMA_REGISTRY_URL_CONFIG, server.uri().toString());
        for (int i = 0; i < keysAndValues.length; i += 2) {
            settings.put(keysAndValues[i], keysAndValues[i + 1]);
        }
        return settings;
    }

    private List<String> authorizationHeaders() {
        return server.requests().stream().map(request -> request.headers().get("authorization")).distinct().toList();
    }

    private static String basic(String userInfo) {
        return "Basic " + Base64.getEncoder().encodeToString(userInfo.getBytes(StandardCharsets.UTF_8));
    }
}
