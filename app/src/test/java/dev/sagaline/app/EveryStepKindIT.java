package dev.sagaline.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sagaline.app.testsupport.AuditLog;
import dev.sagaline.app.testsupport.OrderRequests;
import dev.sagaline.orchestrator.definition.SagaDefinitionLoader;
import dev.sagaline.orchestrator.definition.SagaDefinitions;
import dev.sagaline.demo.Order;
import dev.sagaline.localkafka.LocalKafkaBroker;
import dev.sagaline.localkafka.LocalKafkaExtension;
import dev.sagaline.participant.Participant;
import dev.sagaline.participant.StepContext;
import dev.sagaline.participant.StepResult;
import dev.sagaline.participant.TccHandler;
import dev.sagaline.protocol.v1.SagaEvent;
import dev.sagaline.protocol.v1.SagaEventKind;
import dev.sagaline.orchestrator.runtime.SagalineApp;
import dev.sagaline.orchestrator.runtime.SagalineConfig;
import dev.sagaline.schemas.registry.SchemaRegistries;
import dev.sagaline.schemas.registry.SchemaRegistry;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 6 end to end: an order saga written in YAML with every step kind (TCC stock, a
 * compensatable voucher, the payment pivot, retriable shipping and a parallel group of two
 * notifications) on a real local broker, with real participants that record every command they
 * handle.
 */
@Tag("integration")
@ExtendWith(LocalKafkaExtension.class)
@Timeout(90)
class EveryStepKindIT {

    private static final String SAGA = "order-every-kind";
    private static final String REGISTRY_URL = "memory://every-step-kind-it";

    @TempDir
    static Path stateDir;

    private static final List<AutoCloseable> running = new ArrayList<>();
    /** What each participant was asked to do, by saga: "step ACTION", in the order handled. */
    private static final Map<String, List<String>> handled = new ConcurrentHashMap<>();
    private static SchemaRegistry registry;
    private static SagalineConfig config;

    private AuditLog audit;
    private OrderRequests requests;

    @BeforeAll
    static void startOrchestratorAndParticipants(LocalKafkaBroker broker) throws URISyntaxException {
        registry = SchemaRegistries.fromUrl(REGISTRY_URL, Map.of());
        config = SagalineConfig.of(Map.of(
                StreamsConfig.APPLICATION_ID_CONFIG, "every-step-kind-it",
                StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers(),
                StreamsConfig.STATE_DIR_CONFIG, stateDir.resolve("orchestrator").toString(),
                SagalineConfig.TOPIC_PARTITIONS_CONFIG, 2,
                SagalineConfig.SCHEMA_REGISTRY_URL_CONFIG, REGISTRY_URL));
        SagaDefinitions definitions = SagaDefinitionLoader.fromDirectory(
                Path.of(EveryStepKindIT.class.getResource("/definitions/every-kind").toURI()));
        SagalineApp orchestrator = SagalineApp.start(config, definitions);
        running.add(orchestrator);
        List<Participant> participants = List.of(
                participant(broker, "inventory", "every-kind.inventory").onTcc("reserve-stock", Order.class, new RecordingTcc()).build(),
                participant(broker, "promotions", "every-kind.promotions")
                        .onDo("apply-voucher", Order.class, (order, context) -> record(context, StepResult.succeeded()))
                        .onCompensate("apply-voucher", Order.class, (order, context) -> record(context, StepResult.succeeded()))
                        .build(),
                participant(broker, "payment", "every-kind.payment")
                        .onDo("charge-payment", Order.class, (order, context) -> record(context, order.getOrderId().contains("refused")
                                ? StepResult.failed("CARD_DECLINED", "the card was declined") : StepResult.succeeded()))
                        .build(),
                participant(broker, "shipping", "every-kind.shipping")
                        .onDo("ship", Order.class, (order, context) -> record(context, context.attempt() == 1
                                ? StepResult.retryable("CARRIER_BUSY", "the carrier is busy; try again") : StepResult.succeeded()))
                        .build(),
                participant(broker, "notify", "every-kind.notify")
                        .onDo("email", Order.class, (order, context) -> record(context, StepResult.succeeded()))
                        .onDo("sms", Order.class, (order, context) -> record(context, StepResult.succeeded()))
                        .build());
        participants.forEach(p -> {
            p.start();
            running.add(p);
        });
        orchestrator.awaitRunning(Duration.ofSeconds(60));
        participants.forEach(p -> p.awaitRunning(Duration.ofSeconds(60)));
    }

    @AfterAll
    static void stopEverything() throws Exception {
        for (int i = running.size() - 1; i >= 0; i--) {
            running.get(i).close();
        }
    }

    @BeforeEach
    void openClients(LocalKafkaBroker broker) {
        audit = AuditLog.fromNow(broker.bootstrapServers(), config.topics().events(), registry);
        requests = new OrderRequests(broker.bootstrapServers(), registry, config.topics().requests());
    }

    @AfterEach
    void closeClients() {
        requests.close();
        audit.close();
    }

    @Test
    void confirmsTheStockAndRunsEveryLaterStepWhenTheOrderSucceeds() {
        String order = "order-paid-1";

        requests.start(SAGA, order);
        requests.flush();
        audit.awaitEnded(List.of(order), Duration.ofSeconds(60));

        assertThat(audit.terminalEvents(order)).extracting(SagaEvent::getKind).containsExactly(SagaEventKind.COMPLETED);
        assertThat(handled.get(order))
                .startsWith("reserve-stock TRY", "apply-voucher DO", "charge-payment DO", "ship DO", "ship DO")
                .endsWith("reserve-stock CONFIRM")
                .containsExactlyInAnyOrder("reserve-stock TRY", "apply-voucher DO", "charge-payment DO", "ship DO", "ship DO",
                        "email DO", "sms DO", "reserve-stock CONFIRM");
        assertThat(audit.stepEvents(order, "reserve-stock")).extracting(SagaEvent::getKind).contains(SagaEventKind.STEP_CONFIRMED);
        assertThat(audit.stepEvents(order, "ship")).extracting(SagaEvent::getKind)
                .containsSubsequence(SagaEventKind.STEP_RETRY_SCHEDULED, SagaEventKind.STEP_SUCCEEDED);
        List<SagaEventKind> notifications = audit.events(order).stream()
                .filter(e -> "email".equals(e.getStep()) || "sms".equals(e.getStep())).map(SagaEvent::getKind).toList();
        assertThat(notifications).as("both notifications are commanded before either reply")
                .startsWith(SagaEventKind.STEP_COMMANDED, SagaEventKind.STEP_COMMANDED)
                .containsOnly(SagaEventKind.STEP_COMMANDED, SagaEventKind.STEP_SUCCEEDED).hasSize(4);
    }

    @Test
    void cancelsTheStockAndRunsNothingAfterThePivotWhenThePaymentIsRefused() {
        String order = "order-refused-1";

        requests.start(SAGA, order);
        requests.flush();
        audit.awaitEnded(List.of(order), Duration.ofSeconds(60));

        assertThat(audit.terminalEvents(order)).extracting(SagaEvent::getKind).containsExactly(SagaEventKind.COMPENSATED);
        assertThat(handled.get(order)).containsExactly(
                "reserve-stock TRY", "apply-voucher DO", "charge-payment DO", "apply-voucher COMPENSATE", "reserve-stock CANCEL");
        assertThat(audit.stepEvents(order, "charge-payment")).extracting(SagaEvent::getErrorCode).contains("CARD_DECLINED");
        assertThat(audit.events(order)).as("events of steps after the pivot")
                .noneSatisfy(e -> assertThat(e.getStep()).isIn("ship", "email", "sms"));
    }

    private static Participant.Builder participant(LocalKafkaBroker broker, String service, String topic) {
        return Participant.builder()
                .applicationId("every-step-kind-it-" + service)
                .bootstrapServers(broker.bootstrapServers())
                .commandTopic(topic)
                .schemaRegistry(registry)
                .property(StreamsConfig.STATE_DIR_CONFIG, stateDir.resolve(service).toString());
    }

    private static StepResult record(StepContext context, StepResult result) {
        handled.computeIfAbsent(context.sagaId(), id -> new CopyOnWriteArrayList<>()).add(context.step() + " " + context.action());
        return result;
    }

    /** The stock service: holds on TRY, keeps on CONFIRM, releases on CANCEL. */
    private static final class RecordingTcc implements TccHandler<Order> {
        @Override
        public StepResult tryStep(Order order, StepContext context) {
            return record(context, StepResult.succeeded());
        }

        @Override
        public StepResult confirm(Order order, StepContext context) {
            return record(context, StepResult.succeeded());
        }

        @Override
        public StepResult cancel(Order order, StepContext context) {
            return record(context, StepResult.succeeded());
        }
    }
}
