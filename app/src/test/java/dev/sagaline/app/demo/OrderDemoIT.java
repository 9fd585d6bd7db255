package dev.sagaline.app.demo;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sagaline.app.testsupport.AuditLog;
import dev.sagaline.orchestrator.definition.StepDefinition;
import dev.sagaline.localkafka.LocalKafkaBroker;
import dev.sagaline.protocol.v1.SagaEvent;
import dev.sagaline.protocol.v1.SagaEventKind;
import dev.sagaline.protocol.v1.StepAction;
import dev.sagaline.orchestrator.runtime.SagalineConfig;
import dev.sagaline.schemas.registry.SchemaRegistries;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The demo end to end on a real local broker: the orchestrator, the three services and the lossy
 * link, a couple of hundred orders, and the audit topic read back independently of the demo's own
 * monitor. Each test gets a fresh broker; one runs the demo twice on the same broker and state, as
 * a second {@code demo --data-dir} run does.
 */
@Tag("integration")
@Timeout(100)
class OrderDemoIT {

    private static final int SAGAS = 200;
    private static final int PARTITIONS = 2;
    private static final String EVENTS_TOPIC = SagalineConfig.of(Map.of()).topics().events();
    private static final StepDefinition PAYMENT = OrderDemo.definitions().find("order", null).orElseThrow()
            .step("charge-payment").orElseThrow();

    @TempDir
    Path stateDir;

    private LocalKafkaBroker broker;

    /** A fresh broker with the audit topic, so that the test can start reading it before the demo starts. */
    @BeforeEach
    void startBroker() {
        broker = LocalKafkaBroker.builder().build().start();
        broker.createTopics(Map.of(EVENTS_TOPIC, PARTITIONS));
    }

    @AfterEach
    void closeBroker() {
        broker.close();
    }

    @Test
    void completesEveryOrderWhenNoPaymentFails() throws Exception {
        DemoPlan plan = new DemoPlan(SAGAS, 0, 0);

        DemoRun run = run(plan);

        assertThat(run.report.passed()).as(run.summary()).isTrue();
        assertThat(run.report.completed()).isEqualTo(SAGAS);
        assertThat(run.report.compensated()).isZero();
        assertThat(run.sagaIds()).hasSize(SAGAS).allSatisfy(id -> {
            assertThat(run.audit.terminalEvents(id)).extracting(SagaEvent::getKind).containsExactly(SagaEventKind.COMPLETED);
            assertThat(run.audit.stepEvents(id, "reserve-stock")).extracting(SagaEvent::getKind).contains(SagaEventKind.STEP_CONFIRMED);
            assertThat(run.audit.stepEvents(id, "ship")).extracting(SagaEvent::getKind).contains(SagaEventKind.STEP_SUCCEEDED);
        });
        try (Admin admin = Admin.create(broker.clientConfig())) {
            assertThat(admin.listTopics().names().get(30, TimeUnit.SECONDS)).as("the services' dead-letter topics")
                    .contains("sagaline-demo-inventory.dlq", "sagaline-demo-payment.dlq", "sagaline-demo-shipping.dlq");
        }
    }

    @Test
    void aSecondRunOnTheSameBrokerAndStateFinishesAsPlannedToo() {
        DemoPlan plan = new DemoPlan(SAGAS, 0.2, 0);

        DemoRun first = run(plan);
        DemoRun second = run(plan);

        assertThat(first.report.passed()).as(first.summary()).isTrue();
        assertThat(second.report.passed()).as(second.summary()).isTrue();
        assertThat(second.report.compensated()).isEqualTo(plan.count(DemoPlan.Expectation.DECLINED));
        assertThat(second.sagaIds()).hasSize(SAGAS).doesNotContainAnyElementsOf(first.sagaIds());
    }

    @Test
    void compensatesTheOrdersWhosePaymentIsDeclinedAndCancelsTheirStock() {
        DemoPlan plan = new DemoPlan(SAGAS, 0.2, 0);

        DemoRun run = run(plan);

        assertThat(plan.count(DemoPlan.Expectation.DECLINED)).as("declined orders in the plan").isPositive();
        assertThat(run.report.passed()).as(run.summary()).isTrue();
        assertThat(run.report.compensated()).isEqualTo(plan.count(DemoPlan.Expectation.DECLINED));
        assertThat(run.report.completed()).isEqualTo(plan.count(DemoPlan.Expectation.COMPLETED));
        assertThat(run.sagaIds()).hasSize(SAGAS);
        run.sagaIds().stream().filter(id -> plan.expectation(id) == DemoPlan.Expectation.DECLINED).forEach(id -> {
            assertThat(run.audit.stepEvents(id, "charge-payment")).as(id)
                    .anySatisfy(e -> assertThat(e.getErrorCode()).isEqualTo("CARD_DECLINED"));
            assertThat(run.audit.stepEvents(id, "reserve-stock")).as(id)
                    .anySatisfy(e -> assertThat(e.getKind()).isEqualTo(SagaEventKind.STEP_UNDONE))
                    .noneSatisfy(e -> assertThat(e.getKind()).isEqualTo(SagaEventKind.STEP_CONFIRMED));
            assertThat(run.audit.stepEvents(id, "ship")).as(id).isEmpty();
            assertThat(run.audit.terminalEvents(id)).extracting(SagaEvent::getKind).containsExactly(SagaEventKind.COMPENSATED);
        });
    }

    @Test
    void completesTheOrdersWhosePaymentCommandIsLostBySendingTheSameCommandAgain() {
        DemoPlan plan = new DemoPlan(SAGAS, 0, 0.2);

        DemoRun run = run(plan);

        assertThat(plan.count(DemoPlan.Expectation.LOST)).as("lost orders in the plan").isPositive();
        assertThat(run.report.passed()).as(run.summary()).isTrue();
        assertThat(run.report.compensated()).isZero();
        assertThat(run.report.completed()).isEqualTo(SAGAS);
        run.sagaIds().stream().filter(id -> plan.expectation(id) == DemoPlan.Expectation.LOST).forEach(id -> {
            List<SagaEvent> payment = run.audit.stepEvents(id, "charge-payment");
            assertThat(payment).as(id + ": the pivot's outcome was unknown, then asked again").extracting(SagaEvent::getKind)
                    .contains(SagaEventKind.STEP_TIMED_OUT, SagaEventKind.STEP_IN_DOUBT, SagaEventKind.STEP_RESENT, SagaEventKind.STEP_SUCCEEDED);
            assertThat(payment).as(id + ": one command id, sent again, never a new attempt")
                    .filteredOn(e -> e.getCommandId() != null).extracting(SagaEvent::getCommandId).containsOnly(payment.get(0).getCommandId());
            assertThat(run.audit.stepEvents(id, "reserve-stock")).as(id + ": nothing undone")
                    .noneSatisfy(e -> assertThat(e.getAction()).isEqualTo(StepAction.CANCEL));
            assertThat(run.audit.terminalEvents(id).get(0).getKind()).as(id).isEqualTo(SagaEventKind.COMPLETED);
        });
    }

    /** Runs the demo with {@code plan} and reads the audit topic until every saga of the run has ended. */
    private DemoRun run(DemoPlan plan) {
        ByteArrayOutputStream progress = new ByteArrayOutputStream();
        try (AuditLog audit = AuditLog.fromNow(broker.bootstrapServers(), EVENTS_TOPIC,
                SchemaRegistries.fromUrl(OrderDemo.SCHEMA_REGISTRY_URL, Map.of()))) {
            DemoReport report = new OrderDemo(plan, broker.bootstrapServers(), PARTITIONS, stateDir, Duration.ofSeconds(60),
                    new PrintStream(progress, true, StandardCharsets.UTF_8), false).run();
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (audit.endedCount() < plan.sagas() && System.nanoTime() < deadline) {
                audit.read();
            }
            // Read on a little, so that a second terminal event of a saga would be seen.
            audit.awaitEnded(audit.terminalKindsBySaga().keySet(), Duration.ofSeconds(5));
            return new DemoRun(report, audit, progress.toString(StandardCharsets.UTF_8));
        }
    }

    /** What one demo run reported, and what its audit log holds. */
    private record DemoRun(DemoReport report, AuditLog audit, String progress) {

        /** The run's sagas, each checked to have ended exactly once. */
        List<String> sagaIds() {
            Map<String, List<SagaEventKind>> terminal = audit.terminalKindsBySaga();
            assertThat(terminal).as("terminal events by saga").allSatisfy((id, kinds) -> assertThat(kinds).as(id).hasSize(1));
            return List.copyOf(terminal.keySet());
        }

        /** The demo's progress lines and summary, for a failure message. */
        String summary() {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            report.print(new PrintStream(out, true, StandardCharsets.UTF_8));
            return progress + out.toString(StandardCharsets.UTF_8);
        }
    }
}
