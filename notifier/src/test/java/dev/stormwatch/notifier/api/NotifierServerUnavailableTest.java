package dev.stormwatch.notifier.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stormwatch.avro.IncidentCommand;
import dev.stormwatch.common.registry.RestSchemaRegistryClient;
import dev.stormwatch.common.registry.SchemaRegistryConfig;
import dev.stormwatch.common.serde.AvroSerdeConfig;
import dev.stormwatch.common.serde.SpecificAvroSerde;
import dev.stormwatch.notifier.api.AckLinks.Action;
import dev.stormwatch.notifier.channel.Secret;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.errors.UnknownStateStoreException;
import org.junit.jupiter.api.Test;

/**
 * What the API answers when its parts cannot: the on-call store not queryable (503 with
 * {@code Retry-After}), a store that does not exist (500), Kafka not taking a command (503, the
 * command counted as failed; a real producer against a port nobody listens on), no page index, no
 * inbox and no links (404).
 */
class NotifierServerUnavailableTest {

  private static final String INCIDENT = "inc-0a1b2c3d-00000000000000ff";

  @Test
  void answers503WithRetryAfterWhileItsPartsCannotAnswer() throws Exception {
    String nowhere;
    try (ServerSocket s = new ServerSocket(0)) {
      nowhere = "127.0.0.1:" + s.getLocalPort();
    }
    NotifierServerConfig config = new NotifierServerConfig("127.0.0.1", 0, Optional.empty(),
        Optional.of(URI.create("http://127.0.0.1")), Optional.of(new Secret("0123456789abcdef")),
        Duration.ofHours(1), Duration.ofSeconds(3), Duration.ofSeconds(1), 10, Optional.empty(), 10);
    SimpleMeterRegistry meters = new SimpleMeterRegistry();
    try (RestSchemaRegistryClient registry = new RestSchemaRegistryClient(
             SchemaRegistryConfig.builder().urls("http://" + nowhere).build());
         KafkaCommandSink sink = new KafkaCommandSink(Map.of("bootstrap.servers", nowhere), "commands",
             SpecificAvroSerde.of(IncidentCommand.class, registry, AvroSerdeConfig.defaults(), false).serializer(),
             Duration.ofSeconds(1));
         NotifierServer server = NotifierServer.start(config, () -> {
           throw new InvalidStateStoreException("the global store is restoring");
         }, sink, null, null, meters, Clock.systemUTC())) {
      URI api = server.url();

      HttpResponse<String> oncall = Http.get(api, "/api/oncall");
      assertThat(oncall.statusCode()).isEqualTo(503);
      assertThat(oncall.headers().firstValue("Retry-After")).contains("3");
      assertThat(Http.error(oncall)).isEqualTo("the on-call configuration is not queryable yet (starting or rebalancing)");
      assertThat(Http.get(api, "/api/oncall/primary.ics").statusCode()).isEqualTo(503);

      AckLinks links = server.links().orElseThrow();
      String token = links.token(links.claim(INCIDENT, Action.ACK, "alice", Instant.now()));
      assertThat(Http.get(api, "/ack/" + token).statusCode()).as("the confirmation needs no Kafka").isEqualTo(200);
      HttpResponse<String> act = Http.post(api, "/ack/" + token, null, Map.of());
      assertThat(act.statusCode()).isEqualTo(503);
      assertThat(act.headers().firstValue("Retry-After")).contains("3");
      assertThat(act.body()).contains("could not be written to Kafka in time");
      HttpResponse<String> command = Http.post(api, "/api/incidents/" + INCIDENT + "/resolve", null, Map.of());
      assertThat(command.statusCode()).isEqualTo(503);
      assertThat(Http.error(command)).contains("nothing changed");
      assertThat(meters.get("stormwatch.notifier.api.commands").tag("kind", "ack").tag("via", "link")
          .tag("outcome", "failed").counter().count()).isEqualTo(1);
      assertThat(meters.get("stormwatch.notifier.api.commands").tag("kind", "resolve").tag("via", "api")
          .tag("outcome", "failed").counter().count()).isEqualTo(1);

      assertThat(Http.get(api, "/api/pages").statusCode()).isEqualTo(404);
      assertThat(Http.get(api, "/api/inbox").statusCode()).isEqualTo(404);
      assertThat(Http.get(api, "/inbox").statusCode()).isEqualTo(404);
    }

    try (NotifierServer noLinks = NotifierServer.start(NotifierServerConfig.defaults().withAddress("127.0.0.1", 0),
        () -> {
          throw new UnknownStateStoreException("no such store");
        }, c -> java.util.concurrent.CompletableFuture.completedFuture(null), null, null, new SimpleMeterRegistry(),
        Clock.systemUTC())) {
      HttpResponse<String> off = Http.get(noLinks.url(), "/ack/anything");
      assertThat(off.statusCode()).isEqualTo(404);
      assertThat(off.body()).contains("not configured");
      HttpResponse<String> broken = Http.get(noLinks.url(), "/api/oncall");
      assertThat(broken.statusCode()).as("a store the app does not have is a bug, not a wait").isEqualTo(500);
      assertThat(Http.error(broken)).isEqualTo("internal error: UnknownStateStoreException");
    }
  }
}
