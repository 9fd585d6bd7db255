package dev.sagaline.app.bench;

import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;

/**
 * The exactly-once ceilings: the least work that moves a three-step saga's records through the
 * same hops a real saga takes, in two Kafka Streams applications as the saga runs in two (the
 * orchestrator and one participant service owning the three steps). A pass-through coordinator
 * reads requests and replies, does one RocksDB get and put per record and writes the next command;
 * a pass-through participant does one get and put per command and writes the reply. The
 * {@linkplain Shape#BARE bare} ceiling writes nothing else: 8 records per saga (the request, three
 * commands, three replies, one end record). The {@linkplain Shape#AUDITED audited} one also writes
 * as many audit records as the orchestrator does. Whatever rate they reach is what Kafka and Kafka
 * Streams allow on this machine for that much work.
 */
final class CeilingTopology {

    static final String STORE = "ceiling-progress";

    /** Header marking the record that ends a saga. */
    static final String END_HEADER = "end";

    /** How much the coordinator writes beside the commands. */
    enum Shape {
        /** Only what a three-step saga must: the commands and one end record. */
        BARE,
        /** Also two audit records per hop, as the orchestrator writes eight audit events per saga. */
        AUDITED
    }

    private CeilingTopology() {
    }

    /**
     * The coordinator: on a request or a reply, the next command (after the last reply, the end
     * record), preceded by two audit records per hop in the {@link Shape#AUDITED} shape.
     */
    static Topology coordinator(BenchTopics topics, Shape shape, byte[] auditRecord) {
        Topology topology = new Topology();
        topology.addSource("ceiling-requests", Serdes.String().deserializer(), Serdes.ByteArray().deserializer(), topics.requests());
        topology.addSource("ceiling-replies", Serdes.String().deserializer(), Serdes.ByteArray().deserializer(), topics.replies());
        topology.addProcessor("ceiling-coordinator", () -> new Coordinator(shape, auditRecord), "ceiling-requests", "ceiling-replies");
        topology.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(STORE), Serdes.String(), Serdes.Integer()),
                "ceiling-coordinator");
        topology.addSink("ceiling-commands", topics.commands(), Serdes.String().serializer(), Serdes.ByteArray().serializer(),
                "ceiling-coordinator");
        topology.addSink("ceiling-events", topics.events(), Serdes.String().serializer(), Serdes.ByteArray().serializer(),
                "ceiling-coordinator");
        return topology;
    }

    /** The participant: reads commands, one get and put, writes the reply. */
    static Topology participant(BenchTopics topics) {
        Topology topology = new Topology();
        topology.addSource("ceiling-commands", Serdes.String().deserializer(), Serdes.ByteArray().deserializer(), topics.commands());
        topology.addProcessor("ceiling-participant", Participant::new, "ceiling-commands");
        topology.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(STORE), Serdes.String(), Serdes.Integer()),
                "ceiling-participant");
        topology.addSink("ceiling-replies", topics.replies(), Serdes.String().serializer(), Serdes.ByteArray().serializer(), "ceiling-participant");
        return topology;
    }

    private static final class Coordinator implements Processor<String, byte[], String, byte[]> {
        private final Shape shape;
        private final byte[] auditRecord;
        private ProcessorContext<String, byte[]> context;
        private KeyValueStore<String, Integer> progress;

        Coordinator(Shape shape, byte[] auditRecord) {
            this.shape = shape;
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
            boolean last = next == BenchTopics.STEPS.size();
            if (shape == Shape.AUDITED) {
                context.forward(audit, "ceiling-events");
                if (!last) {
                    context.forward(audit, "ceiling-events");
                }
            }
            if (last) {
                context.forward(audit.withHeaders(new RecordHeaders().add(END_HEADER, new byte[0])), "ceiling-events");
            } else {
                context.forward(record.withHeaders(new RecordHeaders()), "ceiling-commands");
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
