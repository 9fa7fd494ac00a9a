package dev.stormwatch.devstack.registry;

import static dev.stormwatch.devstack.registry.HttpRegistryClient.schemaBody;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.stormwatch.devstack.kafka.EmbeddedKafka;
import dev.stormwatch.devstack.kafka.EmbeddedKafkaConfig;
import dev.stormwatch.devstack.registry.HttpRegistryClient.Answer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The topic is the state: a restarted registry and a second instance see the same ids and versions. */
class EmbeddedSchemaRegistryReplicationTest {

    private static final AtomicInteger TOPICS = new AtomicInteger();
    private static EmbeddedKafka kafka;

    @BeforeAll
    static void startKafka() {
        kafka = EmbeddedKafka.start(EmbeddedKafkaConfig.defaults());
    }

    @AfterAll
    static void stopKafka() {
        kafka.close();
    }

    private static RegistryServerConfig config() {
        return RegistryServerConfig.defaults(kafka.bootstrapServers()).withTopic("_schemas_repl_" + TOPICS.incrementAndGet());
    }

    /** A record schema with one int field named after {@code n}: every n gives a different schema. */
    private static String schema(String name, int n) {
        return "{\"type\":\"record\",\"name\":\"" + name + "\",\"fields\":[{\"name\":\"f" + n + "\",\"type\":\"int\",\"default\":0}]}";
    }

    private static int register(HttpRegistryClient client, String subject, String schema) {
        Answer answer = client.post("/subjects/" + subject + "/versions", schemaBody(schema));
        assertThat(answer.status()).as(answer.text()).isEqualTo(200);
        return answer.json().get("id").asInt();
    }

    /** Everything a client can read about subjects and ids, as one comparable text. */
    private static String snapshot(HttpRegistryClient client) {
        StringBuilder out = new StringBuilder();
        Answer subjects = client.get("/subjects?deleted=true");
        subjects.json().forEach(s -> {
            Answer versions = client.get("/subjects/" + s.asText() + "/versions?deleted=true");
            versions.json().forEach(v -> out.append(client.get("/subjects/" + s.asText() + "/versions/" + v.asInt()
                    + "?deleted=true").text()).append('\n'));
        });
        out.append(client.get("/config").text()).append(client.get("/mode").text());
        return out.toString();
    }

    @Test
    void the_topic_is_created_compacted_with_one_partition() throws Exception {
        RegistryServerConfig config = config();
        try (EmbeddedSchemaRegistry ignored = EmbeddedSchemaRegistry.start(config);
             Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
            TopicDescription topic = admin.describeTopics(List.of(config.topic())).allTopicNames().get().get(config.topic());
            assertThat(topic.partitions()).hasSize(1);
            ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, config.topic());
            String policy = admin.describeConfigs(List.of(resource)).all().get().get(resource)
                    .get(TopicConfig.CLEANUP_POLICY_CONFIG).value();
            assertThat(policy).isEqualTo(TopicConfig.CLEANUP_POLICY_COMPACT);
        }
    }

    @Test
    void a_restarted_registry_has_the_same_ids_versions_config_and_deletes() {
        RegistryServerConfig config = config();
        String before;
        try (EmbeddedSchemaRegistry first = EmbeddedSchemaRegistry.start(config)) {
            HttpRegistryClient client = new HttpRegistryClient(first.url());
            assertThat(register(client, "a-value", schema("A", 1))).isEqualTo(1);
            assertThat(register(client, "a-value", schema("A", 2))).isEqualTo(2);
            assertThat(register(client, "b-value", schema("A", 1))).isEqualTo(1);
            assertThat(register(client, "c-value", schema("C", 1))).isEqualTo(3);
            client.delete("/subjects/a-value/versions/2");
            client.delete("/subjects/c-value");
            client.delete("/subjects/c-value?permanent=true");
            client.put("/config/b-value", "{\"compatibility\":\"FULL\"}");
            client.put("/config", "{\"compatibility\":\"FORWARD\"}");
            before = snapshot(client);
        }
        try (EmbeddedSchemaRegistry second = EmbeddedSchemaRegistry.start(config)) {
            HttpRegistryClient client = new HttpRegistryClient(second.url());
            assertThat(snapshot(client)).isEqualTo(before);
            assertThat(client.get("/config/b-value").text()).isEqualTo("{\"compatibilityLevel\":\"FULL\"}");
            assertThat(client.get("/schemas/ids/3").status()).isEqualTo(404);
            // the same schema still gets its old id; a new one gets the next id, never a reused one
            assertThat(register(client, "a-value", schema("A", 1))).isEqualTo(1);
            assertThat(register(client, "d-value", schema("D", 1))).isEqualTo(4);
            assertThat(client.get("/subjects/a-value/versions?deleted=true").text()).isEqualTo("[1,2]");
        }
    }

    @Test
    void two_instances_on_one_topic_see_each_others_writes() {
        RegistryServerConfig config = config();
        try (EmbeddedSchemaRegistry one = EmbeddedSchemaRegistry.start(config);
             EmbeddedSchemaRegistry two = EmbeddedSchemaRegistry.start(config)) {
            HttpRegistryClient a = new HttpRegistryClient(one.url());
            HttpRegistryClient b = new HttpRegistryClient(two.url());
            int id = register(a, "x-value", schema("X", 1));
            // b learns of a's write by reading the topic: the same schema under another subject reuses the id
            awaitEqual(a, b);
            assertThat(register(b, "y-value", schema("X", 1))).isEqualTo(id);
            assertThat(register(b, "x-value", schema("X", 2))).isEqualTo(id + 1);
            awaitEqual(a, b);
            assertThat(a.get("/subjects/x-value/versions").text()).isEqualTo("[1,2]");
        }
    }

    @Test
    void concurrent_registrations_on_two_instances_never_share_an_id_between_schemas() throws Exception {
        RegistryServerConfig config = config();
        int perWriter = 15;
        try (EmbeddedSchemaRegistry one = EmbeddedSchemaRegistry.start(config);
             EmbeddedSchemaRegistry two = EmbeddedSchemaRegistry.start(config)) {
            List<HttpRegistryClient> clients = List.of(new HttpRegistryClient(one.url()), new HttpRegistryClient(two.url()));
            ExecutorService pool = Executors.newFixedThreadPool(4);
            CountDownLatch go = new CountDownLatch(1);
            List<Future<Map<String, Integer>>> results = new ArrayList<>();
            try {
                for (int w = 0; w < 4; w++) {
                    HttpRegistryClient client = clients.get(w % 2);
                    int writer = w;
                    Callable<Map<String, Integer>> task = () -> {
                        go.await();
                        Map<String, Integer> ids = new HashMap<>();
                        for (int i = 0; i < perWriter; i++) {
                            // writers 0/1 and 2/3 register the same schemas, on different instances,
                            // all into one shared subject and into subjects of their own
                            String shared = schema("S", i + 1000 * (writer / 2));
                            ids.put(shared, register(client, "shared-value", shared));
                            String own = schema("W" + writer, i);
                            ids.put(own, register(client, "w" + writer + "-value", own));
                        }
                        return ids;
                    };
                    results.add(pool.submit(task));
                }
                go.countDown();
                Map<Integer, String> schemaOfId = new HashMap<>();
                Map<String, Integer> idOfSchema = new HashMap<>();
                for (Future<Map<String, Integer>> result : results) {
                    for (Map.Entry<String, Integer> e : result.get(2, TimeUnit.MINUTES).entrySet()) {
                        String previousSchema = schemaOfId.putIfAbsent(e.getValue(), e.getKey());
                        assertThat(previousSchema).as("id %d handed out twice", e.getValue()).isIn(null, e.getKey());
                        Integer previousId = idOfSchema.putIfAbsent(e.getKey(), e.getValue());
                        assertThat(previousId).as("schema got two ids").isIn(null, e.getValue());
                    }
                }
                assertThat(schemaOfId).hasSize(2 * perWriter + 4 * perWriter);
                awaitEqual(clients.get(0), clients.get(1));
                for (Map.Entry<Integer, String> e : schemaOfId.entrySet()) {
                    for (HttpRegistryClient client : clients) {
                        Answer byId = client.get("/schemas/ids/" + e.getKey());
                        assertThat(byId.json().get("schema").asText()).isEqualTo(e.getValue());
                    }
                }
                // the shared subject holds every shared schema exactly once
                assertThat(clients.get(0).get("/subjects/shared-value/versions").json()).as(() -> {
                    StringBuilder all = new StringBuilder();
                    clients.get(0).get("/subjects/shared-value/versions").json().forEach(v -> all.append(
                            clients.get(0).get("/subjects/shared-value/versions/" + v.asInt()).text()).append('\n'));
                    return all.toString();
                }).hasSize(2 * perWriter);
            } finally {
                pool.shutdownNow();
            }
        }
    }

    /** Both instances read the same topic, so they converge; poll until they do, with a deadline. */
    private static void awaitEqual(HttpRegistryClient a, HttpRegistryClient b) {
        await("instances converge").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50))
                .until(() -> snapshot(a).equals(snapshot(b)));
    }
}
