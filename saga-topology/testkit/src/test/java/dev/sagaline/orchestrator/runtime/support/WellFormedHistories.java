package dev.sagaline.orchestrator.runtime.support;

import dev.sagaline.orchestrator.testing.SagaTestKit;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Checks, after each test, the audit log of every saga run by a kit the test opened through
 * {@link SagaFixtures} ({@link SagaHistory#assertWellFormed(SagaTestKit)}). A kit keeps its events
 * in memory, so the check works after the test closed it.
 *
 * <pre>{@code
 * @ExtendWith(WellFormedHistories.class)
 * class SagaForwardTest { ... }
 * }</pre>
 */
public final class WellFormedHistories implements BeforeEachCallback, AfterEachCallback {

    private static final ThreadLocal<List<SagaTestKit>> OPENED = new ThreadLocal<>();

    static SagaTestKit register(SagaTestKit kit) {
        List<SagaTestKit> opened = OPENED.get();
        if (opened != null) {
            opened.add(kit);
        }
        return kit;
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        OPENED.set(new ArrayList<>());
    }

    @Override
    public void afterEach(ExtensionContext context) {
        List<SagaTestKit> opened = OPENED.get();
        OPENED.remove();
        if (opened == null) {
            return;
        }
        opened.forEach(SagaHistory::assertWellFormed);
    }
}
