package dev.sagaline.app.demo;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sagaline.localkafka.LocalKafkaBroker;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code sagaline demo --secure} end to end: a broker speaking only SASL_SSL with SCRAM-SHA-512
 * and enforcing ACLs, every part of the demo logged in as its own user with the least privilege,
 * a few hundred orders (some declined, some losing their payment command), and the refusals the
 * demo shows.
 */
@Tag("integration")
@Timeout(300)
class SecureDemoIT {

    @TempDir
    Path stateDir;

    @Test
    void runsEveryOrderWithLeastPrivilegeAndRefusesStrangersAndTrespassers() {
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(printed, true, StandardCharsets.UTF_8);
        DemoPlan plan = new DemoPlan(300, 0.1, 0.02);
        try (LocalKafkaBroker broker = LocalKafkaBroker.builder().secured().build().start()) {
            SecureDemo demo = SecureDemo.setUp(broker, out);

            DemoReport report = new OrderDemo(plan, demo.access(), 2, stateDir, Duration.ofSeconds(180), out, false, null).run();
            report.print(out);
            boolean refused = demo.showRefusals(out);

            String output = printed.toString(StandardCharsets.UTF_8);
            assertThat(report.passed()).as(output).isTrue();
            assertThat(report.compensated()).as(output).isEqualTo(plan.count(DemoPlan.Expectation.DECLINED));
            assertThat(refused).as(output).isTrue();
            assertThat(output)
                    .contains("  shop: WRITE topic sagaline.requests, READ topic sagaline.events")
                    .contains("Refused, as it must be: a client without valid credentials (SaslAuthenticationException")
                    .contains("Refused, as it must be: the payment service writing to inventory.commands (TopicAuthorizationException");
        }
    }
}
