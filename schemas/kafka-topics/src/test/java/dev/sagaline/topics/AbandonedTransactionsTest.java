package dev.sagaline.topics;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class AbandonedTransactionsTest {

    private static final String LIVE = "0b7a3c1e-9f7e-4a51-8d7c-2f8a0e6d1c11";
    private static final String OWN = "5e1d2c3b-4a59-4687-9a0b-1c2d3e4f5a6b";
    private static final String DEAD = "9c8b7a6f-5e4d-4c3b-8a29-180f7e6d5c4b";

    private final AbandonedTransactions orchestrator = new AbandonedTransactions("sagaline-orchestrator");

    @Test
    void fencesTheTransactionsOfAProcessThatIsNeitherAMemberNorThisOne() {
        AbandonedTransactions.Verdict verdict = orchestrator.judge(
                List.of(txn(LIVE, 1), txn(DEAD, 2), txn(OWN, 1), txn(DEAD, 1)),
                List.of(consumer(LIVE, 1), consumer(LIVE, 2)),
                List.of(consumer(OWN, 1)));

        assertThat(verdict.toFence()).containsExactly(txn(DEAD, 1), txn(DEAD, 2));
        assertThat(verdict.undecidable()).isEmpty();
    }

    @Test
    void neverFencesThisProcessEvenBeforeItShowsInTheGroup() {
        assertThat(orchestrator.judge(List.of(txn(OWN, 1), txn(OWN, 2)), List.of(), List.of(consumer(OWN, 1))).toFence()).isEmpty();
    }

    @Test
    void fencesEveryOpenTransactionWhenTheGroupHasNoMembers() {
        assertThat(orchestrator.judge(List.of(txn(DEAD, 1), txn(LIVE, 3)), List.of(), List.of()).toFence())
                .containsExactlyInAnyOrder(txn(DEAD, 1), txn(LIVE, 3));
    }

    @Test
    void leavesTransactionsOfOtherApplicationsSharingThePrefixAlone() {
        AbandonedTransactions.Verdict verdict = orchestrator.judge(
                List.of("sagaline-orchestrator-inventory-" + DEAD + "-1", "sagaline-orchestrator-" + DEAD, "sagaline-orchestrator-relay-1",
                        "other-" + DEAD + "-1"),
                List.of(), List.of());

        assertThat(verdict.toFence()).isEmpty();
    }

    @Test
    void fencesNothingWhenAMembersClientIdDoesNotNameItsProcess() {
        AbandonedTransactions.Verdict verdict = orchestrator.judge(
                List.of(txn(DEAD, 1)), List.of(consumer(LIVE, 1), "orders-node-2-StreamThread-1-consumer"), List.of(consumer(OWN, 1)));

        assertThat(verdict.toFence()).isEmpty();
        assertThat(verdict.undecidable()).hasValueSatisfying(why -> assertThat(why)
                .contains("orders-node-2-StreamThread-1-consumer").contains("client.id"));
    }

    @Test
    void takesThisProcesssTransactionsOpenSinceBeforeItStartedForItsEarlierRunsOnly() {
        // Listed as open since before this instance started: its own earlier run's (a thread it no
        // longer has among them), and those of other processes, which the group rule judges instead.
        List<String> openSinceBeforeStart = List.of(txn(OWN, 1), txn(LIVE, 1), txn(OWN, 3), txn(DEAD, 2));

        assertThat(orchestrator.ofEarlierRun(openSinceBeforeStart, List.of(consumer(OWN, 1), consumer(OWN, 2))))
                .containsExactly(txn(OWN, 1), txn(OWN, 3));
    }

    @Test
    void takesNoTransactionForAnEarlierRunBeforeThisProcessKnowsItsOwnId() {
        assertThat(orchestrator.ofEarlierRun(List.of(txn(OWN, 1)), List.of())).isEmpty();
        assertThat(orchestrator.ofEarlierRun(List.of(txn(OWN, 1)), List.of("orders-node-2-StreamThread-1-consumer"))).isEmpty();
    }

    private static String txn(String processId, int thread) {
        return "sagaline-orchestrator-" + processId + "-" + thread;
    }

    private static String consumer(String processId, int thread) {
        return "sagaline-orchestrator-" + processId + "-StreamThread-" + thread + "-consumer";
    }
}
