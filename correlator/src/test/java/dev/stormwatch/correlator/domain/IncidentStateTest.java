package dev.stormwatch.correlator.domain;

import static dev.stormwatch.correlator.domain.Fixtures.fire;
import static dev.stormwatch.correlator.domain.Fixtures.t;
import static dev.stormwatch.correlator.domain.Fixtures.topology;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stormwatch.avro.AlertStatus;
import dev.stormwatch.avro.IncidentStatus;
import dev.stormwatch.avro.Severity;
import dev.stormwatch.avro.TimelineKind;
import org.junit.jupiter.api.Test;

class IncidentStateTest {

  private final CorrelatorSettings settings = CorrelatorSettings.defaults();
  private final ServiceGraph graph = topology("online-boutique");

  @Test
  void convertsToAvroAndBackWithoutLoss() {
    IncidentState i = IncidentState.open("inc-1", "d", fire("a", "redis-cart", Severity.HIGH, t(0)), settings)
        .attach(fire("b", "cartservice", Severity.CRITICAL, t(4)), settings)
        .acknowledge("alice", t(20), "ack", settings)
        .escalated(t(30), "OPENED", settings);
    i = i.withRanking(RootCause.rank(i, graph), graph);
    assertThat(IncidentState.fromAvro(i.toAvro())).isEqualTo(i);
    assertThat(IncidentState.fromAvro(i.toAvro()).toAvro()).isEqualTo(i.toAvro());
    assertThat(i.toAvro().getRootCauses().get(0).getService()).isEqualTo("redis-cart");
  }

  @Test
  void everyChangeBumpsTheRevisionAndNoChangeKeepsTheInstance() {
    AlertState a = fire("a", "cartservice", Severity.HIGH, t(0));
    IncidentState i = IncidentState.open("inc-1", "d", a, settings);
    assertThat(i.revision()).isEqualTo(1);
    assertThat(i.attach(a, settings)).isSameAs(i);
    IncidentState resolved = i.attach(a.observe(Fixtures.resolved("a", "cartservice", Severity.HIGH, t(0), t(9))),
        settings);
    assertThat(resolved.revision()).isEqualTo(2);
    assertThat(resolved.member("a").orElseThrow().status()).isEqualTo(AlertStatus.RESOLVED);
    assertThat(resolved.severity()).as("keeps the last severity when none fires").isEqualTo(Severity.HIGH);
    assertThat(resolved.lastActivityAt()).isEqualTo(t(9));
    assertThat(resolved.timeline()).extracting(IncidentState.Entry::kind)
        .containsExactly(TimelineKind.OPENED, TimelineKind.ALERT_FIRING, TimelineKind.ALERT_RESOLVED);
    assertThat(resolved.resolveDueAt(settings.resolveAfter())).contains(t(9 + 300));
    assertThat(resolved.acknowledge("bob", t(10), "ack", settings).revision()).isEqualTo(3);
  }

  @Test
  void onlyAResolvedIncidentReopens() {
    IncidentState i = IncidentState.open("inc-1", "d", fire("a", "cartservice", Severity.HIGH, t(0)), settings);
    assertThatThrownBy(() -> i.reopen(t(1), "x", settings)).isInstanceOf(IllegalStateException.class);
    IncidentState r = i.resolve("alice", t(5), "done", settings).reopen(t(50), "again", settings);
    assertThat(r.status()).isEqualTo(IncidentStatus.REOPENED);
    assertThat(r.isOpen()).isTrue();
    assertThat(r.expiresAt(settings.retention())).isEmpty();
  }
}
