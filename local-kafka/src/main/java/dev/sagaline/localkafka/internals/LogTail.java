package dev.sagaline.localkafka.internals;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/** Reads the last lines of a broker's output file without loading the whole file. */
public final class LogTail {

    /** Enough bytes for the last few dozen lines of a stack trace. */
    private static final int MAX_BYTES = 64 * 1024;

    private LogTail() {
    }

    /** The last {@code maxLines} lines of {@code file}; empty when the file does not exist yet. */
    public static List<String> lastLines(Path file, int maxLines) {
        try (SeekableByteChannel channel = Files.newByteChannel(file)) {
            long size = channel.size();
            int length = (int) Math.min(size, MAX_BYTES);
            ByteBuffer buffer = ByteBuffer.allocate(length);
            channel.position(size - length);
            while (buffer.hasRemaining() && channel.read(buffer) >= 0) {
                // keep reading until the buffer is full or the file ends
            }
            List<String> lines = Arrays.asList(
                    new String(buffer.array(), 0, buffer.position(), StandardCharsets.UTF_8).split("\r?\n"));
            boolean startsMidLine = size > length;
            int from = Math.max(startsMidLine ? 1 : 0, lines.size() - maxLines);
            return List.copyOf(lines.subList(Math.min(from, lines.size()), lines.size()));
        } catch (NoSuchFileException e) {
            return List.of();
        } catch (IOException e) {
            return List.of("(cannot read " + file + ": " + e + ")");
        }
    }
}
