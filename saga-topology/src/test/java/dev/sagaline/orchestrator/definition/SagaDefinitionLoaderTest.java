package dev.sagaline.orchestrator.definition;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import dev.sagaline.orchestrator.errors.InvalidSagaDefinitionException;
import dev.sagaline.protocol.v1.Payload;
import dev.sagaline.protocol.v1.PayloadEncoding;
import dev.sagaline.schemas.retry.RetryPolicy;
import dev.sagaline.schemas.serde.Payloads;
import java.net.URISyntaxException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SagaDefinitionLoaderTest {

    private static final Path ORDER_EXAMPLE = resource("order.yaml");
    private static final Payload SAGA_INPUT = Payloads.json("{\"orderId\":\"o-1\",\"customerId\":\"c-7\",\"total\":19.90}");

    @Test
    void loadsTheOrderExampleWithEveryKindInItsStages() {
        SagaDefinition order = SagaDefinitionLoader.fromYaml(ORDER_EXAMPLE);

        assertThat(order.name()).isEqualTo("order");
        assertThat(order.version()).isEqualTo(1);
        assertThat(order.stages()).extracting(Stage::name, Stage::parallel).containsExactly(
                tuple("reserve-stock", false),
                tuple("apply-voucher", false),
                tuple("charge-payment", false),
                tuple("ship", false),
                tuple("notify", true));
        assertThat(order.steps()).extracting(StepDefinition::name, StepDefinition::commandTopic, StepDefinition::kind).containsExactly(
                tuple("reserve-stock", "inventory.commands", StepKind.TCC),
                tuple("apply-voucher", "promotions.commands", StepKind.COMPENSATABLE),
                tuple("charge-payment", "payment.commands", StepKind.PIVOT),
                tuple("ship", "shipping.commands", StepKind.RETRIABLE),
                tuple("email", "notify.commands", StepKind.RETRIABLE),
                tuple("sms", "notify.commands", StepKind.RETRIABLE));
    }

    @Test
    void readsTheDeadlineTimeoutsAndRetryPoliciesOfTheExample() {
        SagaDefinition order = SagaDefinitionLoader.fromYaml(ORDER_EXAMPLE);

        assertThat(order.deadline()).contains(Duration.ofMinutes(5));
        StepDefinition reserve = order.step("reserve-stock").orElseThrow();
        assertThat(reserve.timeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(reserve.retry()).isEqualTo(new RetryPolicy(3, Duration.ofMillis(500), 2.0, Duration.ofMinutes(1), 0.2));
        assertThat(reserve.undoRetry()).isEqualTo(RetryPolicy.untilSuccess());
        assertThat(order.step("ship").orElseThrow().retry())
                .isEqualTo(new RetryPolicy(RetryPolicy.UNLIMITED, Duration.ofSeconds(5), 3.0, Duration.ofMinutes(10), 0.5));
        assertThat(order.step("sms").orElseThrow().timeout()).isEqualTo(Duration.ofSeconds(15));
    }

    @Test
    void leavesWhatAStepDoesNotSayToTheOrchestratorDefaults() {
        StepDefinition email = SagaDefinitionLoader.fromYaml(ORDER_EXAMPLE).step("email").orElseThrow();

        assertThat(email.timeout()).isNull();
        assertThat(email.retry()).isNull();
        assertThat(email.undoRetry()).isNull();
        assertThat(email.input().build(saga(Map.of()))).isEqualTo(SAGA_INPUT);
    }

    @Test
    void passesTheOutputOfTheStepNamedByInputStep() {
        StepInput ship = SagaDefinitionLoader.fromYaml(ORDER_EXAMPLE).step("ship").orElseThrow().input();
        Payload reservation = Payloads.json("{\"reservationId\":\"r-42\"}");

        assertThat(ship.build(saga(Map.of("reserve-stock", reservation)))).isEqualTo(reservation);
    }

    @Test
    void buildsJsonFieldsFromTheSagaInputAndEarlierOutputsInDeclaredOrder() {
        StepInput charge = SagaDefinitionLoader.fromYaml(ORDER_EXAMPLE).step("charge-payment").orElseThrow().input();
        Map<String, Payload> outputs = Map.of(
                "reserve-stock", Payloads.json("{\"reservationId\":\"r-42\",\"items\":2}"),
                "apply-voucher", Payloads.json("{\"discount\":5.00}"));

        Payload built = charge.build(saga(outputs));

        assertThat(built.getEncoding()).isEqualTo(PayloadEncoding.JSON);
        assertThat(Payloads.jsonText(built))
                .isEqualTo("{\"orderId\":\"o-1\",\"amount\":19.90,\"reservation\":\"r-42\",\"discount\":5.00}");
    }

    @Test
    void givesJsonNullForAFieldWhoseSourceIsMissingOrNotJson() {
        StepInput charge = SagaDefinitionLoader.fromYaml(ORDER_EXAMPLE).step("charge-payment").orElseThrow().input();
        Payload avro = new Payload(PayloadEncoding.AVRO_BINARY, "shop.Reservation", ByteBuffer.wrap(new byte[] {2, 4}));

        Payload built = charge.build(saga(Map.of("reserve-stock", avro)));

        assertThat(Payloads.jsonText(built))
                .isEqualTo("{\"orderId\":\"o-1\",\"amount\":19.90,\"reservation\":null,\"discount\":null}");
    }

    @Test
    void loadsEveryFileAndVersionOfADirectorySideBySide() {
        SagaDefinitions catalog = SagaDefinitionLoader.fromDirectory(resource("catalog"));

        assertThat(catalog.types()).containsExactlyInAnyOrder("order", "refund");
        assertThat(catalog.find("order", 1)).get().extracting(d -> d.steps().size()).isEqualTo(2);
        assertThat(catalog.find("order", null)).get().extracting(SagaDefinition::version).isEqualTo(2);
        assertThat(catalog.find("refund", null)).get().extracting(SagaDefinition::version).isEqualTo(1);
    }

    @Test
    void refusesOneTypeAndVersionInTwoFilesNamingBoth() {
        assertThatThrownBy(() -> SagaDefinitionLoader.fromDirectory(resource("duplicate")))
                .isInstanceOf(InvalidSagaDefinitionException.class)
                .hasMessageContaining("saga 'order' version 3")
                .hasMessageContaining("order-a.yaml")
                .hasMessageContaining("order-b.yml");
    }

    @Test
    void refusesADirectoryWithoutDefinitionFiles(@TempDir Path empty) {
        assertThatThrownBy(() -> SagaDefinitionLoader.fromDirectory(empty))
                .isInstanceOf(InvalidSagaDefinitionException.class)
                .hasMessageContaining(empty.toString())
                .hasMessageContaining("no *.yaml or *.yml file");
    }

    @Test
    void namesTheFileOfAnInvalidDefinitionInADirectory(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("checkout.yaml"), "saga: checkout\nsteps:\n  - { name: pay, kind: pivot }\n");

        assertThatThrownBy(() -> SagaDefinitionLoader.fromDirectory(dir))
                .isInstanceOf(InvalidSagaDefinitionException.class)
                .hasMessage("checkout.yaml: saga 'checkout' step 'pay' has no topic; add 'topic: <command topic>'");
    }

    private static StepInput.Saga saga(Map<String, Payload> outputs) {
        return new StepInput.Saga() {
            @Override
            public String sagaId() {
                return "o-1";
            }

            @Override
            public Optional<Payload> input() {
                return Optional.of(SAGA_INPUT);
            }

            @Override
            public Optional<Payload> output(String step) {
                return Optional.ofNullable(outputs.get(step));
            }

            @Override
            public Map<String, String> metadata() {
                return Map.of();
            }
        };
    }

    private static Path resource(String name) {
        try {
            return Path.of(SagaDefinitionLoaderTest.class.getResource("/definitions/" + name).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
