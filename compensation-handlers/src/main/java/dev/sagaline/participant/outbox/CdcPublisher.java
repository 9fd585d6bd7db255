package dev.sagaline.participant.outbox;

import io.debezium.engine.DebeziumEngine;
import io.debezium.engine.RecordChangeEvent;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import javax.sql.DataSource;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.connect.header.Header;
import org.apache.kafka.connect.source.SourceRecord;

/**
 * How the {@link CdcRelay} publishes what it read: every record sent, every acknowledgement
 * awaited, then the published rows deleted, and only after that the batch marked processed. A
 * failure before the mark throws, which leaves the whole batch to be published again.
 */
final class CdcPublisher {

    private final String relay;
    private final DataSource dataSource;
    private final String table;
    private final Producer<String, byte[]> producer;
    private final String deletePublished;

    CdcPublisher(String relay, DataSource dataSource, String table, Producer<String, byte[]> producer) {
        this.relay = relay;
        this.dataSource = dataSource;
        this.table = table;
        this.producer = producer;
        this.deletePublished = "DELETE FROM " + table + " WHERE message_id = ANY (?)";
    }

    /**
     * The engine's batch handler: publish every outbox record, wait for all acknowledgements,
     * delete the published rows, and only then mark the batch processed. Throwing leaves the
     * whole batch unmarked; the engine stops and is started again from the recorded offsets.
     */
    void publish(List<RecordChangeEvent<SourceRecord>> batch,
            DebeziumEngine.RecordCommitter<RecordChangeEvent<SourceRecord>> committer) throws InterruptedException {
        List<ProducerRecord<String, byte[]>> records = new ArrayList<>(batch.size());
        for (RecordChangeEvent<SourceRecord> event : batch) {
            String id = eventId(event.record());
            if (id != null) {
                records.add(toProducerRecord(event.record(), id));
            }
        }
        sendAndDelete(records);
        for (RecordChangeEvent<SourceRecord> event : batch) {
            committer.markProcessed(event);
        }
        committer.markBatchFinished();
    }

    /** Sends the records in order, waits for every acknowledgement, then deletes their rows. */
    void sendAndDelete(List<ProducerRecord<String, byte[]>> records) throws InterruptedException {
        List<Future<RecordMetadata>> acknowledgements = new ArrayList<>(records.size());
        for (ProducerRecord<String, byte[]> record : records) {
            acknowledgements.add(producer.send(record));
        }
        if (!acknowledgements.isEmpty()) {
            producer.flush();
        }
        List<String> ids = new ArrayList<>(records.size());
        for (int i = 0; i < acknowledgements.size(); i++) {
            String id = new String(records.get(i).headers().lastHeader(OutboxMessage.ID_HEADER).value(), StandardCharsets.UTF_8);
            try {
                acknowledgements.get(i).get();
            } catch (ExecutionException e) {
                throw new OutboxException("CDC relay " + relay + ": message " + id + " was not acknowledged; "
                        + "the batch of " + records.size() + " will be published again: " + e.getCause().getMessage(), e.getCause());
            }
            ids.add(id);
        }
        deletePublished(ids);
    }

    private void deletePublished(List<String> ids) {
        if (ids.isEmpty()) {
            return;
        }
        try (Connection connection = dataSource.getConnection(); PreparedStatement delete = connection.prepareStatement(deletePublished)) {
            Array array = connection.createArrayOf("varchar", ids.toArray());
            delete.setArray(1, array);
            delete.executeUpdate();
            if (!connection.getAutoCommit()) {
                connection.commit();
            }
        } catch (SQLException e) {
            throw new OutboxException("CDC relay " + relay + ": deleting " + ids.size() + " published message(s) from "
                    + table + " failed; the batch will be published again: " + e.getMessage(), e);
        }
    }

    /** The outbox message id of a record the event router produced; null for anything else (heartbeats). */
    private static String eventId(SourceRecord record) {
        Header id = record.headers().lastWithName(DebeziumSettings.EVENT_ID_HEADER);
        return id == null || id.value() == null ? null : id.value().toString();
    }

    private static ProducerRecord<String, byte[]> toProducerRecord(SourceRecord record, String id) {
        Header encoded = record.headers().lastWithName(DebeziumSettings.HEADERS_HEADER);
        Map<String, String> headers = encoded == null || encoded.value() == null ? Map.of() : HeaderCodec.decode(bytes(encoded.value()));
        return OutboxRecords.of(id, record.topic(), record.key() == null ? null : record.key().toString(),
                record.value() == null ? null : bytes(record.value()), headers);
    }

    private static byte[] bytes(Object value) {
        if (value instanceof byte[] array) {
            return array;
        }
        if (value instanceof ByteBuffer buffer) {
            byte[] copy = new byte[buffer.remaining()];
            buffer.duplicate().get(copy);
            return copy;
        }
        throw new OutboxException("expected bytes from the outbox table's BYTEA column, got " + value.getClass().getName(), null);
    }
}
