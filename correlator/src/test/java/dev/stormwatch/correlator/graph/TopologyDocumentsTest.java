package dev.stormwatch.correlator.graph;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stormwatch.avro.ServiceKind;
import dev.stormwatch.avro.ServiceNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link TopologyDocuments} on the shared public topologies (JSON, and the same in YAML), a
 * Backstage catalog, and broken documents, whose messages are checked word for word.
 */
class TopologyDocumentsTest {

  private static final Path TOPOLOGIES = Path.of("src/test/resources/topologies");
  private static final Instant AT = Instant.parse("2025-01-02T03:04:05Z");

  @TempDir Path dir;

  @Test
  void onlineBoutiqueJsonGivesElevenServicesAndFifteenDependencies() {
    TopologyDocument doc = TopologyDocuments.read(TOPOLOGIES.resolve("online-boutique.json"), null, AT);

    assertThat(doc.name()).isEqualTo("online-boutique");
    assertThat(doc.format()).isEqualTo(TopologyDocument.Format.JSON);
    assertThat(doc.warnings()).isEmpty();
    assertThat(doc.serviceNames()).containsExactly("frontend", "adservice", "currencyservice", "cartservice",
        "redis-cart", "recommendationservice", "checkoutservice", "emailservice", "paymentservice",
        "shippingservice", "productcatalogservice");
    assertThat(doc.dependencyCount()).isEqualTo(15);

    Map<String, ServiceNode> nodes = byName(doc);
    ServiceNode frontend = nodes.get("frontend");
    assertThat(frontend.getKind()).isEqualTo(ServiceKind.FRONTEND);
    assertThat(frontend.getDependsOn()).containsExactly("productcatalogservice", "currencyservice", "cartservice",
        "recommendationservice", "shippingservice", "checkoutservice", "adservice");
    assertThat(frontend.getLabels()).isEqualTo(Map.of("language", "Go", "port", "80"));
    assertThat(frontend.getTopology()).isEqualTo("online-boutique");
    assertThat(frontend.getUpdatedAt()).isEqualTo(AT);
    assertThat(frontend.getOwner()).isNull();
    assertThat(nodes.get("redis-cart").getKind()).isEqualTo(ServiceKind.CACHE);
    assertThat(nodes.get("cartservice").getDependsOn()).containsExactly("redis-cart");
    assertThat(nodes.get("paymentservice").getDependsOn()).isEmpty();
  }

  @Test
  void sockShopJsonMapsKindsAndDropsNullFields() {
    TopologyDocument doc = TopologyDocuments.read(TOPOLOGIES.resolve("sock-shop.json"), null, AT);

    assertThat(doc.name()).isEqualTo("sock-shop");
    assertThat(doc.warnings()).isEmpty();
    assertThat(doc.services()).hasSize(14);
    assertThat(doc.dependencyCount()).isEqualTo(15);
    Map<ServiceKind, Long> kinds = doc.services().stream()
        .collect(Collectors.groupingBy(ServiceNode::getKind, Collectors.counting()));
    assertThat(kinds).isEqualTo(Map.of(ServiceKind.FRONTEND, 1L, ServiceKind.SERVICE, 7L, ServiceKind.QUEUE, 1L,
        ServiceKind.CACHE, 1L, ServiceKind.DATABASE, 4L));
    Map<String, ServiceNode> nodes = byName(doc);
    assertThat(nodes.get("rabbitmq").getLabels()).isEqualTo(Map.of("image", "rabbitmq:3.6.8-management"));
    assertThat(nodes.get("orders").getDependsOn()).containsExactly("carts", "user", "payment", "shipping", "orders-db");
  }

  @Test
  void theYamlFormGivesTheSameNodesAsTheJson() {
    for (String name : List.of("online-boutique", "sock-shop")) {
      TopologyDocument json = TopologyDocuments.read(TOPOLOGIES.resolve(name + ".json"), null, AT);
      TopologyDocument yaml = TopologyDocuments.read(TOPOLOGIES.resolve(name + ".yaml"), null, AT);
      assertThat(yaml.format()).isEqualTo(TopologyDocument.Format.YAML);
      assertThat(yaml.name()).isEqualTo(json.name());
      assertThat(yaml.services()).isEqualTo(json.services());
      assertThat(yaml.warnings()).isEqualTo(json.warnings());
    }
  }

  @Test
  void backstageComponentsAndResourcesBecomeNodes() {
    TopologyDocument doc = TopologyDocuments.read(TOPOLOGIES.resolve("catalog-info.yaml"), null, AT);

    assertThat(doc.format()).isEqualTo(TopologyDocument.Format.BACKSTAGE);
    assertThat(doc.name()).as("the one System entity names the topology").isEqualTo("online-boutique");
    assertThat(doc.serviceNames()).containsExactly("frontend", "checkoutservice", "cartservice", "redis-cart");
    assertThat(doc.warnings()).containsExactly("documents[3].spec.dependsOn: depends on 'paymentservice', which is"
        + " not a service of online-boutique; alerts on it correlate as an unknown service");

    Map<String, ServiceNode> nodes = byName(doc);
    ServiceNode frontend = nodes.get("frontend");
    assertThat(frontend.getKind()).isEqualTo(ServiceKind.FRONTEND);
    assertThat(frontend.getDependsOn()).as("spec.dependsOn, then the provider of each consumed API")
        .containsExactly("checkoutservice", "cartservice");
    assertThat(frontend.getOwner()).isEqualTo("web-team");
    assertThat(frontend.getSystem()).isEqualTo("online-boutique");
    assertThat(frontend.getTier()).isEqualTo("tier-1");
    assertThat(frontend.getRunbook()).isEqualTo("https://runbooks.example.com/frontend");
    assertThat(frontend.getTopology()).isEqualTo("online-boutique");
    assertThat(frontend.getUpdatedAt()).isEqualTo(AT);
    assertThat(frontend.getLabels()).isEqualTo(Map.of("lifecycle", "production", "type", "website",
        "github.com/project-slug", "GoogleCloudPlatform/microservices-demo", "entityRef", "component:default/frontend"));

    ServiceNode checkout = nodes.get("checkoutservice");
    assertThat(checkout.getKind()).isEqualTo(ServiceKind.SERVICE);
    assertThat(checkout.getDependsOn()).containsExactly("cartservice", "paymentservice");
    assertThat(checkout.getOwner()).isEqualTo("checkout-team");
    assertThat(checkout.getSystem()).isEqualTo("online-boutique");
    assertThat(checkout.getRunbook()).as("a metadata.links entry titled Runbook")
        .isEqualTo("https://runbooks.example.com/checkout");

    ServiceNode cart = nodes.get("cartservice");
    assertThat(cart.getOwner()).isEqualTo("jane");
    assertThat(cart.getDependsOn()).containsExactly("redis-cart");
    assertThat(cart.getLabels()).containsEntry("lifecycle", "experimental");

    ServiceNode redis = nodes.get("redis-cart");
    assertThat(redis.getKind()).isEqualTo(ServiceKind.CACHE);
    assertThat(redis.getOwner()).isEqualTo("platform");
    assertThat(redis.getLabels()).containsEntry("entityRef", "resource:default/redis-cart");
    assertThat(doc.dependencyCount()).isEqualTo(5);
  }

  @Test
  void backstageWithoutASystemTakesTheSharedSpecSystemOrTheGivenName() throws IOException {
    String entities = """
        apiVersion: backstage.io/v1alpha1
        kind: Component
        metadata: {name: a}
        spec: {type: service, system: shop, dependsOn: ["component:b"]}
        ---
        apiVersion: backstage.io/v1beta1
        kind: Resource
        metadata: {name: b}
        spec: {type: database, system: shop}
        """;
    assertThat(TopologyDocuments.parse("c.yaml", entities, null, AT).name()).isEqualTo("shop");
    assertThat(TopologyDocuments.parse("c.yaml", entities, "mine", AT).name()).isEqualTo("mine");

    String noSystem = entities.replace(", system: shop", "");
    assertThatThrownBy(() -> TopologyDocuments.parse("c.yaml", noSystem, null, AT))
        .isInstanceOf(TopologyDocumentException.class)
        .hasMessage("c.yaml: no topology name: add a kind: System entity, give every entity the same spec.system,"
            + " or choose one explicitly (stormwatch topology load --name NAME)");
  }

  @Test
  void edgesAndDependsOnAreMergedAndEveryDisagreementIsAWarning() {
    TopologyDocument doc = TopologyDocuments.parse("t.json", """
        {"name": "t",
         "services": [
           {"name": "a", "kind": "service", "dependsOn": ["b"]},
           {"name": "b", "kind": "database"},
           {"name": "c", "kind": "service", "dependsOn": ["a"]}],
         "edges": [{"from": "a", "to": "b"}, {"from": "a", "to": "c"}, {"from": "x", "to": "a"}]}
        """, null, AT);

    assertThat(byName(doc).get("a").getDependsOn()).containsExactly("b", "c");
    assertThat(byName(doc).get("c").getDependsOn()).containsExactly("a");
    assertThat(doc.warnings()).containsExactly(
        "edges[1]: a -> c is not in services[0].dependsOn; added",
        "edges[2]: 'x' is not a service of this document; edge x -> a ignored",
        "services[2].dependsOn: c -> a has no entry in edges; kept");
  }

  @Test
  void unknownDependenciesKindsAndRepeatsAreWarningsAndOtherFieldsAreMapped() {
    TopologyDocument doc = TopologyDocuments.parse("t.yaml", """
        name: t
        services:
          - name: api
            kind: Lambda
            owner: team-api
            system: shop
            tier: 1
            runbook: https://runbooks.example.com/api
            labels: {region: eu}
            image: api:1.2
            dependsOn: [db, db, api]
        """, null, AT);

    ServiceNode api = doc.services().get(0);
    assertThat(api.getKind()).isEqualTo(ServiceKind.OTHER);
    assertThat(api.getOwner()).isEqualTo("team-api");
    assertThat(api.getSystem()).isEqualTo("shop");
    assertThat(api.getTier()).isEqualTo("1");
    assertThat(api.getRunbook()).isEqualTo("https://runbooks.example.com/api");
    assertThat(api.getLabels()).isEqualTo(Map.of("region", "eu", "image", "api:1.2", "kind", "Lambda"));
    assertThat(api.getDependsOn()).as("a cycle (here onto itself) is allowed").containsExactly("db", "api");
    assertThat(doc.warnings()).containsExactly(
        "services[0].kind: unknown kind 'Lambda' (known: service, frontend, database, cache, queue, other);"
            + " loaded as other",
        "services[0].dependsOn[1]: 'db' is listed twice; counted once",
        "services[0].dependsOn: depends on 'db', which is not a service of t; alerts on it correlate as an"
            + " unknown service");
  }

  @Test
  void errorsAreOneLineWithTheFileAndThePath() {
    assertError("""
        {"name": "t", "services": [{"name": "a"}, {"name": "b"}, {"name": "c"},
          {"name": "d", "dependsOn": "a"}]}""", "t.json: services[3].dependsOn: expected a list of names");
    assertError("""
        {"name": "t", "services": [{"name": "a", "dependsOn": ["b", {"name": "c"}]}]}""",
        "t.json: services[0].dependsOn[1]: expected a name, got a mapping");
    assertError("""
        {"name": "t", "services": [{"name": "cart"}, {"name": "web"}, {"name": "cart"}, {"name": "web"}]}""",
        "t.json: services: duplicate service names 'cart' at services[0] and services[2]; 'web' at services[1]"
            + " and services[3]");
    assertError("""
        {"name": "t", "services": [{"name": "a"}, {"name": "  "}]}""",
        "t.json: services[1].name: expected a non-blank service name, got a blank string");
    assertError("""
        {"name": "t", "services": [{"kind": "service"}]}""",
        "t.json: services[0].name: expected a non-blank service name (missing)");
    assertError("{\"name\": \"t\", \"services\": {}}", "t.json: services: expected a list of services");
    assertError("{\"name\": \"t\", \"services\": []}",
        "t.json: services: the list is empty; a topology needs at least one service");
    assertError("{\"services\": [{\"name\": \"a\"}]}",
        "t.json: name: expected the topology's name (a non-blank string) (missing)");
    assertError("{\"name\": \"t\", \"services\": [{\"name\": \"a\", \"owner\": [\"x\"]}]}",
        "t.json: services[0].owner: expected a single value, got a list");
    assertError("{\"name\": \"t\", \"services\": [{\"name\": \"a\"}], \"edges\": [{\"from\": \"a\"}]}",
        "t.json: edges[0].to: expected a service name (missing)");
    assertError("[1, 2]", "t.json: expected an object with \"name\" and \"services\"");
    assertError("", "t.json: the file is empty");
  }

  @Test
  void syntaxErrorsNameTheLineAndColumn() {
    assertError("{\"name\": \"t\",\n  \"services\": [}\n",
        "t.json: not valid JSON at line 2, column 16: Unexpected close marker '}': expected ']'");
    assertError("{\"name\": \"t\", \"name\": \"u\", \"services\": []}",
        "t.json: not valid JSON at line 1, column 21: Duplicate field 'name'");
    assertError("name: t\nservices:\n  - name: a\n   kind: x\n",
        "t.json: not valid YAML at line 4, column 4: expected <block end>, but found '<block mapping start>'");
    assertError("name: a\nservices: [{name: a}]\n---\nname: b\nservices: [{name: b}]\n",
        "t.json: expected one YAML document, found 2 (a Backstage catalog needs apiVersion: backstage.io/v1alpha1)");
  }

  @Test
  void backstageErrorsNameTheDocument() {
    assertError("""
        apiVersion: backstage.io/v1alpha1
        kind: System
        metadata: {name: shop}
        ---
        apiVersion: backstage.io/v1alpha1
        kind: Component
        metadata: {name: a}
        spec: {type: service, dependsOn: component:b}
        """, "t.json: documents[1].spec.dependsOn: expected a list of entity references");
    assertError("""
        apiVersion: backstage.io/v1alpha1
        kind: Component
        metadata: {name: a}
        ---
        apiVersion: v1
        kind: ConfigMap
        """, "t.json: documents[1].apiVersion: expected backstage.io/v1alpha1 (or another backstage.io/ version),"
        + " got 'v1'");
    assertError("""
        apiVersion: backstage.io/v1alpha1
        kind: Component
        metadata: {name: a, namespace: one}
        spec: {system: shop}
        ---
        apiVersion: backstage.io/v1alpha1
        kind: Resource
        metadata: {name: a, namespace: two}
        spec: {system: shop}
        """, "t.json: documents: duplicate service name 'a' at documents[0] and documents[1]");
    assertError("""
        apiVersion: backstage.io/v1alpha1
        kind: System
        metadata: {name: shop}
        """, "t.json: no Component or Resource entities; nothing to load");
  }

  @Test
  void aMissingFileIsOneLine() {
    Path missing = dir.resolve("nope.json");
    assertThatThrownBy(() -> TopologyDocuments.read(missing, null, AT))
        .isInstanceOf(TopologyDocumentException.class)
        .hasMessage(missing + ": file not found");
  }

  @Test
  void theFormatIsRecognisedByContentNotByFileName() throws IOException {
    Path misnamed = Files.copy(TOPOLOGIES.resolve("online-boutique.yaml"), dir.resolve("online-boutique.json"));
    TopologyDocument doc = TopologyDocuments.read(misnamed, null, AT);
    assertThat(doc.format()).isEqualTo(TopologyDocument.Format.YAML);
    assertThat(doc.services()).hasSize(11);
  }

  private static void assertError(String text, String message) {
    assertThatThrownBy(() -> TopologyDocuments.parse("t.json", text, null, AT))
        .isInstanceOf(TopologyDocumentException.class)
        .hasMessage(message)
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
  }

  private static Map<String, ServiceNode> byName(TopologyDocument doc) {
    return doc.services().stream().collect(Collectors.toMap(ServiceNode::getName, Function.identity()));
  }
}
