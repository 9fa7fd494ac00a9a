package dev.stormwatch.devstack.registry;

import static dev.stormwatch.devstack.registry.HttpRegistryClient.schemaBody;
import static org.assertj.core.api.Assertions.assertThat;

import dev.stormwatch.devstack.kafka.EmbeddedKafka;
import dev.stormwatch.devstack.kafka.EmbeddedKafkaConfig;
import dev.stormwatch.devstack.registry.HttpRegistryClient.Answer;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Every endpoint and error code of the REST API, with a real HTTP client against the real server on
 * a real KRaft broker. Each test gets its own registry on its own topic.
 */
class EmbeddedSchemaRegistryHttpTest {

    private static final String V1 = "{\"type\":\"record\",\"name\":\"Alert\",\"namespace\":\"dev.stormwatch.test\","
            + "\"fields\":[{\"name\":\"id\",\"type\":\"string\"}]}";
    private static final String V2 = "{\"type\":\"record\",\"name\":\"Alert\",\"namespace\":\"dev.stormwatch.test\","
            + "\"fields\":[{\"name\":\"id\",\"type\":\"string\"},{\"name\":\"severity\",\"type\":\"int\",\"default\":0}]}";
    private static final String V2_REQUIRED = "{\"type\":\"record\",\"name\":\"Alert\",\"namespace\":\"dev.stormwatch.test\","
            + "\"fields\":[{\"name\":\"id\",\"type\":\"string\"},{\"name\":\"severity\",\"type\":\"int\"}]}";
    private static final long MAX_BODY = 64 * 1024;
    private static final AtomicInteger TOPICS = new AtomicInteger();

    private static EmbeddedKafka kafka;
    private EmbeddedSchemaRegistry registry;
    private HttpRegistryClient client;

    @BeforeAll
    static void startKafka() {
        kafka = EmbeddedKafka.start(EmbeddedKafkaConfig.defaults());
    }

    @AfterAll
    static void stopKafka() {
        kafka.close();
    }

    @BeforeEach
    void startRegistry() {
        registry = EmbeddedSchemaRegistry.start(RegistryServerConfig.defaults(kafka.bootstrapServers())
                .withTopic("_schemas_http_" + TOPICS.incrementAndGet())
                .withMaxBodyBytes(MAX_BODY));
        client = new HttpRegistryClient(registry.url());
    }

    @AfterEach
    void stopRegistry() {
        if (registry != null) {
            registry.close();
        }
    }

    private static void assertError(Answer answer, int status, int errorCode) {
        assertThat(answer.status()).as(answer.text()).isEqualTo(status);
        assertThat(answer.errorCode()).as(answer.text()).isEqualTo(errorCode);
        assertThat(answer.json().path("message").asText()).isNotBlank();
        assertThat(answer.contentType()).startsWith(HttpRegistryClient.V1_JSON);
    }

    private int register(String subject, String schema) {
        Answer answer = client.post("/subjects/" + subject + "/versions", schemaBody(schema));
        assertThat(answer.status()).as(answer.text()).isEqualTo(200);
        return answer.json().get("id").asInt();
    }

    @Test
    void root_types_and_content_type() {
        Answer root = client.get("/");
        assertThat(root.status()).isEqualTo(200);
        assertThat(root.text()).isEqualTo("{}");
        assertThat(root.contentType()).startsWith("application/vnd.schemaregistry.v1+json");
        assertThat(client.get("/schemas/types").text()).isEqualTo("[\"AVRO\"]");
        assertThat(registry.url()).isEqualTo("http://127.0.0.1:" + registry.port());
    }

    @Test
    void register_returns_only_the_id_and_reuses_it() {
        Answer first = client.post("/subjects/alerts-value/versions?normalize=false", schemaBody(V1));
        assertThat(first.status()).isEqualTo(200);
        assertThat(first.text()).isEqualTo("{\"id\":1}");
        assertThat(register("alerts-value", V1)).isEqualTo(1);
        assertThat(register("other-value", V1)).isEqualTo(1);
        assertThat(register("alerts-value", V2)).isEqualTo(2);
        assertThat(client.get("/subjects/other-value/versions").text()).isEqualTo("[1]");
        assertThat(client.get("/subjects/alerts-value/versions").text()).isEqualTo("[1,2]");
    }

    @Test
    void requests_with_any_accepted_content_type_or_none() {
        for (String type : new String[] {HttpRegistryClient.V1_JSON, "application/vnd.schemaregistry+json",
                "application/json", "application/octet-stream", null}) {
            Answer answer = client.send("POST", "/subjects/ct-value/versions", schemaBody(V1), type);
            assertThat(answer.status()).as(String.valueOf(type)).isEqualTo(200);
        }
    }

    @Test
    void lookup_under_subject() {
        int id = register("alerts-value", V1);
        Answer found = client.post("/subjects/alerts-value?normalize=false&deleted=false", schemaBody(V1));
        assertThat(found.status()).isEqualTo(200);
        assertThat(found.json().get("subject").asText()).isEqualTo("alerts-value");
        assertThat(found.json().get("id").asInt()).isEqualTo(id);
        assertThat(found.json().get("version").asInt()).isEqualTo(1);
        assertThat(found.json().get("schema").asText()).isEqualTo(V1);
        assertThat(found.json().has("schemaType")).isFalse();
        assertError(client.post("/subjects/unknown-value", schemaBody(V1)), 404, 40401);
        assertError(client.post("/subjects/alerts-value", schemaBody(V2)), 404, 40403);
        assertError(client.post("/subjects/alerts-value", schemaBody("{\"type\":\"nope\"}")), 422, 42201);
    }

    @Test
    void subjects_and_versions() {
        register("b-value", V1);
        register("a-value", V1);
        register("a-value", V2);
        assertThat(client.get("/subjects").text()).isEqualTo("[\"a-value\",\"b-value\"]");
        assertThat(client.get("/subjects?subjectPrefix=a").text()).isEqualTo("[\"a-value\"]");

        Answer latest = client.get("/subjects/a-value/versions/latest");
        assertThat(latest.json().get("version").asInt()).isEqualTo(2);
        assertThat(latest.json().get("id").asInt()).isEqualTo(2);
        assertThat(latest.json().get("subject").asText()).isEqualTo("a-value");
        assertThat(latest.json().get("schema").asText()).isEqualTo(V2);
        assertThat(latest.json().has("schemaType")).isFalse();
        assertThat(client.get("/subjects/a-value/versions/1?deleted=false").json().get("id").asInt()).isEqualTo(1);
        assertThat(client.get("/subjects/a-value/versions/-1").json().get("version").asInt()).isEqualTo(2);

        Answer raw = client.get("/subjects/a-value/versions/1/schema");
        assertThat(raw.status()).isEqualTo(200);
        assertThat(raw.text()).isEqualTo(V1);

        assertError(client.get("/subjects/a-value/versions/3"), 404, 40402);
        assertError(client.get("/subjects/a-value/versions/0"), 422, 42202);
        assertError(client.get("/subjects/a-value/versions/first"), 422, 42202);
        assertError(client.get("/subjects/nope/versions"), 404, 40401);
        assertError(client.get("/subjects/nope/versions/latest"), 404, 40401);
        assertError(client.get("/subjects/nope/versions/1/schema"), 404, 40401);
    }

    @Test
    void schemas_by_id() {
        int id = register("a-value", V1);
        register("b-value", V1);
        Answer byId = client.get("/schemas/ids/" + id + "?subject=a-value");
        assertThat(byId.status()).isEqualTo(200);
        assertThat(byId.text()).isEqualTo("{\"schema\":" + HttpRegistryClient.quote(V1) + "}");
        assertThat(client.get("/schemas/ids/" + id + "?fetchMaxId=true").json().get("maxId").asInt()).isEqualTo(1);
        assertThat(client.get("/schemas/ids/" + id + "/schema").text()).isEqualTo(V1);
        assertThat(client.get("/schemas/ids/" + id + "/versions").text())
                .isEqualTo("[{\"subject\":\"a-value\",\"version\":1},{\"subject\":\"b-value\",\"version\":1}]");
        assertThat(client.get("/schemas/ids/" + id + "/subjects").text()).isEqualTo("[\"a-value\",\"b-value\"]");
        assertError(client.get("/schemas/ids/42"), 404, 40403);
        assertError(client.get("/schemas/ids/42/versions"), 404, 40403);
        assertError(client.get("/schemas/ids/42/subjects"), 404, 40403);
        assertError(client.get("/schemas/ids/abc"), 404, 40403);
    }

    @Test
    void only_avro_is_supported() {
        Answer protobuf = client.post("/subjects/p-value/versions",
                schemaBody("syntax = \"proto3\"; message M {}", "\"schemaType\":\"PROTOBUF\""));
        assertError(protobuf, 422, 42201);
        Answer json = client.post("/subjects/p-value/versions", schemaBody("{\"type\":\"object\"}", "\"schemaType\":\"JSON\""));
        assertError(json, 422, 42201);
        Answer avro = client.post("/subjects/p-value/versions", schemaBody(V1, "\"schemaType\":\"AVRO\"", "\"references\":[]"));
        assertThat(avro.status()).isEqualTo(200);
    }

    @Test
    void references_are_resolved_stored_and_returned() {
        String severity = "{\"type\":\"enum\",\"name\":\"Severity\",\"namespace\":\"dev.stormwatch.test\","
                + "\"symbols\":[\"INFO\",\"PAGE\"],\"default\":\"INFO\"}";
        String alert = "{\"type\":\"record\",\"name\":\"Alert\",\"namespace\":\"dev.stormwatch.test\","
                + "\"fields\":[{\"name\":\"severity\",\"type\":\"dev.stormwatch.test.Severity\"}]}";
        int severityId = register("severity", severity);
        String refs = "\"references\":[{\"name\":\"dev.stormwatch.test.Severity\",\"subject\":\"severity\",\"version\":1}]";
        Answer registered = client.post("/subjects/alerts-value/versions", schemaBody(alert, refs));
        assertThat(registered.status()).as(registered.text()).isEqualTo(200);
        int id = registered.json().get("id").asInt();
        Answer byId = client.get("/schemas/ids/" + id);
        assertThat(byId.json().get("references").get(0).get("subject").asText()).isEqualTo("severity");
        assertThat(client.get("/subjects/alerts-value/versions/1").json().get("references").get(0).get("name").asText())
                .isEqualTo("dev.stormwatch.test.Severity");
        assertThat(client.get("/subjects/severity/versions/1/referencedby").text()).isEqualTo("[" + id + "]");
        assertError(client.delete("/subjects/severity"), 422, 42206);
        assertError(client.post("/subjects/x-value/versions", schemaBody(alert)), 422, 42201);
        assertThat(severityId).isNotEqualTo(id);
    }

    @Test
    void incompatible_registration_is_409() {
        register("a-value", V1);
        Answer answer = client.post("/subjects/a-value/versions", schemaBody(V2_REQUIRED));
        assertError(answer, 409, 409);
        assertThat(answer.json().get("message").asText()).contains("incompatible");
    }

    @Test
    void compatibility_checks() {
        Answer none = client.post("/compatibility/subjects/new-value/versions/latest", schemaBody(V1));
        assertThat(none.text()).isEqualTo("{\"is_compatible\":true}");
        register("a-value", V1);
        assertThat(client.post("/compatibility/subjects/a-value/versions/latest", schemaBody(V2)).text())
                .isEqualTo("{\"is_compatible\":true}");
        assertThat(client.post("/compatibility/subjects/a-value/versions/1", schemaBody(V2_REQUIRED)).text())
                .isEqualTo("{\"is_compatible\":false}");
        Answer verbose = client.post("/compatibility/subjects/a-value/versions/latest?verbose=true", schemaBody(V2_REQUIRED));
        assertThat(verbose.json().get("is_compatible").asBoolean()).isFalse();
        assertThat(verbose.json().get("messages").toString()).contains("READER_FIELD_MISSING_DEFAULT_VALUE");
        assertThat(client.post("/compatibility/subjects/a-value/versions?verbose=true", schemaBody(V2)).text())
                .isEqualTo("{\"is_compatible\":true,\"messages\":[]}");
        assertError(client.post("/compatibility/subjects/a-value/versions/7", schemaBody(V2)), 404, 40402);
        assertError(client.post("/compatibility/subjects/a-value/versions/x", schemaBody(V2)), 422, 42202);
        assertError(client.post("/compatibility/subjects/a-value/versions/latest", schemaBody("nope")), 422, 42201);
    }

    @Test
    void config_global_and_per_subject() {
        assertThat(client.get("/config").text()).isEqualTo("{\"compatibilityLevel\":\"BACKWARD\"}");
        assertThat(client.put("/config", "{\"compatibility\":\"FULL\"}").text()).isEqualTo("{\"compatibility\":\"FULL\"}");
        assertThat(client.get("/config").text()).isEqualTo("{\"compatibilityLevel\":\"FULL\"}");
        assertError(client.put("/config", "{\"compatibility\":\"SIDEWAYS\"}"), 422, 42203);
        assertError(client.put("/config", "{}"), 422, 42203);

        assertError(client.get("/config/a-value"), 404, 40408);
        assertThat(client.get("/config/a-value?defaultToGlobal=true").text()).isEqualTo("{\"compatibilityLevel\":\"FULL\"}");
        assertThat(client.put("/config/a-value", "{\"compatibility\":\"none\"}").text()).isEqualTo("{\"compatibility\":\"NONE\"}");
        assertThat(client.get("/config/a-value").text()).isEqualTo("{\"compatibilityLevel\":\"NONE\"}");
        register("a-value", V1);
        assertThat(register("a-value", "\"int\"")).isEqualTo(2); // NONE lets anything in
        assertThat(client.delete("/config/a-value").text()).isEqualTo("{\"compatibilityLevel\":\"NONE\"}");
        assertError(client.get("/config/a-value"), 404, 40408);
        assertError(client.delete("/config/a-value"), 404, 40401);
        assertThat(client.delete("/config").text()).isEqualTo("{\"compatibilityLevel\":\"FULL\"}");
        assertThat(client.get("/config").text()).isEqualTo("{\"compatibilityLevel\":\"BACKWARD\"}");
    }

    @Test
    void modes() {
        assertThat(client.get("/mode").text()).isEqualTo("{\"mode\":\"READWRITE\"}");
        register("a-value", V1);
        assertThat(client.put("/mode", "{\"mode\":\"READONLY\"}").text()).isEqualTo("{\"mode\":\"READONLY\"}");
        assertError(client.post("/subjects/a-value/versions", schemaBody(V2)), 422, 42205);
        assertError(client.delete("/subjects/a-value"), 422, 42205);
        assertThat(client.get("/subjects/a-value/versions/1").status()).isEqualTo(200);
        assertError(client.put("/mode", "{\"mode\":\"SIDEWAYS\"}"), 422, 42204);

        assertError(client.get("/mode/a-value"), 404, 40409);
        assertThat(client.get("/mode/a-value?defaultToGlobal=true").text()).isEqualTo("{\"mode\":\"READONLY\"}");
        assertThat(client.put("/mode/a-value", "{\"mode\":\"READWRITE\"}").text()).isEqualTo("{\"mode\":\"READWRITE\"}");
        assertThat(register("a-value", V2)).isEqualTo(2);
        assertThat(client.delete("/mode/a-value").text()).isEqualTo("{\"mode\":\"READWRITE\"}");
        assertThat(client.put("/mode?force=true", "{\"mode\":\"READWRITE\"}").status()).isEqualTo(200);
        assertThat(register("b-value", V1)).isEqualTo(1);
    }

    @Test
    void soft_and_hard_deletes() {
        register("a-value", V1);
        register("a-value", V2);
        assertError(client.delete("/subjects/a-value?permanent=true"), 404, 40405);
        assertError(client.delete("/subjects/a-value/versions/1?permanent=true"), 404, 40407);
        assertThat(client.delete("/subjects/a-value/versions/latest").text()).isEqualTo("2");
        assertError(client.delete("/subjects/a-value/versions/2"), 404, 40406);
        assertError(client.get("/subjects/a-value/versions/2"), 404, 40402);
        assertThat(client.get("/subjects/a-value/versions/2?deleted=true").json().get("id").asInt()).isEqualTo(2);
        assertThat(client.get("/subjects/a-value/versions?deleted=true").text()).isEqualTo("[1,2]");
        assertThat(client.delete("/subjects/a-value/versions/2?permanent=true").text()).isEqualTo("2");
        assertError(client.delete("/subjects/a-value/versions/9"), 404, 40402);
        assertError(client.delete("/subjects/a-value/versions/zero"), 422, 42202);

        assertThat(client.delete("/subjects/a-value").text()).isEqualTo("[1]");
        assertError(client.delete("/subjects/a-value"), 404, 40404);
        assertThat(client.get("/subjects").text()).isEqualTo("[]");
        assertThat(client.get("/subjects?deleted=true").text()).isEqualTo("[\"a-value\"]");
        assertError(client.get("/subjects/a-value/versions"), 404, 40401);
        assertThat(client.get("/schemas/ids/1").status()).isEqualTo(200); // soft delete keeps the id readable
        assertThat(client.post("/subjects/a-value?deleted=true", schemaBody(V1)).json().get("version").asInt()).isEqualTo(1);
        assertThat(client.delete("/subjects/a-value?permanent=true").text()).isEqualTo("[1]");
        assertError(client.get("/schemas/ids/1"), 404, 40403);
        assertError(client.delete("/subjects/a-value"), 404, 40401);
        assertError(client.delete("/subjects/never-value"), 404, 40401);
    }

    @Test
    void associations_and_unknown_routes_are_json_404s() {
        assertError(client.get("/associations/resources/-/alerts?resourceType=topic&associationType=value"), 404, 404);
        assertError(client.get("/no/such/route"), 404, 404);
        Answer wrongMethod = client.send("PATCH", "/subjects", "{}", HttpRegistryClient.V1_JSON);
        assertThat(wrongMethod.status()).isIn(404, 405);
        assertThat(wrongMethod.errorCode()).isEqualTo(wrongMethod.status());
    }

    @Test
    void subject_names_are_url_decoded() {
        assertThat(register("orders.v1%20value", V1)).isEqualTo(1);
        assertThat(client.get("/subjects").text()).isEqualTo("[\"orders.v1 value\"]");
        assertThat(client.get("/subjects/orders.v1%20value/versions/1").json().get("subject").asText())
                .isEqualTo("orders.v1 value");
    }

    @Test
    void bad_input_gets_a_4xx_with_error_code_never_a_5xx() {
        register("a-value", V1);
        assertError(client.post("/subjects/a-value/versions", "{not json"), 400, 400);
        assertError(client.post("/subjects/a-value/versions", "[1,2]"), 422, 42201);
        assertError(client.post("/subjects/a-value/versions", ""), 422, 42201);
        assertError(client.post("/subjects/a-value/versions", "{\"schema\":{\"type\":\"string\"}}"), 422, 42201);
        assertError(client.post("/subjects/a-value/versions", "{\"schema\":\"{\\\"type\\\":\\\"record\\\"}\"}"), 422, 42201);
        assertError(client.post("/subjects/a-value/versions", schemaBody(V1, "\"references\":{}")), 422, 42201);
        assertError(client.put("/config", "not json"), 400, 400);
        assertError(client.put("/config/a-value", "{\"compatibility\":42}"), 422, 42203);
        String huge = schemaBody("{\"type\":\"record\",\"name\":\"Big\",\"doc\":\"" + "x".repeat((int) MAX_BODY) + "\",\"fields\":[]}");
        assertError(client.post("/subjects/a-value/versions", huge), 413, 413);

        List<String[]> garbage = List.of(
                new String[] {"POST", "/subjects/a-value/versions", "null"},
                new String[] {"POST", "/subjects/a-value/versions", "\"just a string\""},
                new String[] {"POST", "/subjects/a-value/versions", "{\"schema\":\"\\\"int\\\"\",\"id\":\"x\"}"},
                new String[] {"POST", "/subjects/a-value/versions", "{\"schema\":\"\\\"int\\\"\",\"references\":[{\"name\":1}]}"},
                new String[] {"POST", "/subjects/a-value", "{\"schema\":null}"},
                new String[] {"POST", "/compatibility/subjects/a-value/versions/latest", "{]"},
                new String[] {"PUT", "/mode", "{\"mode\":null}"},
                new String[] {"PUT", "/mode/a-value", "[]"},
                new String[] {"GET", "/schemas/ids/99999999999", null},
                new String[] {"GET", "/subjects/a-value/versions/99999999999", null},
                new String[] {"DELETE", "/subjects/a-value/versions/-7", null});
        for (String[] request : garbage) {
            Answer answer = client.send(request[0], request[1], request[2], HttpRegistryClient.V1_JSON);
            assertThat(answer.status()).as(String.join(" ", request) + " -> " + answer.text()).isBetween(400, 499);
            assertThat(answer.errorCode()).as(answer.text()).isPositive();
        }
    }
}
