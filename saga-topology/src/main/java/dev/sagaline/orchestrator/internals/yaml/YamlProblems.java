package dev.sagaline.orchestrator.internals.yaml;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * Turns Jackson's exceptions about a definition file into one-line messages in the file's terms:
 * the file, line and column, the saga and step (found in the file's tree when it parses), the key,
 * and what was expected, without Java type names.
 */
final class YamlProblems {

    private YamlProblems() {
    }

    /**
     * The message for {@code e}, thrown reading the file {@code source}.
     *
     * @param keyLocation finds where the key at a JSON pointer is written, or returns null
     * @param tree supplies the file as a tree, for the saga and step names, or null when it does not parse
     */
    static String describe(JsonProcessingException e, String source, Function<String, JsonLocation> keyLocation,
                           Supplier<JsonNode> tree) {
        if (!(e instanceof JsonMappingException mapping)) {
            return source + at(e.getLocation()) + ": " + syntaxProblem(e.getOriginalMessage());
        }
        List<JsonMappingException.Reference> path = mapping.getPath();
        if (e.getCause() instanceof JsonProcessingException cause && !(cause instanceof JsonMappingException)) {
            String duplicate = duplicateKey(cause.getOriginalMessage());
            if (duplicate != null) {
                return source + at(cause.getLocation()) + ": " + context(path, tree.get()) + " key '" + duplicate + "' appears twice";
            }
            return source + at(cause.getLocation()) + ": " + syntaxProblem(cause.getOriginalMessage());
        }
        if (e instanceof UnrecognizedPropertyException unknown) {
            JsonLocation location = keyLocation.apply(pointer(path));
            String message = source + at(location != null ? location : e.getLocation()) + ": "
                    + context(path.subList(0, Math.max(0, path.size() - 1)), tree.get())
                    + " has unknown key '" + unknown.getPropertyName() + "'; allowed keys here: " + names(unknown.getKnownPropertyIds());
            if ("parallel".equals(unknown.getPropertyName()) && path.stream().filter(r -> "steps".equals(r.getFieldName())).count() > 1) {
                message += "; parallel groups cannot be nested";
            }
            return message;
        }
        String at = source + at(e.getLocation()) + ": ";
        if (e instanceof MismatchedInputException mismatch) {
            String original = Objects.toString(e.getOriginalMessage(), "");
            if (original.startsWith("Trailing token")) {
                return at + "the file holds more than one YAML document; keep one saga definition per file";
            }
            if (path.isEmpty()) {
                return at + "the file must be a mapping with the keys saga, version, deadline and steps";
            }
            String key = path.get(path.size() - 1).getFieldName();
            String what = key != null ? "key '" + key + "'" : "entry " + (path.get(path.size() - 1).getIndex() + 1);
            String message = at + context(path.subList(0, path.size() - 1), tree.get()) + " " + what
                    + " must be " + expected(mismatch.getTargetType());
            if (e instanceof InvalidFormatException format) {
                message += ", not '" + format.getValue() + "'";
            }
            return message;
        }
        return at + context(path, tree.get()) + ": " + firstLine(e.getOriginalMessage());
    }

    /** The JSON pointer of {@code path}, such as {@code /steps/0/retries}. */
    private static String pointer(List<JsonMappingException.Reference> path) {
        StringBuilder pointer = new StringBuilder();
        for (JsonMappingException.Reference ref : path) {
            pointer.append('/');
            if (ref.getFieldName() != null) {
                pointer.append(ref.getFieldName().replace("~", "~0").replace("/", "~1"));
            } else {
                pointer.append(ref.getIndex());
            }
        }
        return pointer.toString();
    }

    private static String at(JsonLocation location) {
        if (location == null || location.getLineNr() < 1) {
            return "";
        }
        return ", line " + location.getLineNr() + (location.getColumnNr() > 0 ? ", column " + location.getColumnNr() : "");
    }

    /** "saga 'order' step 'ship' retry" for a path into the document, using the tree for names. */
    private static String context(List<JsonMappingException.Reference> path, JsonNode root) {
        StringBuilder text = new StringBuilder();
        JsonNode saga = root == null ? null : root.get("saga");
        text.append(saga != null && saga.isValueNode() ? "saga '" + saga.asText() + "'" : "the saga");
        JsonNode node = root;
        for (JsonMappingException.Reference ref : path) {
            if (ref.getFieldName() != null) {
                node = node == null ? null : node.get(ref.getFieldName());
                if (!"steps".equals(ref.getFieldName())) {
                    text.append(' ').append(ref.getFieldName());
                }
                continue;
            }
            node = node == null ? null : node.get(ref.getIndex());
            JsonNode name = node == null ? null : node.get("name");
            JsonNode group = node == null ? null : node.get("parallel");
            if (name != null && name.isValueNode()) {
                text.append(" step '").append(name.asText()).append('\'');
            } else if (group != null && group.isValueNode()) {
                text.append(" parallel group '").append(group.asText()).append('\'');
            } else {
                text.append(" steps[").append(ref.getIndex()).append(']');
            }
        }
        return text.toString();
    }

    private static String expected(Class<?> type) {
        if (type == null) {
            return "another kind of value";
        }
        if (type == String.class) {
            return "a text value";
        }
        if (type == Integer.class || type == int.class) {
            return "a whole number";
        }
        if (type == Double.class || type == double.class) {
            return "a number";
        }
        if (Collection.class.isAssignableFrom(type)) {
            return "a list";
        }
        if (type == InputEntry.class) {
            return "'saga' or a mapping with 'step' or 'fields'";
        }
        if (Map.class.isAssignableFrom(type) || type.isRecord()) {
            return "a mapping of keys to values";
        }
        return "a " + type.getSimpleName();
    }

    /** The key a duplicate-key error names, or null for other errors. */
    private static String duplicateKey(String original) {
        String text = Objects.toString(original, "").strip();
        String prefix = "Duplicate field '";
        int end = text.indexOf('\'', prefix.length());
        return text.startsWith(prefix) && end > 0 ? text.substring(prefix.length(), end) : null;
    }

    /**
     * The problem of a YAML syntax error. Snakeyaml writes its context and problem at the start of
     * a line and indents the marks and excerpts that follow each; only the former are kept.
     */
    private static String syntaxProblem(String original) {
        String text = Objects.toString(original, "").strip();
        String problem = text.lines()
                .filter(line -> !line.isBlank() && !Character.isWhitespace(line.charAt(0)))
                .collect(Collectors.joining("; "));
        return "not valid YAML: " + (problem.isEmpty() ? firstLine(text) : problem);
    }

    private static String firstLine(String text) {
        String line = Objects.toString(text, "").lines().findFirst().orElse("");
        return line.strip();
    }

    private static String names(Collection<Object> ids) {
        return ids.stream().map(String::valueOf).sorted().collect(Collectors.joining(", "));
    }
}
