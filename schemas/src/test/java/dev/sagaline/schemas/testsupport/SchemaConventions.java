package dev.sagaline.schemas.testsupport;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.apache.avro.Schema;

/**
 * The protocol's conventions that Avro does not enforce (STYLE.md, "Protocol schemas that can't
 * evolve"): a doc on every record, field and enum, and a default symbol on every enum.
 */
public final class SchemaConventions {

    private SchemaConventions() {
    }

    /** One line per record, field or enum without a (non-blank) doc, naming it. */
    public static List<String> missingDocs(Collection<Schema> namedTypes) {
        List<String> problems = new ArrayList<>();
        for (Schema schema : namedTypes) {
            if (schema.getType() != Schema.Type.RECORD && schema.getType() != Schema.Type.ENUM) {
                continue;
            }
            String kind = schema.getType() == Schema.Type.RECORD ? "record " : "enum ";
            if (isBlank(schema.getDoc())) {
                problems.add(kind + schema.getFullName() + " has no doc");
            }
            if (schema.getType() == Schema.Type.RECORD) {
                for (Schema.Field field : schema.getFields()) {
                    if (isBlank(field.doc())) {
                        problems.add("field " + schema.getFullName() + "." + field.name() + " has no doc");
                    }
                }
            }
        }
        return problems;
    }

    /** One line per enum that has no default symbol, naming it. */
    public static List<String> enumsWithoutDefault(Collection<Schema> namedTypes) {
        List<String> problems = new ArrayList<>();
        for (Schema schema : namedTypes) {
            if (schema.getType() == Schema.Type.ENUM && schema.getEnumDefault() == null) {
                problems.add("enum " + schema.getFullName() + " has no default symbol, so a reader fails on any"
                        + " symbol a newer writer adds; add \"default\": \"UNKNOWN\"");
            }
        }
        return problems;
    }

    private static boolean isBlank(String doc) {
        return doc == null || doc.isBlank();
    }
}
