package dev.stormwatch.correlator.domain;

import static dev.stormwatch.correlator.domain.Fixtures.event;
import static dev.stormwatch.correlator.domain.Fixtures.t;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stormwatch.avro.AlertEvent;
import dev.stormwatch.avro.AlertStatus;
import dev.stormwatch.avro.Link;
import dev.stormwatch.avro.LinkKind;
import dev.stormwatch.avro.Severity;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

/** The store serde of {@link AlertState} keeps the whole merge state. */
class AlertStateSerdeTest {

  private final AlertStateSerde serde = new AlertStateSerde();

  private AlertState roundTrip(AlertState s) {
    return serde.deserializer().deserialize("t", serde.serializer().serialize("t", s));
  }

  @Property(tries = 300, seed = "20250310")
  void aDecodedStateEqualsTheOriginalAndMergesTheSame(@ForAll("observations") List<AlertEvent> a,
                                                       @ForAll("observations") List<AlertEvent> b) {
    AlertState x = fold(a);
    AlertState y = fold(b);
    AlertState decoded = roundTrip(x);
    assertThat(decoded).isEqualTo(x);
    assertThat(decoded.startsAt()).isEqualTo(x.startsAt());
    assertThat(decoded.observations()).isEqualTo(x.observations());
    assertThat(decoded.stateChanges()).isEqualTo(x.stateChanges());
    assertThat(decoded.merge(roundTrip(y))).isEqualTo(x.merge(y));
    // a store written by an earlier release (JSON, version 1) still reads back the same state
    assertThat(serde.deserializer().deserialize("t", AlertStateCodec.encodeJson(x))).isEqualTo(x);
  }

  @Test
  void linksNullsAndNanosSurvive() {
    AlertEvent e = event("fp", "cartservice", Severity.HIGH, AlertStatus.FIRING,
        Instant.parse("2025-03-01T10:00:00.123456789Z"), null, t(1));
    e.setLinks(List.of(Link.newBuilder().setKind(LinkKind.RUNBOOK).setUrl("https://r").setTitle(null).build()));
    e.setEnvironment(null);
    e.setAnnotations(Map.of("description", "ünïcode \"quoted\""));
    AlertState s = AlertState.of(e);
    assertThat(roundTrip(s)).isEqualTo(s);
    assertThat(roundTrip(s).latest().links()).containsExactly(new AlertState.AlertLink(LinkKind.RUNBOOK, "https://r",
        null));
    assertThat(serde.serializer().serialize("t", null)).isNull();
    assertThat(serde.deserializer().deserialize("t", null)).isNull();
  }

  @Test
  void unknownBytesAreRefusedWithAReason() {
    assertThatThrownBy(() -> serde.deserializer().deserialize("t", "{\"v\":9}".getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("version");
    assertThatThrownBy(() -> serde.deserializer().deserialize("t", "{{".getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(IllegalArgumentException.class);
    byte[] good = serde.serializer().serialize("t", AlertState.of(event("fp", "cartservice", Severity.HIGH,
        AlertStatus.FIRING, t(0), null, t(0))));
    assertThat(good[0]).isEqualTo(AlertStateCodec.BINARY);
    for (int cut : new int[] {1, 9, good.length / 2, good.length - 1}) {
      assertThatThrownBy(() -> serde.deserializer().deserialize("t", java.util.Arrays.copyOf(good, cut)))
          .as("cut at %d of %d bytes", cut, good.length)
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not an encoded AlertState");
    }
  }

  @Provide
  Arbitrary<List<AlertEvent>> observations() {
    Arbitrary<AlertStatus> status = Arbitraries.of(AlertStatus.FIRING, AlertStatus.RESOLVED, AlertStatus.UNKNOWN);
    Arbitrary<Integer> start = Arbitraries.integers().between(0, 90);
    Arbitrary<Integer> length = Arbitraries.integers().between(-1, 20);
    Arbitrary<Severity> severity = Arbitraries.of(Severity.class);
    Arbitrary<String> summary = Arbitraries.strings().ofMaxLength(5);
    return Combinators.combine(status, start, length, severity, summary).as((st, s, len, sev, sum) -> {
      Instant startsAt = t(s * 60L);
      Instant endsAt = st == AlertStatus.RESOLVED && len >= 0 ? startsAt.plusSeconds(len * 60L) : null;
      AlertEvent e = event("fp-1", "cartservice", sev, st, startsAt, endsAt, endsAt == null ? startsAt : endsAt);
      e.setSummary(sum);
      e.setLabels(Map.of("alertname", "HighErrorRate", "summary", sum));
      return e;
    }).list().ofMinSize(1).ofMaxSize(80);
  }

  private static AlertState fold(List<AlertEvent> events) {
    AlertState s = AlertState.of(events.get(0));
    for (AlertEvent e : events.subList(1, events.size())) {
      s = s.observe(e);
    }
    return s;
  }
}
