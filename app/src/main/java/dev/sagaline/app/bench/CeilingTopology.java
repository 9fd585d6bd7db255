package dev.sagaline.app.bench;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;

/**
 * The exactly-once ceiling: the least work that moves a three-step saga's records through the
 * same hops a real saga takes. A pass-through coordinator reads requests and replies, does one
 * RocksDB get and put per record, and writes the next command and as many audit records as the
 * real orchestrator writes; pass-through participants do one get and put per command and reply.
 * Whatever rate this reaches is what Kafka and Kafka Streams allow on this machine.
 */
final class CeilingTopology {

    static final String STORE = "ceiling-progress";

    private CeilingTopology() {
    }

    /** Header marking the audit record that ends a saga. */
    static final String END_HEADER = "end";

    /**
     * The coordinator: on a request or a reply, two audit records (as the orchestrator writes
     * "succeeded" and "commanded") and the next command; after the last reply, two audit records,
     * the second marked as the end.
     */
    static Topology coordinator(BenchTopics topics, byte[] auditRecord) {
        Topology topology = new Topology();
        topology.addSource("ceiling-requests", Serdes.String().deserializer(), Serdes.ByteArray().deserializer(), topics.requests());
        topology.addSource("ceiling-replies", Serdes.String().deserializer(), Serdes.ByteArray().deserializer(), topics.replies());
        topology.addProcessor("ceiling-coordinator", () -> new Coordinator(topics.commands(), auditRecord), "ceiling-requests", "ceiling-replies");
        topology.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(STORE), Serdes.String(), Serdes.Integer()),
                "ceiling-coordinator");
        topology.addSink("ceiling-commands", (key, value, context) -> context.headers().lastHeader("to") == null ? topics.events()
                : new String(context.headers().lastHeader("to").value(), StandardCharsets.UTF_8), Serdes.String().serializer(), Serdes.ByteArray().serializer(), "ceiling-coordinator");
        return topology;
    }

    /** A participant: reads commands, one get and put, writes the reply. */
    static Topology participant(String commandTopic, String replyTopic) {
        Topology topology = new Topology();
        topology.addSource("ceiling-commands", Serdes.String().deserializer(), Serdes.ByteArray().deserializer(), commandTopic);
        topology.addProcessor("ceiling-participant", Participant::new, "ceiling-commands");
        topology.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(STORE), Serdes.String(), Serdes.Integer()),
                "ceiling-participant");
        topology.addSink("ceiling-replies", replyTopic, Serdes.String().serializer(), Serdes.ByteArray().serializer(), "ceiling-participant");
        return topology;
    }

    private static final class Coordinator implements Processor<String, byte[], String, byte[]> {
        private final List<String> commandTopics;
        private final byte[] auditRecord;
        private ProcessorContext<String, byte[]> context;
        private KeyValueStore<String, Integer> progress;

        Coordinator(List<String> commandTopics, byte[] auditRecord) {
            this.commandTopics = commandTopics;
            this.auditRecord = auditRecord;
        }

        @Override
        public void init(ProcessorContext<String, byte[]> context) {
            this.context = context;
            this.progress = context.getStateStore(STORE);
        }

        @Override
        public void process(Record<String, byte[]> record) {
            Integer done = progress.get(record.key());
            int next = done == null ? 0 : done + 1;
            progress.put(record.key(), next);
            Record<String, byte[]> audit = record.withValue(auditRecord).withHeaders(new RecordHeaders());
            context.forward(audit);
            if (next < commandTopics.size()) {
                context.forward(audit);
                context.forward(record.withHeaders(new RecordHeaders().add("to", commandTopics.get(next).getBytes(StandardCharsets.UTF_8))));
            } else {
                context.forward(audit.withHeaders(new RecordHeaders().add(END_HEADER, new byte[0])));
            }
        }
    }

    private static final class Participant implements Processor<String, byte[], String, byte[]> {
        private ProcessorContext<String, byte[]> context;
        private KeyValueStore<String, Integer> handled;

        @Override
        public void init(ProcessorContext<String, byte[]> context) {
            this.context = context;
            this.handled = context.getStateStore(STORE);
        }

        @Override
        public void process(Record<String, byte[]> record) {
            Integer seen = handled.get(record.key());
            handled.put(record.key(), seen == null ? 1 : seen + 1);
            context.forward(record);
        }
    }
}
