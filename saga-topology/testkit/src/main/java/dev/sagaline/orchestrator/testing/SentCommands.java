package dev.sagaline.orchestrator.testing;

import dev.sagaline.protocol.v1.StepAction;
import dev.sagaline.protocol.v1.StepCommand;
import dev.sagaline.schemas.serde.Payloads;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.streams.TestOutputTopic;

/**
 * The commands the orchestrator sent during a test, in order, read from the command topic of
 * every step the kit runs. FORGET notices are kept apart: a test never answers them.
 */
final class SentCommands {

    private final Map<String, TestOutputTopic<String, StepCommand>> topics;
    private final Payloads payloads;
    private final List<SentCommand> sent = new ArrayList<>();
    private final List<SentCommand> finishNotices = new ArrayList<>();

    SentCommands(Map<String, TestOutputTopic<String, StepCommand>> topics, Payloads payloads) {
        this.topics = topics;
        this.payloads = payloads;
    }

    /** Reads what was sent since the last read, FORGET notices included, topic by topic. */
    List<SentCommand> readNew() {
        List<SentCommand> fresh = new ArrayList<>();
        for (Map.Entry<String, TestOutputTopic<String, StepCommand>> topic : topics.entrySet()) {
            for (StepCommand command : topic.getValue().readValuesToList()) {
                fresh.add(new SentCommand(topic.getKey(), command, payloads));
            }
        }
        for (SentCommand command : fresh) {
            (command.action() == StepAction.FORGET ? finishNotices : sent).add(command);
        }
        return fresh;
    }

    List<SentCommand> all() {
        return List.copyOf(sent);
    }

    List<SentCommand> of(String sagaId) {
        return sent.stream().filter(c -> c.sagaId().equals(sagaId)).toList();
    }

    List<SentCommand> finishNotices(String sagaId) {
        return finishNotices.stream().filter(c -> c.sagaId().equals(sagaId)).toList();
    }

    Optional<SentCommand> last(String sagaId, String step) {
        List<SentCommand> matching = sent.stream().filter(c -> c.sagaId().equals(sagaId) && c.step().equals(step)).toList();
        return matching.isEmpty() ? Optional.empty() : Optional.of(matching.get(matching.size() - 1));
    }

    boolean contains(SentCommand command) {
        return sent.contains(command);
    }
}
