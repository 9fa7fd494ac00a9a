package dev.stormwatch.correlator.rules;

import static dev.stormwatch.correlator.rules.RulesFixtures.T0;
import static dev.stormwatch.correlator.rules.RulesFixtures.deploy;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stormwatch.avro.ChangeEvent;
import dev.stormwatch.avro.ChangeKind;
import dev.stormwatch.avro.Link;
import dev.stormwatch.avro.LinkKind;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class RecentChangesTest {

  private static Instant m(long minutes) {
    return T0.plus(Duration.ofMinutes(minutes));
  }

  @Test
  void changesOlderThanTheRetentionAreNotKeptAndLeaveOnPrune() {
    RecentChanges rc = new RecentChanges(Duration.ofMinutes(60), 10, 10);
    assertThat(rc.add(deploy("old", "pay", "v1", null, m(0)), m(61)).outcome()).isEqualTo(RecentChanges.Outcome.TOO_OLD);
    assertThat(rc.add(deploy("a", "pay", "v1", null, m(0)), m(1)).outcome()).isEqualTo(RecentChanges.Outcome.ADDED);
    assertThat(rc.add(deploy("b", "pay", "v2", null, m(30)), m(30)).outcome()).isEqualTo(RecentChanges.Outcome.ADDED);
    assertThat(rc.add(deploy("b", "pay", "v2b", null, m(31)), m(31)).outcome())
        .isEqualTo(RecentChanges.Outcome.UPDATED);
    assertThat(rc.changes("pay", m(0), m(60))).extracting(Change::id).containsExactly("a", "b");
    assertThat(rc.changes("pay", m(1), m(60))).extracting(Change::version).containsExactly("v2b");
    assertThat(rc.prune(m(60))).isEmpty();
    assertThat(rc.size()).isEqualTo(2);
    assertThat(rc.prune(m(60).plusMillis(1))).isEmpty();
    assertThat(rc.size()).isEqualTo(1);
    assertThat(rc.prune(m(92))).containsExactly("pay");
    assertThat(rc.services()).isEmpty();
    assertThat(rc.changes("pay", m(0), m(100))).isEmpty();
  }

  @Test
  void eachServiceKeepsItsNewestChangesUpToTheCap() {
    RecentChanges rc = new RecentChanges(Duration.ofHours(1), 3, 10);
    for (int i = 0; i < 3; i++) {
      assertThat(rc.add(deploy("c" + i, "pay", "v" + i, null, m(i)), m(i)).capped()).isFalse();
    }
    RecentChanges.Added fourth = rc.add(deploy("c3", "pay", "v3", null, m(3)), m(3));
    assertThat(fourth.outcome()).isEqualTo(RecentChanges.Outcome.ADDED);
    assertThat(fourth.capped()).isTrue();
    assertThat(fourth.changes().changes()).extracting(Change::id).containsExactly("c1", "c2", "c3");
    // an older change than all the kept ones does not push a newer one out
    RecentChanges.Added late = rc.add(deploy("early", "pay", "v", null, m(0)), m(3));
    assertThat(late.outcome()).isEqualTo(RecentChanges.Outcome.CAPPED_OUT);
    assertThat(rc.of("pay").changes()).extracting(Change::id).containsExactly("c1", "c2", "c3");
  }

  @Test
  void beyondTheServiceCapTheServiceWithTheOldestLatestChangeIsEvicted() {
    RecentChanges rc = new RecentChanges(Duration.ofHours(1), 3, 2);
    rc.add(deploy("a", "alpha", "v", null, m(5)), m(5));
    rc.add(deploy("b", "beta", "v", null, m(1)), m(5));
    RecentChanges.Added third = rc.add(deploy("c", "gamma", "v", null, m(6)), m(6));
    assertThat(third.capped()).isTrue();
    assertThat(rc.services()).containsExactlyInAnyOrder("alpha", "gamma");
  }

  @Test
  void serviceChangesRoundTripThroughTheCodecAndSerde() {
    ServiceChanges sc = ServiceChanges.empty("payments")
        .with(new Change("id-1", "payments", ChangeKind.DEPLOY, "Zahlungen über €", "v1.4.2", "alice", "prod",
            "https://ci.example/run/1", m(0).plusMillis(123)), m(1), Duration.ofHours(1), 10)
        .with(new Change("id-2", "payments", ChangeKind.FEATURE_FLAG, null, null, null, null, null, m(1)), m(1),
            Duration.ofHours(1), 10);
    assertThat(ServiceChanges.decode(sc.encode())).isEqualTo(sc);
    ServiceChangesSerde serde = new ServiceChangesSerde();
    assertThat(serde.deserializer().deserialize("t", serde.serializer().serialize("t", sc))).isEqualTo(sc);
    assertThat(serde.deserializer().deserialize("t", null)).isNull();
    assertThatThrownBy(() -> ServiceChanges.decode(new byte[] {7})).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ServiceChanges.decode(new byte[] {1, 0})).isInstanceOf(IllegalArgumentException.class);
    assertThat(sc.encode().length).isLessThan(200);
    RecentChanges rc = RecentChanges.of(RulesSettings.defaults());
    rc.restore(ServiceChanges.decode(sc.encode()));
    assertThat(rc.changes("payments", m(0), m(1))).hasSize(2);
  }

  @Test
  void changeEventsConvertWithTheirChangeLink() {
    ChangeEvent e = ChangeEvent.newBuilder().setId("d-17").setService("payments").setKind(ChangeKind.DEPLOY)
        .setVersion("v1.4.2").setAuthor("alice").setTime(m(0))
        .setLinks(List.of(new Link(LinkKind.OTHER, "https://other.example", null),
            new Link(LinkKind.CHANGE, "https://github.example/pr/17", "PR 17")))
        .build();
    Change c = Change.of(e);
    assertThat(c.link()).isEqualTo("https://github.example/pr/17");
    assertThat(c.describe()).isEqualTo("deployed v1.4.2 by alice");
    assertThat(Change.of(ChangeEvent.newBuilder(e).setLinks(List.of(new Link(LinkKind.OTHER, "https://o.example",
        null))).build()).link()).isEqualTo("https://o.example");
    assertThatThrownBy(() -> Change.of(ChangeEvent.newBuilder(e).setService(" ").build()))
        .hasMessage("change d-17 has no service");
    assertThat(new Change("x", "s", ChangeKind.OTHER, "x".repeat(5000), null, null, null, null, m(0)).summary())
        .hasSize(Change.MAX_TEXT);
  }
}
