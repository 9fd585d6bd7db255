package dev.sagaline.orchestrator.testing;

import static dev.sagaline.orchestrator.runtime.support.SagaFixtures.ORDER;
import static org.assertj.core.api.Assertions.assertThat;

import dev.sagaline.orchestrator.runtime.SagalineConfig;
import dev.sagaline.protocol.v1.SagaStatus;
import java.time.Instant;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The extension hands each test its own kit, configured once, and closes it afterwards. */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SagaTestKitExtensionTest {

    private static final Instant START = Instant.parse("2031-05-01T10:00:00Z");

    @RegisterExtension
    static final SagaTestKitExtension sagas = SagaTestKitExtension.of(ORDER)
            .with(kit -> kit.startTime(START).config(SagalineConfig.RETRY_JITTER_CONFIG, 0.0));

    private static SagaTestKit previous;

    @Test
    @Order(1)
    void injectsAKitRunningTheDefinitions(SagaTestKit kit) {
        kit.start("o-1", "order");
        kit.replyTo("o-1", "reserve-stock").succeed();

        assertThat(kit.status("o-1")).isEqualTo(SagaStatus.RUNNING);
        assertThat(kit.now()).isEqualTo(START);
        previous = kit;
    }

    @Test
    @Order(2)
    void givesTheNextTestAFreshKit(SagaTestKit kit) {
        assertThat(kit).isNotSameAs(previous);
        assertThat(kit.status("o-1")).isNull();
        assertThat(kit.events()).isEmpty();
    }

    @Test
    @Order(3)
    void givesTheSameKitToEveryParameterOfOneTest(SagaTestKit kit, SagaTestKit same) {
        assertThat(same).isSameAs(kit);
    }
}
