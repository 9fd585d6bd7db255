package dev.sagaline.orchestrator.runtime.support;

import dev.sagaline.orchestrator.internals.statemachine.SagaRules;
import dev.sagaline.protocol.v1.SagaEvent;
import dev.sagaline.protocol.v1.SagaEventKind;
import dev.sagaline.protocol.v1.SagaStatus;
import dev.sagaline.protocol.v1.StepAction;
import dev.sagaline.orchestrator.testing.SagaTestKit;
import dev.sagaline.orchestrator.testing.SentCommand;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * Reads and checks a saga's audit log. {@link #assertWellFormed} is the check every rule test gets
 * through {@link WellFormedHistories}: sequence numbers 1..n without gaps, each event starting from
 * the status the previous one left, every status change a row of {@link SagaRules} with its
 * one event, and exactly one {@code STEP_COMMANDED} event per command sent.
 */
public final class SagaHistory {

    /** The event kinds only a status change writes. */
    public static final Set<SagaEventKind> TRANSITION_KINDS = onlyInStatusChanges();

    /** The event kinds a finished saga may still write after its details were purged: inputs it ignores or refuses. */
    private static final Set<SagaEventKind> AFTER_PURGE = EnumSet.of(SagaEventKind.DUPLICATE_START_IGNORED,
            SagaEventKind.LATE_REPLY_IGNORED, SagaEventKind.DUPLICATE_REPLY_IGNORED, SagaEventKind.ABORT_REFUSED,
            SagaEventKind.REQUEST_REFUSED, SagaEventKind.INPUT_DEAD_LETTERED);

    private SagaHistory() {
    }

    /** Checks the audit log of every saga {@code kit} ran. */
    public static void assertWellFormed(SagaTestKit kit) {
        Set<String> sagaIds = new LinkedHashSet<>();
        kit.events().forEach(e -> sagaIds.add(e.getSagaId()));
        kit.commands().forEach(c -> sagaIds.add(c.sagaId()));
        for (String sagaId : sagaIds) {
            assertWellFormed(sagaId, kit.events(sagaId), kit.commands(sagaId));
            assertFinishNoticed(sagaId, kit.events(sagaId), kit.commands(sagaId), kit.finishNotices(sagaId));
        }
    }

    /**
     * Checks that a finished saga told the command topic of every step it commanded, once, that it
     * finished, and that an unfinished saga told none: a participant keeps a step's record until then.
     */
    public static void assertFinishNoticed(String sagaId, List<SagaEvent> events, List<SentCommand> commands,
            List<SentCommand> notices) {
        boolean finished = events.stream().anyMatch(e -> e.getKind() == SagaEventKind.COMPLETED || e.getKind() == SagaEventKind.COMPENSATED);
        Set<String> commanded = new TreeSet<>();
        commands.stream().filter(c -> c.action() == StepAction.DO || c.action() == StepAction.TRY).forEach(c -> commanded.add(c.topic()));
        List<String> noticed = notices.stream().map(SentCommand::topic).sorted().toList();
        check(noticed.equals(finished ? List.copyOf(commanded) : List.of()), sagaId, events, (finished ? "the finished" : "the unfinished")
                + " saga sent FORGET notices to topics " + noticed + "; expected " + (finished ? commanded : "none"));
    }

    /**
     * Checks one saga's audit log against the commands it sent.
     *
     * @throws AssertionError naming the first rule broken, with the whole log
     */
    public static void assertWellFormed(String sagaId, List<SagaEvent> events, List<SentCommand> commands) {
        SagaStatus status = null;
        boolean purged = false;
        for (int i = 0; i < events.size(); i++) {
            SagaEvent e = events.get(i);
            String where = "event " + (i + 1) + " (" + e.getKind() + ")";
            check(!purged || AFTER_PURGE.contains(e.getKind()), sagaId, events, where + " follows PURGED, but only ignored or refused inputs may");
            check(e.getSequence() == i + 1, sagaId, events, where + " has sequence " + e.getSequence() + "; expected " + (i + 1) + " (no gaps, from 1)");
            check(e.getFromStatus() == status, sagaId, events, where + " starts from " + e.getFromStatus() + " but the saga was " + status);
            boolean changes = e.getFromStatus() != e.getToStatus() || e.getKind() == SagaEventKind.STARTED;
            if (changes || TRANSITION_KINDS.contains(e.getKind())) {
                check(isRow(e.getFromStatus(), e.getKind(), e.getToStatus()), sagaId, events,
                        where + " changes " + e.getFromStatus() + " -> " + e.getToStatus() + ", which is no row of the rules table");
            }
            status = e.getToStatus();
            purged |= e.getKind() == SagaEventKind.PURGED;
        }
        List<String> commanded = events.stream().filter(e -> e.getKind() == SagaEventKind.STEP_COMMANDED || e.getKind() == SagaEventKind.STEP_RESENT)
                .map(SagaEvent::getCommandId).toList();
        List<String> sent = commands.stream().map(SentCommand::commandId).toList();
        check(commanded.equals(sent), sagaId, events, "STEP_COMMANDED and STEP_RESENT events name commands " + commanded + " but the saga sent " + sent);
        List<String> fresh = events.stream().filter(e -> e.getKind() == SagaEventKind.STEP_COMMANDED).map(SagaEvent::getCommandId).toList();
        check(new HashSet<>(fresh).size() == fresh.size(), sagaId, events, "a command id was used for two commands (only an in-doubt resend repeats one): " + fresh);
    }

    /** The kinds of the saga's events, in order. */
    public static List<SagaEventKind> kinds(SagaTestKit kit, String sagaId) {
        return kit.events(sagaId).stream().map(SagaEvent::getKind).toList();
    }

    /** The saga's events of {@code kind}, in order. */
    public static List<SagaEvent> eventsOf(SagaTestKit kit, String sagaId, SagaEventKind kind) {
        return kit.events(sagaId).stream().filter(e -> e.getKind() == kind).toList();
    }

    /** The saga's last event of {@code kind}. */
    public static SagaEvent lastEventOf(SagaTestKit kit, String sagaId, SagaEventKind kind) {
        List<SagaEvent> found = eventsOf(kit, sagaId, kind);
        if (found.isEmpty()) {
            throw new AssertionError("saga '" + sagaId + "' has no " + kind + " event; it has " + kinds(kit, sagaId));
        }
        return found.get(found.size() - 1);
    }

    /** The commands sent for {@code step} of the saga, in order. */
    public static List<SentCommand> commandsTo(SagaTestKit kit, String sagaId, String step) {
        return kit.commands(sagaId).stream().filter(c -> c.step().equals(step)).toList();
    }

    /** The commands of {@code action} sent for the saga, in order. */
    public static List<SentCommand> commandsOf(SagaTestKit kit, String sagaId, StepAction action) {
        return kit.commands(sagaId).stream().filter(c -> c.action() == action).toList();
    }

    /** The steps, in the order their first command of {@code action} was sent. */
    public static List<String> stepsSent(SagaTestKit kit, String sagaId, StepAction action) {
        List<String> steps = new ArrayList<>();
        commandsOf(kit, sagaId, action).stream().map(SentCommand::step).filter(s -> !steps.contains(s)).forEach(steps::add);
        return steps;
    }

    /** The saga's last command. */
    public static SentCommand lastCommand(SagaTestKit kit, String sagaId) {
        List<SentCommand> sent = kit.commands(sagaId);
        if (sent.isEmpty()) {
            throw new AssertionError("saga '" + sagaId + "' sent no command");
        }
        return sent.get(sent.size() - 1);
    }

    /** The whole log, one event a line, for failure messages. */
    public static String describe(List<SagaEvent> events) {
        return events.stream()
                .map(e -> "  " + e.getSequence() + " " + e.getKind() + (e.getStep() == null ? "" : " " + e.getStep())
                        + (e.getAction() == null ? "" : " " + e.getAction() + "#" + e.getAttempt())
                        + " " + e.getFromStatus() + "->" + e.getToStatus() + (e.getReason() == null ? "" : " (" + e.getReason() + ")"))
                .collect(Collectors.joining("\n"));
    }

    private static Set<SagaEventKind> onlyInStatusChanges() {
        Set<SagaEventKind> kinds = EnumSet.noneOf(SagaEventKind.class);
        SagaRules.statusChanges().stream().map(SagaRules.Rule::event).filter(Objects::nonNull).forEach(kinds::add);
        SagaRules.table().stream().filter(r -> !r.changesStatus()).map(SagaRules.Rule::event).filter(Objects::nonNull).forEach(kinds::remove);
        return kinds;
    }

    private static boolean isRow(SagaStatus from, SagaEventKind kind, SagaStatus to) {
        return SagaRules.statusChanges().stream()
                .anyMatch(t -> t.from() == from && t.event() == kind && Objects.equals(t.to(), to));
    }

    private static void check(boolean ok, String sagaId, List<SagaEvent> events, String problem) {
        if (!ok) {
            throw new AssertionError("saga '" + sagaId + "' audit log is not well formed: " + problem + "\n" + describe(events));
        }
    }
}
