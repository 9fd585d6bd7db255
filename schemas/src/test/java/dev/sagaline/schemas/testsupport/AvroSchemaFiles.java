package dev.sagaline.schemas.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.avro.Schema;
import org.apache.avro.SchemaParser;

/** Reads trees of {@code .avsc} files, which may refer to each other's types, into named types. */
public final class AvroSchemaFiles {

    /** The current protocol, as compiled into the generated classes. Paths are relative to the module. */
    public static final Path CURRENT = Path.of("src/main/avro");
    /** The protocol of the last release; see its README.md. */
    public static final Path RELEASED = Path.of("src/compat/released");

    private AvroSchemaFiles() {
    }

    /** Every named type (records, enums, fixed, nested ones included) under {@code root}, by full name. */
    public static Map<String, Schema> namedTypesUnder(Path root) {
        List<Path> files;
        try (Stream<Path> walk = Files.walk(root)) {
            files = walk.filter(p -> p.toString().endsWith(".avsc")).sorted().collect(Collectors.toList());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list Avro schemas under " + root.toAbsolutePath(), e);
        }
        if (files.isEmpty()) {
            throw new IllegalStateException("no .avsc file under " + root.toAbsolutePath());
        }
        SchemaParser parser = new SchemaParser();
        for (Path file : files) {
            try {
                parser.parse(file);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + file, e);
            }
        }
        return namedTypes(parser.getParsedNamedSchemas());
    }

    /** Every named type reachable from {@code schemas}, by full name. */
    public static Map<String, Schema> namedTypes(Collection<Schema> schemas) {
        Map<String, Schema> named = new TreeMap<>();
        schemas.forEach(schema -> collect(schema, named));
        return named;
    }

    private static void collect(Schema schema, Map<String, Schema> named) {
        switch (schema.getType()) {
            case RECORD:
                if (named.putIfAbsent(schema.getFullName(), schema) == null) {
                    schema.getFields().forEach(field -> collect(field.schema(), named));
                }
                break;
            case ENUM:
            case FIXED:
                named.putIfAbsent(schema.getFullName(), schema);
                break;
            case UNION:
                schema.getTypes().forEach(branch -> collect(branch, named));
                break;
            case ARRAY:
                collect(schema.getElementType(), named);
                break;
            case MAP:
                collect(schema.getValueType(), named);
                break;
            default:
                break;
        }
    }
}
