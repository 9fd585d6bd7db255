package dev.sagaline.badinput;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The README's "Bad input" table, read back so that each input topic's matrix test can check
 * that the table lists exactly the cases it runs, with the outcome it checks.
 */
public final class BadInputTable {

    /** The marker before the table in the README. */
    public static final String START = "<!-- bad-input:start -->";
    /** The marker after the table in the README. */
    public static final String END = "<!-- bad-input:end -->";

    /**
     * One row.
     *
     * @param topic the input topic, as the table names it
     * @param input the case, as the table names it
     * @param outcome what happens, as the table says
     */
    public record Row(String topic, String input, String outcome) {
    }

    private BadInputTable() {
    }

    /** The rows of the table in {@code readme}, in order. */
    public static List<Row> rows(Path readme) {
        String text;
        try {
            text = Files.readString(readme, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        int start = text.indexOf(START);
        int end = text.indexOf(END);
        if (start < 0 || end < start) {
            throw new IllegalStateException(readme + " has no table between " + START + " and " + END);
        }
        List<Row> rows = new ArrayList<>();
        for (String line : text.substring(start + START.length(), end).split("\n")) {
            String trimmed = line.trim();
            if (!trimmed.startsWith("|") || trimmed.startsWith("| ---") || trimmed.startsWith("| Topic ")) {
                continue;
            }
            String[] cells = trimmed.substring(1, trimmed.length() - 1).split("\\|");
            if (cells.length != 3) {
                throw new IllegalStateException("a row of the bad-input table needs 3 cells (topic, input, outcome): " + trimmed);
            }
            rows.add(new Row(cells[0].trim(), cells[1].trim(), cells[2].trim()));
        }
        return rows;
    }
}
