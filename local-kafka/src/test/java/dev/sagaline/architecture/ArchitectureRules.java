package dev.sagaline.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.codeUnits;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.fields;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaCodeUnit;
import com.tngtech.archunit.core.domain.JavaField;
import com.tngtech.archunit.core.domain.JavaModifier;
import com.tngtech.archunit.core.domain.JavaType;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.CompositeArchRule;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import com.tngtech.archunit.library.dependencies.SliceAssignment;
import com.tngtech.archunit.library.dependencies.SliceIdentifier;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZonedDateTime;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * The architecture rules every Sagaline module checks in its own {@code ArchitectureTest}, written
 * once: the public API never mentions internals, public packages and modules have no cycles,
 * internals stay below the API, and the orchestrator's and participant's decisions never read the
 * wall clock. Each module passes its own package and classes.
 *
 * <p>Shipped to the other modules as the local-kafka test jar, the one module every other tests with.
 */
public final class ArchitectureRules {

    /** The Maven module each top-level package is built in; the test kit's package is a module of its own. */
    private static final Map<String, String> MODULES = Map.ofEntries(
            Map.entry("dev.sagaline.orchestrator.testing", "testkit"),
            Map.entry("dev.sagaline.orchestrator", "saga-topology"),
            Map.entry("dev.sagaline.participant", "compensation-handlers"),
            Map.entry("dev.sagaline.schemas", "schemas"),
            Map.entry("dev.sagaline.protocol", "schemas"),
            Map.entry("dev.sagaline.localkafka", "local-kafka"),
            Map.entry("dev.sagaline.topics", "kafka-topics"),
            Map.entry("dev.sagaline.participant.spring", "spring-boot-starter"),
            Map.entry("dev.sagaline.localpostgres", "local-postgres"),
            Map.entry("dev.sagaline.demo", "app"),
            Map.entry("dev.sagaline.app", "app"));

    private ArchitectureRules() {
    }

    /** The main (not test) classes of {@code packages}, and everything they reach on the class path. */
    public static JavaClasses mainClasses(String... packages) {
        return new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS).importPackages(packages);
    }

    /**
     * Public and protected methods, constructors and fields of public classes outside
     * {@code ..internals..} mention no internals type: not as return, parameter or field type, not
     * as a generic argument, not in a throws clause.
     */
    public static ArchRule publicApiMentionsNoInternals(String basePackage) {
        DescribedPredicate<JavaClass> api = apiClassesOf(basePackage);
        ArchRule members = codeUnits().that().arePublic().or().areProtected()
                .and().areDeclaredInClassesThat(api)
                .should(new ArchCondition<JavaCodeUnit>("mention no internals type in their signature") {
                    @Override
                    public void check(JavaCodeUnit unit, ConditionEvents events) {
                        Stream<JavaType> types = Stream.concat(Stream.of(unit.getReturnType()), unit.getParameterTypes().stream());
                        Stream<JavaClass> involved = Stream.concat(types.flatMap(t -> t.getAllInvolvedRawTypes().stream()),
                                unit.getThrowsClause().getTypes().stream());
                        reportInternals(unit.getFullName(), involved, unit, events);
                    }
                });
        ArchRule publicFields = fields().that().arePublic().or().areProtected()
                .and().areDeclaredInClassesThat(api)
                .should(new ArchCondition<JavaField>("mention no internals type in their type") {
                    @Override
                    public void check(JavaField field, ConditionEvents events) {
                        reportInternals(field.getFullName(), field.getType().getAllInvolvedRawTypes().stream(), field, events);
                    }
                })
                .allowEmptyShould(true);
        return CompositeArchRule.of(members).and(publicFields);
    }

    /** No cycle between the public packages under {@code basePackage}; internals are left out, as they implement the API. */
    public static ArchRule noCyclesBetweenPublicPackages(String basePackage) {
        return slices().assignedFrom(new SliceAssignment() {
            @Override
            public SliceIdentifier getIdentifierOf(JavaClass type) {
                String pkg = type.getPackageName();
                boolean inside = pkg.equals(basePackage) || pkg.startsWith(basePackage + ".");
                return inside && !isInternals(pkg) ? SliceIdentifier.of(pkg) : SliceIdentifier.ignore();
            }

            @Override
            public String getDescription() {
                return "public packages of " + basePackage;
            }
        }).should().beFreeOfCycles();
    }

    /** No cycle between Sagaline's modules, however their classes depend on each other. */
    public static ArchRule noCyclesBetweenModules() {
        return slices().assignedFrom(new SliceAssignment() {
            @Override
            public SliceIdentifier getIdentifierOf(JavaClass type) {
                String module = moduleOf(type.getPackageName());
                return module == null ? SliceIdentifier.ignore() : SliceIdentifier.of(module);
            }

            @Override
            public String getDescription() {
                return "Sagaline modules";
            }
        }).should().beFreeOfCycles();
    }

    /** Classes in {@code basePackage}'s internals depend on none of {@code apiPackages} (e.g. the runtime that wires them). */
    public static ArchRule internalsDoNotDependOn(String basePackage, String... apiPackages) {
        return noClasses().that().resideInAPackage(basePackage + ".internals..")
                .should().dependOnClassesThat().resideInAnyPackage(apiPackages);
    }

    /**
     * Nothing in {@code basePackage} reads the wall clock; time comes from Kafka Streams' context or
     * an injected {@link java.time.Clock} (whose default may be the system clock).
     */
    public static ArchRule noWallClockReads(String basePackage) {
        return noClasses().that().resideInAPackage(basePackage + "..")
                .should().callMethod(System.class, "currentTimeMillis")
                .orShould().callMethod(Instant.class, "now")
                .orShould().callMethod(LocalDate.class, "now")
                .orShould().callMethod(LocalDateTime.class, "now")
                .orShould().callMethod(OffsetDateTime.class, "now")
                .orShould().callMethod(ZonedDateTime.class, "now");
    }

    /** The module a package is built in, or null for a package that is not Sagaline's. */
    static String moduleOf(String pkg) {
        return MODULES.entrySet().stream()
                .filter(e -> pkg.equals(e.getKey()) || pkg.startsWith(e.getKey() + "."))
                .max((a, b) -> Integer.compare(a.getKey().length(), b.getKey().length()))
                .map(Map.Entry::getValue)
                .orElse(null);
    }

    private static DescribedPredicate<JavaClass> apiClassesOf(String basePackage) {
        return DescribedPredicate.describe("are public API classes of " + basePackage, type -> {
            String pkg = type.getPackageName();
            return (pkg.equals(basePackage) || pkg.startsWith(basePackage + ".")) && !isInternals(pkg)
                    && type.getModifiers().contains(JavaModifier.PUBLIC);
        });
    }

    private static boolean isInternals(String pkg) {
        return pkg.endsWith(".internals") || pkg.contains(".internals.");
    }

    private static void reportInternals(String where, Stream<JavaClass> involved, Object owner, ConditionEvents events) {
        Set<String> leaks = new TreeSet<>();
        involved.filter(t -> isInternals(t.getPackageName())).forEach(t -> leaks.add(t.getName()));
        if (!leaks.isEmpty()) {
            events.add(SimpleConditionEvent.violated(owner, where + " exposes " + String.join(", ", leaks)));
        }
    }
}
