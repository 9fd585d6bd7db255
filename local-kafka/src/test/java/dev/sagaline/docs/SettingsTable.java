package dev.sagaline.docs;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.apache.kafka.common.config.ConfigDef;

/**
 * A guide's table of settings, compared with the {@link ConfigDef} that declares them: one row
 * {@code | `key` | default | doc |} per declared key, with the declared default and the declared
 * documentation word for word, and no row for a key that is not declared. Every module whose guide
 * documents a configuration checks it with this one reader, so a default or a doc text changed in
 * code without the guide (or the other way round) fails the build.
 *
 * <p>Defaults are written as the declaration's value; {@code (required)} for a key without a
 * default, {@code (none)} for a null or empty default.
 *
 * <p>Shipped to the other modules in the local-kafka test jar, with the architecture rules.
 */
public final class SettingsTable {

    private static final Pattern ROW = Pattern.compile("^\\|\\s*`([^`]+)`\\s*\\|(.*)\\|\\s*$");

    private final Path guide;
    private final Map<String, List<String>> rows;

    private SettingsTable(Path guide, Map<String, List<String>> rows) {
        this.guide = guide;
        this.rows = rows;
    }

    /**
     * The first table after the line {@code heading} in {@code guide} (a Markdown file).
     *
     * @throws IllegalArgumentException when the heading or a table after it is missing
     */
    public static SettingsTable under(Path guide, String heading) {
        List<String> lines;
        try {
            lines = Files.readAllLines(guide);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + guide, e);
        }
        int at = lines.indexOf(heading);
        if (at < 0) {
            throw new IllegalArgumentException(guide + " has no line '" + heading + "'");
        }
        int start = at + 1;
        while (start < lines.size() && !lines.get(start).startsWith("|")) {
            start++;
        }
        Map<String, List<String>> rows = new LinkedHashMap<>();
        for (int i = start; i < lines.size() && lines.get(i).startsWith("|"); i++) {
            Matcher row = ROW.matcher(lines.get(i));
            if (row.matches()) {
                List<String> cells = new ArrayList<>();
                for (String cell : row.group(2).split("\\|", -1)) {
                    cells.add(cell.strip());
                }
                rows.put(row.group(1), cells);
            }
        }
        if (rows.isEmpty()) {
            throw new IllegalArgumentException(guide + " has no table of `key` rows after '" + heading + "'");
        }
        return new SettingsTable(guide, rows);
    }

    /**
     * Every difference between the table and {@code declaration}, one line each, followed by the
     * table the declaration expects when there is any; empty when they agree.
     */
    public List<String> drift(ConfigDef declaration) {
        List<String> drift = new ArrayList<>();
        for (ConfigDef.ConfigKey key : declaration.configKeys().values()) {
            List<String> cells = rows.get(key.name);
            if (cells == null) {
                drift.add("no row for `" + key.name + "`");
            } else if (cells.size() != 2) {
                drift.add("row `" + key.name + "` has " + (cells.size() + 1) + " cells, not 3 (key, default, meaning)");
            } else {
                if (!cells.get(0).equals(shownDefault(key))) {
                    drift.add("row `" + key.name + "` gives the default '" + cells.get(0) + "'; declared: '" + shownDefault(key) + "'");
                }
                if (!cells.get(1).equals(key.documentation)) {
                    drift.add("row `" + key.name + "` reads '" + cells.get(1) + "'; declared: '" + key.documentation + "'");
                }
            }
        }
        rows.keySet().stream().filter(name -> !declaration.names().contains(name))
                .forEach(name -> drift.add("row `" + name + "` names a key that is not declared"));
        if (!drift.isEmpty()) {
            drift.add("the rows " + guide + " should have:\n" + declaration.configKeys().values().stream()
                    .map(key -> "| `" + key.name + "` | " + shownDefault(key) + " | " + key.documentation + " |")
                    .collect(Collectors.joining("\n")));
        }
        return drift;
    }

    private static String shownDefault(ConfigDef.ConfigKey key) {
        if (key.defaultValue == ConfigDef.NO_DEFAULT_VALUE) {
            return "(required)";
        }
        return key.defaultValue == null || key.defaultValue.toString().isEmpty() ? "(none)" : key.defaultValue.toString();
    }
}
