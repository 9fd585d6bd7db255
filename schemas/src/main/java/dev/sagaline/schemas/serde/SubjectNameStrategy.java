package dev.sagaline.schemas.serde;

import java.util.Locale;
import org.apache.avro.Schema;

/**
 * How a serializer names the registry subject it registers (or looks up) a record's schema under,
 * with the meaning of Confluent's strategies of the same names. Named in a serde's
 * {@code key.subject.name.strategy} / {@code value.subject.name.strategy} setting by Confluent's
 * class name (so an existing configuration works unchanged), its simple name, or {@code topic},
 * {@code record}, {@code topic-record}.
 */
public enum SubjectNameStrategy {

    /** {@code <topic>-key} or {@code <topic>-value}: one record type per topic, Confluent's default. */
    TOPIC("io.confluent.kafka.serializers.subject.TopicNameStrategy") {
        @Override
        public String subject(String topic, boolean isKey, Schema schema) {
            return topic + (isKey ? "-key" : "-value");
        }
    },

    /** The record's full name ({@code com.example.OrderPlaced}): one subject per type across every topic. */
    RECORD("io.confluent.kafka.serializers.subject.RecordNameStrategy") {
        @Override
        public String subject(String topic, boolean isKey, Schema schema) {
            return schema.getFullName();
        }
    },

    /** {@code <topic>-<full record name>}: several record types on one topic, each evolving on its own. */
    TOPIC_RECORD("io.confluent.kafka.serializers.subject.TopicRecordNameStrategy") {
        @Override
        public String subject(String topic, boolean isKey, Schema schema) {
            return topic + "-" + schema.getFullName();
        }
    };

    private final String confluentClassName;

    SubjectNameStrategy(String confluentClassName) {
        this.confluentClassName = confluentClassName;
    }

    /** The subject a record of {@code schema} is registered under when written to {@code topic}. */
    public abstract String subject(String topic, boolean isKey, Schema schema);

    /** The name of Confluent's strategy with this meaning. */
    public String confluentClassName() {
        return confluentClassName;
    }

    /**
     * The strategy {@code name} names: a Confluent class name, its simple name, or
     * {@code topic}, {@code record}, {@code topic-record}; letter case does not matter.
     *
     * @throws IllegalArgumentException naming the value and the names accepted
     */
    public static SubjectNameStrategy named(String name) {
        String wanted = name.strip();
        for (SubjectNameStrategy strategy : values()) {
            String simple = strategy.confluentClassName.substring(strategy.confluentClassName.lastIndexOf('.') + 1);
            String shortName = strategy.name().toLowerCase(Locale.ROOT).replace('_', '-');
            if (wanted.equals(strategy.confluentClassName) || wanted.equalsIgnoreCase(simple) || wanted.equalsIgnoreCase(shortName)) {
                return strategy;
            }
        }
        throw new IllegalArgumentException("unknown subject name strategy '" + name + "'; use topic, record or topic-record"
                + " (or Confluent's TopicNameStrategy, RecordNameStrategy, TopicRecordNameStrategy)");
    }
}
