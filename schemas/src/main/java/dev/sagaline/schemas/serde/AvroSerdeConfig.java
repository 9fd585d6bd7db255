package dev.sagaline.schemas.serde;

import dev.sagaline.schemas.registry.RegistryClientSettings;
import dev.sagaline.schemas.registry.SchemaRegistries;
import dev.sagaline.schemas.registry.SchemaRegistry;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.SaslConfigs;
import org.apache.kafka.common.config.types.Password;

/**
 * The settings a {@link SpecificAvroSerde} reads in {@code configure()}, with the names and
 * meaning of Confluent's Avro serdes, so a client configured for those works with these: the
 * registry address and its credentials, whether the serializer registers schemas or only uses
 * registered ones, and how subjects are named. Keys this class does not declare (every producer,
 * consumer and Streams setting) are ignored.
 *
 * <p>Checked when built: a wrong value fails with Kafka's {@link ConfigException} naming the key,
 * and contradicting keys fail naming both.
 */
public final class AvroSerdeConfig extends AbstractConfig {

    public static final String SCHEMA_REGISTRY_URL_CONFIG = "schema.registry.url";
    private static final String SCHEMA_REGISTRY_URL_DOC = "The schema registry: the http(s) address of a Confluent-compatible"
            + " Schema Registry, or memory://SCOPE for the registry in this process shared under that scope.";

    public static final String BASIC_AUTH_CREDENTIALS_SOURCE_CONFIG = "basic.auth.credentials.source";
    private static final String BASIC_AUTH_CREDENTIALS_SOURCE_DOC = "Where the HTTP Basic credentials for the registry come from:"
            + " URL (the user:password@ part of schema.registry.url, if any), USER_INFO (basic.auth.user.info) or"
            + " SASL_INHERIT (the username and password of the client's sasl.jaas.config).";

    public static final String BASIC_AUTH_USER_INFO_CONFIG = "basic.auth.user.info";
    private static final String BASIC_AUTH_USER_INFO_DOC = "user:password for the registry when basic.auth.credentials.source=USER_INFO.";

    public static final String BEARER_AUTH_CREDENTIALS_SOURCE_CONFIG = "bearer.auth.credentials.source";
    private static final String BEARER_AUTH_CREDENTIALS_SOURCE_DOC = "Where the bearer token for the registry comes from:"
            + " STATIC_TOKEN (bearer.auth.token).";

    public static final String BEARER_AUTH_TOKEN_CONFIG = "bearer.auth.token";
    private static final String BEARER_AUTH_TOKEN_DOC = "A bearer token sent to the registry with every request; excludes Basic credentials.";

    public static final String SSL_TRUSTSTORE_LOCATION_CONFIG = "schema.registry.ssl.truststore.location";
    private static final String SSL_TRUSTSTORE_LOCATION_DOC = "Truststore holding the certificate authorities an https:// registry's"
            + " certificate must chain to; empty trusts the JDK's default authorities.";

    public static final String SSL_TRUSTSTORE_PASSWORD_CONFIG = "schema.registry.ssl.truststore.password";
    private static final String SSL_TRUSTSTORE_PASSWORD_DOC = "Password of schema.registry.ssl.truststore.location.";

    public static final String SSL_TRUSTSTORE_TYPE_CONFIG = "schema.registry.ssl.truststore.type";
    private static final String SSL_TRUSTSTORE_TYPE_DOC = "Type of schema.registry.ssl.truststore.location: PKCS12 or JKS.";

    public static final String AUTO_REGISTER_SCHEMAS_CONFIG = "auto.register.schemas";
    private static final String AUTO_REGISTER_SCHEMAS_DOC = "Whether the serializer registers the record's schema under its"
            + " subject; false writes only with schemas registered already, and fails on any other.";

    public static final String USE_LATEST_VERSION_CONFIG = "use.latest.version";
    private static final String USE_LATEST_VERSION_DOC = "With auto.register.schemas=false: write with the newest schema"
            + " registered under the subject, converting each record to it by Avro's schema resolution.";

    public static final String KEY_SUBJECT_NAME_STRATEGY_CONFIG = "key.subject.name.strategy";
    public static final String VALUE_SUBJECT_NAME_STRATEGY_CONFIG = "value.subject.name.strategy";
    private static final String SUBJECT_NAME_STRATEGY_DOC = "How subjects are named: topic (<topic>-key or <topic>-value),"
            + " record (the record's full name) or topic-record (<topic>-<full name>); Confluent's class names"
            + " (io.confluent.kafka.serializers.subject.TopicNameStrategy and so on) are accepted too.";

    public static final String SPECIFIC_AVRO_KEY_TYPE_CONFIG = "specific.avro.key.type";
    public static final String SPECIFIC_AVRO_VALUE_TYPE_CONFIG = "specific.avro.value.type";
    private static final String SPECIFIC_AVRO_TYPE_DOC = "The generated Avro class the deserializer reads into; when unset,"
            + " the class named by the writer schema's full name.";

    private static final String SASL_JAAS_CONFIG = SaslConfigs.SASL_JAAS_CONFIG;
    private static final Pattern JAAS_OPTION = Pattern.compile("(username|password)\\s*=\\s*\"([^\"]*)\"");

    private static final ConfigDef DEFINITION = new ConfigDef()
            .define(SCHEMA_REGISTRY_URL_CONFIG, Type.STRING, ConfigDef.NO_DEFAULT_VALUE, new ConfigDef.NonEmptyString(),
                    Importance.HIGH, SCHEMA_REGISTRY_URL_DOC)
            .define(BASIC_AUTH_CREDENTIALS_SOURCE_CONFIG, Type.STRING, "URL",
                    ConfigDef.ValidString.in("URL", "USER_INFO", "SASL_INHERIT"), Importance.MEDIUM, BASIC_AUTH_CREDENTIALS_SOURCE_DOC)
            .define(BASIC_AUTH_USER_INFO_CONFIG, Type.PASSWORD, "", Importance.MEDIUM, BASIC_AUTH_USER_INFO_DOC)
            .define(BEARER_AUTH_CREDENTIALS_SOURCE_CONFIG, Type.STRING, "STATIC_TOKEN",
                    ConfigDef.ValidString.in("STATIC_TOKEN"), Importance.MEDIUM, BEARER_AUTH_CREDENTIALS_SOURCE_DOC)
            .define(BEARER_AUTH_TOKEN_CONFIG, Type.PASSWORD, null, Importance.MEDIUM, BEARER_AUTH_TOKEN_DOC)
            .define(SSL_TRUSTSTORE_LOCATION_CONFIG, Type.STRING, "", Importance.MEDIUM, SSL_TRUSTSTORE_LOCATION_DOC)
            .define(SSL_TRUSTSTORE_PASSWORD_CONFIG, Type.PASSWORD, null, Importance.MEDIUM, SSL_TRUSTSTORE_PASSWORD_DOC)
            .define(SSL_TRUSTSTORE_TYPE_CONFIG, Type.STRING, "PKCS12", ConfigDef.ValidString.in("PKCS12", "JKS"),
                    Importance.LOW, SSL_TRUSTSTORE_TYPE_DOC)
            .define(AUTO_REGISTER_SCHEMAS_CONFIG, Type.BOOLEAN, true, Importance.MEDIUM, AUTO_REGISTER_SCHEMAS_DOC)
            .define(USE_LATEST_VERSION_CONFIG, Type.BOOLEAN, false, Importance.LOW, USE_LATEST_VERSION_DOC)
            .define(KEY_SUBJECT_NAME_STRATEGY_CONFIG, Type.STRING, SubjectNameStrategy.TOPIC.confluentClassName(), strategy(),
                    Importance.LOW, SUBJECT_NAME_STRATEGY_DOC)
            .define(VALUE_SUBJECT_NAME_STRATEGY_CONFIG, Type.STRING, SubjectNameStrategy.TOPIC.confluentClassName(), strategy(),
                    Importance.LOW, SUBJECT_NAME_STRATEGY_DOC)
            .define(SPECIFIC_AVRO_KEY_TYPE_CONFIG, Type.CLASS, null, Importance.LOW, SPECIFIC_AVRO_TYPE_DOC)
            .define(SPECIFIC_AVRO_VALUE_TYPE_CONFIG, Type.CLASS, null, Importance.LOW, SPECIFIC_AVRO_TYPE_DOC);

    /**
     * @param configs the client's whole configuration (producer, consumer or Streams); keys not declared here are ignored
     * @throws ConfigException naming the key of a missing or wrong value, or both keys of a contradiction
     */
    public AvroSerdeConfig(Map<String, ?> configs) {
        super(DEFINITION, configs, false);
        if (getBoolean(USE_LATEST_VERSION_CONFIG) && getBoolean(AUTO_REGISTER_SCHEMAS_CONFIG)) {
            throw new ConfigException(USE_LATEST_VERSION_CONFIG + "=true needs " + AUTO_REGISTER_SCHEMAS_CONFIG
                    + "=false: a serializer that registers its own schema writes with it (Confluent's serializer ignores "
                    + USE_LATEST_VERSION_CONFIG + " then; this one refuses the contradiction)");
        }
        for (String key : new String[] {SPECIFIC_AVRO_KEY_TYPE_CONFIG, SPECIFIC_AVRO_VALUE_TYPE_CONFIG}) {
            Class<?> type = getClass(key);
            if (type != null && !org.apache.avro.specific.SpecificRecord.class.isAssignableFrom(type)) {
                throw new ConfigException(key, type.getName(), "not a generated Avro class (SpecificRecord)");
            }
        }
    }

    /** The declaration of every key, e.g. to print the reference. */
    public static ConfigDef configDef() {
        return DEFINITION;
    }

    /**
     * The registry the settings name, with their credentials.
     *
     * @throws ConfigException naming the key when the URL or a credential setting cannot be used
     */
    public SchemaRegistry schemaRegistry() {
        String url = getString(SCHEMA_REGISTRY_URL_CONFIG).strip();
        if (url.contains(",")) {
            throw new ConfigException(SCHEMA_REGISTRY_URL_CONFIG, url, "name one registry address (a load balancer in front of several)");
        }
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            throw new ConfigException(SCHEMA_REGISTRY_URL_CONFIG, url, e.getMessage());
        }
        String userInfoInUrl = uri.getRawUserInfo();
        String withoutUserInfo = userInfoInUrl == null ? url : url.replaceFirst(Pattern.quote(userInfoInUrl + "@"), "");
        try {
            return SchemaRegistries.fromUrl(withoutUserInfo, authorization(userInfoInUrl == null ? null : uri.getUserInfo()),
                    RegistryClientSettings.trusting(getString(SSL_TRUSTSTORE_LOCATION_CONFIG), getPassword(SSL_TRUSTSTORE_PASSWORD_CONFIG),
                            getString(SSL_TRUSTSTORE_TYPE_CONFIG), SSL_TRUSTSTORE_LOCATION_CONFIG));
        } catch (IllegalArgumentException e) {
            throw new ConfigException(SCHEMA_REGISTRY_URL_CONFIG, url, e.getMessage());
        }
    }

    /** Which schema the serializer writes with. */
    public WriterSchemaChoice writerSchemaChoice() {
        if (getBoolean(AUTO_REGISTER_SCHEMAS_CONFIG)) {
            return WriterSchemaChoice.REGISTER;
        }
        return getBoolean(USE_LATEST_VERSION_CONFIG) ? WriterSchemaChoice.LATEST : WriterSchemaChoice.LOOK_UP;
    }

    /** How subjects of keys ({@code isKey}) or values are named. */
    public SubjectNameStrategy subjectNameStrategy(boolean isKey) {
        return SubjectNameStrategy.named(getString(isKey ? KEY_SUBJECT_NAME_STRATEGY_CONFIG : VALUE_SUBJECT_NAME_STRATEGY_CONFIG));
    }

    /** The class keys ({@code isKey}) or values are read into, or null to take the one the writer schema names. */
    @SuppressWarnings("unchecked")
    public Class<? extends org.apache.avro.specific.SpecificRecord> specificType(boolean isKey) {
        return (Class<? extends org.apache.avro.specific.SpecificRecord>) getClass(isKey ? SPECIFIC_AVRO_KEY_TYPE_CONFIG : SPECIFIC_AVRO_VALUE_TYPE_CONFIG);
    }

    private Map<String, String> authorization(String userInfoInUrl) {
        Password token = getPassword(BEARER_AUTH_TOKEN_CONFIG);
        String basic = basicCredentials(userInfoInUrl);
        if (token != null && basic != null) {
            throw new ConfigException(BEARER_AUTH_TOKEN_CONFIG + " and Basic credentials (" + BASIC_AUTH_CREDENTIALS_SOURCE_CONFIG + "="
                    + getString(BASIC_AUTH_CREDENTIALS_SOURCE_CONFIG) + ") exclude each other; give the registry one of them");
        }
        return RegistryClientSettings.authorization(basic == null ? null : new Password(basic), BASIC_AUTH_USER_INFO_CONFIG,
                token, BEARER_AUTH_TOKEN_CONFIG);
    }

    /** user:password, or null when the chosen source gives none. */
    private String basicCredentials(String userInfoInUrl) {
        switch (getString(BASIC_AUTH_CREDENTIALS_SOURCE_CONFIG)) {
            case "USER_INFO": {
                String userInfo = getPassword(BASIC_AUTH_USER_INFO_CONFIG).value();
                if (!userInfo.contains(":")) {
                    throw new ConfigException(BASIC_AUTH_USER_INFO_CONFIG, "[hidden]", "must be user:password when "
                            + BASIC_AUTH_CREDENTIALS_SOURCE_CONFIG + "=USER_INFO");
                }
                return userInfo;
            }
            case "SASL_INHERIT": {
                Object jaas = originals().get(SASL_JAAS_CONFIG);
                String text = jaas instanceof Password password ? password.value() : jaas == null ? "" : jaas.toString();
                String user = null;
                String password = null;
                Matcher option = JAAS_OPTION.matcher(text);
                while (option.find()) {
                    if (option.group(1).equals("username")) {
                        user = option.group(2);
                    } else {
                        password = option.group(2);
                    }
                }
                if (user == null || password == null) {
                    throw new ConfigException(SASL_JAAS_CONFIG + " names no username and password for "
                            + BASIC_AUTH_CREDENTIALS_SOURCE_CONFIG + "=SASL_INHERIT");
                }
                return user + ":" + password;
            }
            default:
                return userInfoInUrl;
        }
    }

    private static ConfigDef.Validator strategy() {
        return (name, value) -> {
            try {
                SubjectNameStrategy.named(String.valueOf(value));
            } catch (IllegalArgumentException e) {
                throw new ConfigException(name, value, e.getMessage());
            }
        };
    }
}
