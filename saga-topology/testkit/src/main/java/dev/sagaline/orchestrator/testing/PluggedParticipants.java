package dev.sagaline.orchestrator.testing;

import dev.sagaline.participant.ParticipantHandlers;
import dev.sagaline.protocol.v1.StepCommand;
import dev.sagaline.protocol.v1.StepReply;
import dev.sagaline.schemas.serde.Payloads;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.LongSupplier;

/**
 * The participants plugged into a kit, by command topic, and the replies the test chose to lose.
 * Each answers a command at once, as a participant on a quiet broker would.
 */
final class PluggedParticipants {

    private final Map<String, Function<StepCommand, StepReply>> byTopic;
    private final Map<String, Integer> repliesToLose = new HashMap<>();

    private PluggedParticipants(Map<String, Function<StepCommand, StepReply>> byTopic) {
        this.byTopic = Map.copyOf(byTopic);
    }

    /** Functions as given, and handlers run by the participant library on the kit's clock. */
    static PluggedParticipants of(Map<String, Function<StepCommand, StepReply>> functions, Map<String, ParticipantHandlers> handlers,
            Payloads payloads, LongSupplier nowMs) {
        Map<String, Function<StepCommand, StepReply>> byTopic = new HashMap<>(functions);
        handlers.forEach((topic, service) -> byTopic.put(topic, HandlerParticipant.answering(service, payloads, nowMs)));
        return new PluggedParticipants(byTopic);
    }

    void loseNextReply(String step) {
        repliesToLose.merge(step, 1, Integer::sum);
    }

    /** The reply to send for {@code command}: none when no participant has its topic, it gives none, or the test lost it. */
    Optional<StepReply> answer(SentCommand command) {
        Function<StepCommand, StepReply> participant = byTopic.get(command.topic());
        if (participant == null) {
            return Optional.empty();
        }
        StepReply reply = participant.apply(command.command());
        return reply == null || lose(command.step()) ? Optional.empty() : Optional.of(reply);
    }

    private boolean lose(String step) {
        Integer toLose = repliesToLose.get(step);
        if (toLose == null) {
            return false;
        }
        if (toLose == 1) {
            repliesToLose.remove(step);
        } else {
            repliesToLose.put(step, toLose - 1);
        }
        return true;
    }
}
