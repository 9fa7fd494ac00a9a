package dev.stormwatch.correlator.domain;

import static dev.stormwatch.correlator.domain.Fixtures.fire;
import static dev.stormwatch.correlator.domain.Fixtures.node;
import static dev.stormwatch.correlator.domain.Fixtures.t;
import static dev.stormwatch.correlator.domain.Fixtures.topology;
import static org.assertj.core.api.Assertions.assertThat;

import dev.stormwatch.avro.ServiceKind;
import dev.stormwatch.avro.Severity;
import dev.stormwatch.correlator.domain.ServiceGraph.DomainMove;
import java.util.List;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

class ServiceGraphTest {

  private final ServiceGraph boutique = topology("online-boutique");
  private final ServiceGraph sockShop = topology("sock-shop");

  @Test
  void onlineBoutiqueIsOneComponentNamedAfterItsSmallestService() {
    assertThat(boutique.services()).hasSize(11);
    for (String s : boutique.services()) {
      assertThat(boutique.domainOf(s)).as(s).isEqualTo("component:adservice");
    }
    assertThat(boutique.servicesIn("component:adservice")).hasSize(11);
  }

  @Test
  void sockShopIsOneComponentThroughFrontEndAndRabbitmq() {
    assertThat(sockShop.services()).hasSize(14);
    assertThat(sockShop.domainOf("queue-master")).isEqualTo("component:carts");
    assertThat(sockShop.domainOf("user-db")).isEqualTo("component:carts");
  }

  @Test
  void dependenciesAndDependentsFollowTheEdges() {
    assertThat(boutique.dependencies("cartservice")).containsExactly("redis-cart");
    assertThat(boutique.dependents("cartservice")).containsExactly("checkoutservice", "frontend");
    assertThat(boutique.dependents("productcatalogservice"))
        .containsExactly("checkoutservice", "frontend", "recommendationservice");
    assertThat(boutique.transitiveDependencies("frontend", 1)).hasSize(7).doesNotContainKey("redis-cart");
    assertThat(boutique.transitiveDependencies("frontend", 2)).containsEntry("redis-cart", 2)
        .containsEntry("cartservice", 1).hasSize(10);
    assertThat(boutique.dependsOn("checkoutservice", "redis-cart", 2)).isTrue();
    assertThat(boutique.dependsOn("checkoutservice", "redis-cart", 1)).isFalse();
    assertThat(boutique.dependsOn("redis-cart", "cartservice", 5)).as("edges are directed").isFalse();
    assertThat(sockShop.transitiveDependencies("front-end", 10)).containsKeys("rabbitmq", "orders-db")
        .doesNotContainKey("queue-master");
  }

  @Test
  void distanceIsUndirectedShortestHopsAndBounded() {
    assertThat(boutique.distance("redis-cart", "redis-cart", 0)).isEqualTo(OptionalInt.of(0));
    assertThat(boutique.distance("redis-cart", "cartservice", 2)).isEqualTo(OptionalInt.of(1));
    assertThat(boutique.distance("cartservice", "redis-cart", 2)).isEqualTo(OptionalInt.of(1));
    assertThat(boutique.distance("redis-cart", "productcatalogservice", 5)).isEqualTo(OptionalInt.of(3));
    assertThat(boutique.distance("redis-cart", "productcatalogservice", 2)).isEmpty();
    assertThat(boutique.distance("paymentservice", "emailservice", 2)).isEqualTo(OptionalInt.of(2));
    assertThat(sockShop.distance("shipping", "queue-master", 2)).isEqualTo(OptionalInt.of(2));
    assertThat(sockShop.distance("user-db", "queue-master", 10)).isEqualTo(OptionalInt.of(5));
  }

  @Test
  void aServiceMissingFromTheTopologyIsAnIsolatedUnknownNode() {
    assertThat(boutique.isKnown("billing")).isFalse();
    assertThat(boutique.domainOf("billing")).isEqualTo("service:billing");
    assertThat(boutique.distance("billing", "frontend", 10)).isEmpty();
    assertThat(boutique.distance("billing", "billing", 2)).isEqualTo(OptionalInt.of(0));
    assertThat(boutique.dependencies("billing")).isEmpty();
    assertThat(boutique.dependents("billing")).isEmpty();
  }

  @Test
  void aCalleeWithoutItsOwnNodeIsKnownButNotDeclared() {
    ServiceGraph g = ServiceGraph.of(List.of(node("api", ServiceKind.SERVICE, List.of("postgres"), null)));
    assertThat(g.isKnown("postgres")).isTrue();
    assertThat(g.isDeclared("postgres")).isFalse();
    assertThat(g.domainOf("postgres")).isEqualTo("component:api");
  }

  @Test
  void aSystemIsTheDomainWhenSet() {
    ServiceGraph g = boutique.with(node("paymentservice", ServiceKind.SERVICE, List.of(), "payments"));
    assertThat(g.domainOf("paymentservice")).isEqualTo("payments");
    assertThat(g.domainOf("checkoutservice")).isEqualTo("component:adservice");
    assertThat(g.distance("checkoutservice", "paymentservice", 2)).as("edges still count for hops")
        .isEqualTo(OptionalInt.of(1));
  }

  @Test
  void topologyChangesThatMoveServicesAreListed() {
    // a system is set on one service
    ServiceGraph withSystem = boutique.with(node("paymentservice", ServiceKind.SERVICE, List.of(), "payments"));
    assertThat(boutique.domainMoves(withSystem))
        .containsExactly(new DomainMove("paymentservice", "component:adservice", "payments"));
    // removing frontend's edge to adservice splits adservice off; the rest is renamed after its new smallest
    List<String> frontendDeps = List.of("productcatalogservice", "currencyservice", "cartservice",
        "recommendationservice", "shippingservice", "checkoutservice");
    ServiceGraph split = boutique.with(node("frontend", ServiceKind.FRONTEND, frontendDeps, null));
    assertThat(split.domainOf("adservice")).isEqualTo("component:adservice");
    assertThat(split.domainOf("frontend")).isEqualTo("component:cartservice");
    assertThat(boutique.domainMoves(split)).hasSize(10)
        .allSatisfy(m -> assertThat(m.to()).isEqualTo("component:cartservice"));
    // an unrelated edit moves nothing, and the graph is unchanged by a no-op removal
    assertThat(boutique.domainMoves(boutique.with(node("adservice", ServiceKind.SERVICE, List.of(), null))))
        .isEmpty();
    assertThat(boutique.without("nope")).isSameAs(boutique);
  }

  @Test
  void anAlertKeepsItsDomainForTheRestOfItsEpisodeAndANewEpisodeFollowsTheMove() {
    ServiceGraph moved = boutique.with(node("paymentservice", ServiceKind.SERVICE, List.of(), "payments"));
    AlertState firing = fire("fp", "paymentservice", Severity.HIGH, t(0));
    AlertRoute before = AlertRoute.of(firing, null, boutique);
    assertThat(before.domain()).isEqualTo("component:adservice");

    AlertState repeat = firing.observe(Fixtures.firing("fp", "paymentservice", Severity.CRITICAL, t(0)));
    assertThat(AlertRoute.of(repeat, before, moved)).as("same episode stays").isEqualTo(before);
    AlertState resolve = repeat.observe(Fixtures.resolved("fp", "paymentservice", Severity.HIGH, t(0), t(60)));
    assertThat(AlertRoute.of(resolve, before, moved).domain()).as("its resolve reaches its incident")
        .isEqualTo("component:adservice");
    assertThat(AlertRoute.of(resolve, before, moved).lastSeenAt()).as("the resolve extends its lifetime")
        .isEqualTo(t(60));
    assertThat(AlertRoute.of(resolve, before, moved).expiresAt(java.time.Duration.ofHours(24)))
        .isEqualTo(t(60).plus(java.time.Duration.ofHours(24)));
    assertThat(AlertRoute.of(firing, AlertRoute.of(resolve, before, moved), moved).lastSeenAt())
        .as("a late older observation never shortens it").isEqualTo(t(60));

    AlertState refire = resolve.observe(Fixtures.firing("fp", "paymentservice", Severity.HIGH, t(600)));
    assertThat(AlertRoute.of(refire, before, moved).domain()).as("a new episode goes to the new domain")
        .isEqualTo("payments");
  }

  @Test
  void removingANodeKeepsEdgesOthersHaveToIt() {
    ServiceGraph g = boutique.without("redis-cart");
    assertThat(g.isDeclared("redis-cart")).isFalse();
    assertThat(g.isKnown("redis-cart")).isTrue();
    ServiceGraph g2 = g.without("cartservice");
    assertThat(g2.isKnown("redis-cart")).as("nobody names it any more").isFalse();
    assertThat(g2.domainOf("redis-cart")).isEqualTo("service:redis-cart");
  }
}
