package dev.sagaline.topics;

import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Which open transactions of a Kafka Streams application under {@code exactly_once_v2} belong to
 * no running instance. A stream thread's transactional id is
 * {@code <application.id>-<process id>-<thread index>}; its consumer's client id is
 * {@code <client.id>-StreamThread-<thread index>-consumer}, and {@code client.id} defaults to
 * {@code <application.id>-<process id>}. A transaction whose process id no member of the group
 * has, and that is not this process's, was left by an instance that died (or was thrown out of
 * the group): fencing it loses nothing, as its records were never committed. (The fence only
 * asks about transactions open for a session timeout or longer.)
 *
 * @param applicationId the application's id, which is its consumer group and the prefix of its transactional ids
 */
record AbandonedTransactions(String applicationId) {

    private static final String UUID = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}";

    /** What one look found: the transactional ids to fence, or why it cannot tell live from dead. */
    record Verdict(List<String> toFence, Optional<String> undecidable) {

        static Verdict fence(List<String> ids) {
            return new Verdict(List.copyOf(ids), Optional.empty());
        }

        static Verdict cannotTell(String why) {
            return new Verdict(List.of(), Optional.of(why));
        }
    }

    /**
     * The open transactions of {@code ongoing} to fence, given the consumer client ids of the
     * group's members and of this process's own stream threads. A client id that carries no
     * process id (a {@code client.id} set by the user) makes every transaction possibly that
     * member's, so nothing is fenced.
     */
    Verdict judge(Collection<String> ongoing, Collection<String> memberClientIds, Collection<String> ownClientIds) {
        Set<String> live = new HashSet<>();
        for (String clientId : concat(memberClientIds, ownClientIds)) {
            Optional<String> processId = processIdOfConsumer(clientId);
            if (processId.isEmpty()) {
                return Verdict.cannotTell("stream thread client id '" + clientId + "' does not carry a process id ('"
                        + applicationId + "-<process id>-StreamThread-<n>-consumer'), so client.id is set");
            }
            live.add(processId.get());
        }
        return Verdict.fence(ongoing.stream().filter(id -> processIdOfTransaction(id).filter(pid -> !live.contains(pid)).isPresent())
                .sorted().toList());
    }

    /**
     * Of {@code openSinceBeforeStart}, the transactions open since before this instance of the
     * application was created, those of this very process: its earlier run's. Kafka Streams keeps
     * the process id in the state directory, so an instance killed and started again on it has the
     * same transactional ids; the earlier run's open transaction ends only when a thread of the new
     * run initialises that id, which a thread with no active task, or one the new run does not have,
     * never does. Empty while {@code ownClientIds} (this process's stream threads' consumer client
     * ids) name no process.
     */
    List<String> ofEarlierRun(Collection<String> openSinceBeforeStart, Collection<String> ownClientIds) {
        Set<String> own = new HashSet<>();
        ownClientIds.forEach(clientId -> processIdOfConsumer(clientId).ifPresent(own::add));
        return openSinceBeforeStart.stream().filter(id -> processIdOfTransaction(id).filter(own::contains).isPresent())
                .sorted().toList();
    }

    /** The process id in a stream thread's transactional id, empty for any other transactional id. */
    Optional<String> processIdOfTransaction(String transactionalId) {
        return group(transactionalId, Pattern.quote(applicationId + "-") + "(" + UUID + ")-\\d+");
    }

    private Optional<String> processIdOfConsumer(String clientId) {
        return group(clientId, Pattern.quote(applicationId + "-") + "(" + UUID + ")-StreamThread-\\d+-consumer");
    }

    private static Optional<String> group(String text, String regex) {
        Matcher matcher = Pattern.compile(regex).matcher(text);
        return matcher.matches() ? Optional.of(matcher.group(1)) : Optional.empty();
    }

    private static List<String> concat(Collection<String> first, Collection<String> second) {
        return java.util.stream.Stream.concat(first.stream(), second.stream()).toList();
    }
}
