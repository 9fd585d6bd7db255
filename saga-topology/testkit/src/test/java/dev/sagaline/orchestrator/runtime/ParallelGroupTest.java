package dev.sagaline.orchestrator.runtime;

import static dev.sagaline.orchestrator.runtime.support.SagaFixtures.BOOKING;
import static dev.sagaline.orchestrator.runtime.support.SagaFixtures.BOOKING_TIMEOUT;
import static dev.sagaline.orchestrator.runtime.support.SagaFixtures.FIRST_BACKOFF;
import static dev.sagaline.orchestrator.runtime.support.SagaFixtures.kit;
import static dev.sagaline.orchestrator.runtime.support.SagaHistory.commandsTo;
import static dev.sagaline.orchestrator.runtime.support.SagaHistory.lastCommand;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import dev.sagaline.protocol.v1.SagaEvent;
import dev.sagaline.protocol.v1.SagaEventKind;
import dev.sagaline.protocol.v1.SagaStatus;
import dev.sagaline.protocol.v1.StepAction;
import dev.sagaline.orchestrator.runtime.support.WellFormedHistories;
import dev.sagaline.orchestrator.testing.SagaTestKit;
import dev.sagaline.orchestrator.testing.SentCommand;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A parallel group's members are commanded at once and the saga moves on when all succeeded.
 * When one fails, the others' replies are still awaited (up to their timeouts); then every member
 * whose command was sent is compensated together, before the steps before the group.
 */
@ExtendWith(WellFormedHistories.class)
class ParallelGroupTest {

    private static final List<String> MEMBERS = List.of("book-flight", "book-hotel", "book-car");

    @Test
    void commandsEveryMemberOfAGroupAtOnce() {
        try (SagaTestKit kit = kit(BOOKING)) {
            kit.start("b-1", "booking");
            kit.replyTo("b-1", "reserve-budget").succeed();

            assertThat(kit.commands("b-1")).extracting(SentCommand::step, SentCommand::action).containsExactly(
                    tuple("reserve-budget", StepAction.DO), tuple("book-flight", StepAction.DO),
                    tuple("book-hotel", StepAction.TRY), tuple("book-car", StepAction.DO));
        }
    }

    @Test
    void movesOnOnlyWhenEveryMemberSucceeded() {
        try (SagaTestKit kit = kit(BOOKING)) {
            enterTheGroup(kit);
            kit.replyTo("b-1", "book-flight").succeed();
            kit.replyTo("b-1", "book-car").succeed();
            assertThat(commandsTo(kit, "b-1", "charge")).isEmpty();

            kit.replyTo("b-1", "book-hotel").succeed();

            assertThat(commandsTo(kit, "b-1", "charge")).hasSize(1);
        }
    }

    @Test
    void awaitsTheOtherMembersRepliesBeforeCompensatingAFailedGroup() {
        try (SagaTestKit kit = kit(BOOKING)) {
            enterTheGroup(kit);
            kit.replyTo("b-1", "book-flight").fail("NO_SEAT", "sold out");

            kit.assertThat("b-1").hasStatus(SagaStatus.COMPENSATING);
            kit.replyTo("b-1", "book-hotel").succeed();
            assertThat(lastCommand(kit, "b-1").action()).as("nothing undone while book-car awaits its reply").isEqualTo(StepAction.DO);

            kit.replyTo("b-1", "book-car").succeed();

            assertThat(kit.commands("b-1").subList(4, 7)).extracting(SentCommand::step, SentCommand::action).containsExactly(
                    tuple("book-flight", StepAction.COMPENSATE), tuple("book-hotel", StepAction.CANCEL), tuple("book-car", StepAction.COMPENSATE));
        }
    }

    @Test
    void compensatesAFailedGroupOnceTheOtherMembersTimedOut() {
        try (SagaTestKit kit = kit(BOOKING)) {
            enterTheGroup(kit);
            kit.replyTo("b-1", "book-flight").fail("NO_SEAT", "sold out");

            kit.advanceTime(BOOKING_TIMEOUT.minusMillis(100));
            assertThat(kit.commands("b-1")).hasSize(4);
            kit.advanceTime(BOOKING_TIMEOUT);

            assertThat(kit.commands("b-1").subList(4, 7)).extracting(SentCommand::step)
                    .containsExactly("book-flight", "book-hotel", "book-car");
            assertThat(commandsTo(kit, "b-1", "book-hotel")).extracting(SentCommand::action).containsExactly(StepAction.TRY, StepAction.CANCEL);
        }
    }

    @Test
    void doesNotRetryAMemberOnceTheGroupFailed() {
        try (SagaTestKit kit = kit(BOOKING)) {
            enterTheGroup(kit);
            kit.replyTo("b-1", "book-flight").fail("NO_SEAT", "sold out");
            kit.replyTo("b-1", "book-hotel").retryableError("HOTEL_BUSY", "later");
            kit.replyTo("b-1", "book-car").succeed();
            kit.advanceTime(FIRST_BACKOFF);

            assertThat(commandsTo(kit, "b-1", "book-hotel")).extracting(SentCommand::action, SentCommand::attempt)
                    .containsExactly(tuple(StepAction.TRY, 1), tuple(StepAction.CANCEL, 1));
        }
    }

    @Test
    void recordsAMembersTransientErrorAsItsFailureOnceTheGroupFailed() {
        try (SagaTestKit kit = kit(BOOKING)) {
            enterTheGroup(kit);
            kit.replyTo("b-1", "book-flight").fail("NO_SEAT", "sold out");
            int logged = kit.events("b-1").size();

            kit.replyTo("b-1", "book-hotel").retryableError("HOTEL_BUSY", "later");

            SagaEvent recorded = kit.events("b-1").get(logged);
            assertThat(recorded.getKind()).isEqualTo(SagaEventKind.STEP_FAILED);
            assertThat(recorded.getStep()).isEqualTo("book-hotel");
            assertThat(recorded.getErrorCode()).isEqualTo("HOTEL_BUSY");
        }
    }

    @Test
    void compensatesTheWholeGroupBeforeTheStepBeforeIt() {
        try (SagaTestKit kit = kit(BOOKING)) {
            enterTheGroup(kit);
            MEMBERS.forEach(member -> kit.replyTo("b-1", member).succeed());
            kit.replyTo("b-1", "charge").fail("CARD_DECLINED", "insufficient funds");
            kit.replyTo("b-1", "charge").succeed();
            assertThat(kit.commands("b-1").subList(6, 9)).extracting(SentCommand::step).containsExactlyElementsOf(MEMBERS);

            kit.replyTo("b-1", "book-car").succeed();
            kit.replyTo("b-1", "book-flight").succeed();
            assertThat(commandsTo(kit, "b-1", "reserve-budget")).as("book-hotel is not cancelled yet").hasSize(1);
            kit.replyTo("b-1", "book-hotel").succeed();
            kit.replyTo("b-1", "reserve-budget").succeed();

            kit.assertThat("b-1").isCompensated()
                    .compensatedInOrder("charge", "book-car", "book-flight", "book-hotel", "reserve-budget");
        }
    }

    private static void enterTheGroup(SagaTestKit kit) {
        kit.start("b-1", "booking");
        kit.replyTo("b-1", "reserve-budget").succeed();
    }
}
