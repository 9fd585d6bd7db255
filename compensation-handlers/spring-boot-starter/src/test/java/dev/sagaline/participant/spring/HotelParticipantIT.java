package dev.sagaline.participant.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.sagaline.orchestrator.definition.SagaDefinition;
import dev.sagaline.orchestrator.definition.SagaDefinitions;
import dev.sagaline.localkafka.LocalKafkaBroker;
import dev.sagaline.localkafka.LocalKafkaExtension;
import dev.sagaline.participant.Participant;
import dev.sagaline.participant.spring.internals.MicrometerHandlerObserver;
import dev.sagaline.participant.spring.internals.ParticipantLifecycle;
import dev.sagaline.participant.spring.sample.BookingHandlers;
import dev.sagaline.participant.spring.sample.HotelApplication;
import dev.sagaline.participant.spring.sample.RoomRequest;
import dev.sagaline.protocol.v1.SagaRequest;
import dev.sagaline.protocol.v1.SagaState;
import dev.sagaline.protocol.v1.SagaStatus;
import dev.sagaline.protocol.v1.StartSaga;
import dev.sagaline.orchestrator.runtime.SagalineApp;
import dev.sagaline.orchestrator.runtime.SagalineConfig;
import dev.sagaline.schemas.registry.SchemaRegistries;
import dev.sagaline.schemas.serde.Payloads;
import dev.sagaline.schemas.serde.ProtocolSerdes;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The sample hotel service, a Spring Boot application using the starter, against the real
 * orchestrator on the local broker: a booking saga whose card is charged ends COMPLETED with the
 * room booked (CONFIRM), one whose card is declined ends COMPENSATED with the room released
 * (CANCEL); the participant's health is UP and its handler timers are in the application's
 * Micrometer registry; and a participant starts with its application context and stops when the
 * context closes.
 */
@Tag("integration")
@ExtendWith(LocalKafkaExtension.class)
@SpringBootTest(classes = HotelApplication.class)
@Timeout(180)
class HotelParticipantIT {

    private static final String REGISTRY_URL = "memory://hotel-sample";
    private static final SagaDefinition BOOKING = SagaDefinition.named("booking")
            .step("hold-room").on("hotel.commands").tcc().timeout(Duration.ofSeconds(30))
            .step("charge-card").on("hotel.commands").pivot().timeout(Duration.ofSeconds(30))
            .build();

    @TempDir
    static Path dir;

    private static LocalKafkaBroker kafka;
    private static SagalineApp orchestrator;

    @Autowired
    BookingHandlers hotel;

    @Autowired
    HealthIndicator sagalineParticipantHealthIndicator;

    @Autowired
    MeterRegistry meters;

    /** The orchestrator runs before the application starts, so that the command topic exists. */
    @BeforeAll
    static void startTheOrchestrator(LocalKafkaBroker broker) {
        kafka = broker;
        Map<String, Object> settings = new HashMap<>();
        settings.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        settings.put(StreamsConfig.APPLICATION_ID_CONFIG, "hotel-it-orchestrator");
        settings.put(StreamsConfig.STATE_DIR_CONFIG, dir.resolve("orchestrator").toString());
        settings.put(SagalineConfig.SCHEMA_REGISTRY_URL_CONFIG, REGISTRY_URL);
        settings.put(SagalineConfig.TOPIC_PARTITIONS_CONFIG, 2);
        orchestrator = SagalineApp.start(SagalineConfig.of(settings), SagaDefinitions.of(BOOKING)).awaitRunning(Duration.ofSeconds(90));
    }

    @AfterAll
    static void stopTheOrchestrator() {
        if (orchestrator != null) {
            orchestrator.close();
        }
    }

    @DynamicPropertySource
    static void kafka(DynamicPropertyRegistry registry) {
        registry.add("sagaline.participant.bootstrap-servers", () -> kafka.bootstrapServers());
        registry.add("sagaline.participant.properties.state.dir", () -> dir.resolve("hotel").toString());
    }

    @Test
    void booksTheRoomWhenTheCardIsCharged() {
        book("booking-1", "visa");

        awaitStatus("booking-1", SagaStatus.COMPLETED);
        assertThat(hotel.ledgerOf("booking-1")).containsExactly("held room-7 for booking-1", "charged booking-1", "booked room-7 for booking-1");
        assertThat(meters.find(MicrometerHandlerObserver.HANDLER_TIMER)
                .tags("step", "hold-room", "action", "CONFIRM", "outcome", "SUCCEEDED").timer())
                .isNotNull().satisfies(timer -> assertThat(timer.count()).isPositive());
    }

    @Test
    void releasesTheRoomWhenTheCardIsDeclined() {
        book("booking-2", "declined");

        awaitStatus("booking-2", SagaStatus.COMPENSATED);
        assertThat(hotel.ledgerOf("booking-2"))
                .containsExactly("held room-7 for booking-2", "declined the card of booking-2", "released room-7 for booking-2");
        assertThat(meters.find(MicrometerHandlerObserver.HANDLER_TIMER)
                .tags("step", "charge-card", "action", "DO", "outcome", "FAILED").timer()).isNotNull();
    }

    @Test
    void reportsTheParticipantUpWithItsStepsAndItsKafkaStreamsMetrics() {
        await().atMost(Duration.ofSeconds(60)).until(() -> sagalineParticipantHealthIndicator.health().getStatus().equals(Status.UP));

        assertThat(sagalineParticipantHealthIndicator.health().getDetails())
                .containsEntry("applicationId", "hotel").containsEntry("commandTopic", "hotel.commands").containsKey("steps");
        assertThat(meters.getMeters()).anyMatch(meter -> meter.getId().getName().startsWith("kafka.stream"));
    }

    @Test
    void startsWithItsContextAndStopsWhenTheContextCloses() {
        kafka.createTopics(Map.of("hotel-lifecycle.commands", 1));
        Participant participant;
        try (ConfigurableApplicationContext context = new SpringApplicationBuilder(HotelApplication.class).properties(
                "sagaline.participant.application-id=hotel-lifecycle",
                "sagaline.participant.command-topic=hotel-lifecycle.commands",
                "sagaline.participant.bootstrap-servers=" + kafka.bootstrapServers(),
                "sagaline.participant.properties.state.dir=" + dir.resolve("hotel-lifecycle")).run()) {
            ParticipantLifecycle lifecycle = context.getBean(ParticipantLifecycle.class);
            participant = lifecycle.participant();
            assertThat(participant).as("started with the context").isNotNull();
            participant.awaitRunning(Duration.ofSeconds(60));
        }

        assertThat(participant.state()).as("after the context closed").isEqualTo(KafkaStreams.State.NOT_RUNNING);
    }

    private static void book(String bookingId, String card) {
        var registry = SchemaRegistries.fromUrl(REGISTRY_URL, Map.of());
        RoomRequest room = new RoomRequest(bookingId, "room-7", card);
        SagaRequest start = SagaRequest.newBuilder().setSagaId(bookingId).setRequestId("start-" + bookingId)
                .setBody(StartSaga.newBuilder().setSagaType("booking").setInput(Payloads.withRegistry(registry).encode(room)).build())
                .build();
        try (KafkaProducer<String, SagaRequest> producer = new KafkaProducer<>(kafka.clientConfig(), new StringSerializer(),
                new ProtocolSerdes(registry).requests().serializer())) {
            producer.send(new ProducerRecord<>("sagaline.requests", bookingId, start));
        }
    }

    private static void awaitStatus(String sagaId, SagaStatus status) {
        await().atMost(Duration.ofSeconds(90)).ignoreExceptions().until(() -> {
            SagaState state = orchestrator.saga(sagaId);
            return state != null && state.getStatus() == status;
        });
    }
}
