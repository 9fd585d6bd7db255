package dev.sagaline.schemas.serde;

import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericEnumSymbol;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificFixed;
import org.apache.avro.specific.SpecificRecord;
import org.apache.avro.util.ClassSecurityValidator;

/**
 * The generated Avro classes the serdes read and write, made known to Avro's class security
 * check. Since Avro 1.12.2 a specific reader or writer loads the class a schema names only when it
 * is trusted (a schema from the wire must not make Avro load arbitrary classes); the classes a
 * service hands to a serde, and the classes they contain, are generated code of its own and are
 * trusted here, one by one. Nothing else is: a class that is not a generated record, enum or fixed
 * stays refused.
 */
final class GeneratedClasses {

    private static final Set<String> TRUSTED = ConcurrentHashMap.newKeySet();
    private static boolean installed;

    private GeneratedClasses() {
    }

    /** The schema of the generated class {@code type}, with it and every generated class its schema names trusted. */
    static Schema schemaOf(Class<?> type) {
        Schema schema = SpecificData.get().getSchema(type);
        trust(schema);
        return schema;
    }

    /** Trusts every record, enum and fixed that {@code schema} names and whose class on the class path Avro generated. */
    static void trust(Schema schema) {
        install();
        walk(schema, new HashSet<>());
    }

    private static void walk(Schema schema, Set<String> seen) {
        switch (schema.getType()) {
            case RECORD -> {
                if (seen.add(schema.getFullName())) {
                    trustIfGenerated(schema);
                    schema.getFields().forEach(field -> walk(field.schema(), seen));
                }
            }
            case ENUM, FIXED -> trustIfGenerated(schema);
            case ARRAY -> walk(schema.getElementType(), seen);
            case MAP -> walk(schema.getValueType(), seen);
            case UNION -> schema.getTypes().forEach(member -> walk(member, seen));
            default -> {
                // Primitive types name no class.
            }
        }
    }

    private static void trustIfGenerated(Schema named) {
        String name = SpecificData.getClassName(named);
        if (TRUSTED.contains(name)) {
            return;
        }
        try {
            Class<?> type = Class.forName(name, false, SpecificData.get().getClassLoader());
            if (SpecificRecord.class.isAssignableFrom(type) || SpecificFixed.class.isAssignableFrom(type)
                    || type.isEnum() && GenericEnumSymbol.class.isAssignableFrom(type)) {
                TRUSTED.add(name);
            }
        } catch (ClassNotFoundException | LinkageError e) {
            // Not on the class path: Avro reads such a type generically and loads no class for it.
        }
    }

    private static synchronized void install() {
        if (!installed) {
            ClassSecurityValidator.setGlobal(ClassSecurityValidator.composite(ClassSecurityValidator.getGlobal(),
                    type -> TRUSTED.contains(type.getName())));
            installed = true;
        }
    }
}
