package dev.stormwatch.notifier.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stormwatch.avro.ChannelType;
import dev.stormwatch.avro.PageAction;
import dev.stormwatch.avro.PageOutcome;
import dev.stormwatch.avro.PageResult;
import dev.stormwatch.notifier.oncall.OnCallConfig;
import dev.stormwatch.notifier.oncall.OnCallYaml;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class WorkloadTest {

  private static final OnCallConfig CONFIG = OnCallYaml.parse("""
      people:
        - {id: alice, time-zone: Europe/Berlin, contacts: [{inbox: alice}, {email: alice@example.org}]}
        - {id: bob, time-zone: America/New_York, contacts: [{inbox: bob}]}
      """);
  private static final Instant START = Instant.parse("2026-03-02T00:00:00Z"); // a Monday

  @Test
  void officeAndSleepHoursAreLocal() {
    ZoneId berlin = ZoneId.of("Europe/Berlin");
    assertThat(Workload.offHours(ZonedDateTime.of(2026, 3, 2, 9, 0, 0, 0, berlin))).isFalse(); // Monday 09:00
    assertThat(Workload.offHours(ZonedDateTime.of(2026, 3, 2, 16, 59, 0, 0, berlin))).isFalse();
    assertThat(Workload.offHours(ZonedDateTime.of(2026, 3, 2, 17, 0, 0, 0, berlin))).isTrue();
    assertThat(Workload.offHours(ZonedDateTime.of(2026, 3, 2, 8, 59, 0, 0, berlin))).isTrue();
    assertThat(Workload.offHours(ZonedDateTime.of(2026, 3, 7, 12, 0, 0, 0, berlin))).isTrue(); // Saturday
    assertThat(Workload.sleepHours(ZonedDateTime.of(2026, 3, 2, 23, 0, 0, 0, berlin))).isTrue();
    assertThat(Workload.sleepHours(ZonedDateTime.of(2026, 3, 2, 6, 59, 0, 0, berlin))).isTrue();
    assertThat(Workload.sleepHours(ZonedDateTime.of(2026, 3, 2, 7, 0, 0, 0, berlin))).isFalse();
    assertThat(Workload.sleepHours(ZonedDateTime.of(2026, 3, 2, 22, 59, 0, 0, berlin))).isFalse();
  }

  @Test
  void aPageToSeveralContactsIsOneInterruption() {
    assertThat(Workload.interruption("inc-1:c0:l1:r0:alice:inbox:alice", "alice")).isEqualTo("inc-1:c0:l1:r0:alice");
    assertThat(Workload.interruption("inc-1:c0:l1:r0:alice:email:alice@example.org", "alice"))
        .isEqualTo("inc-1:c0:l1:r0:alice");
    assertThat(Workload.interruption("bundle:alice:inbox:alice:1767261600000", "alice"))
        .isEqualTo("bundle:alice:1767261600000");
    assertThat(Workload.interruption("something-else", "alice")).isEqualTo("something-else");
  }

  @Test
  void countsDeliveredTriggersPerPersonInTheirTimeZone() {
    SimpleMeterRegistry meters = new SimpleMeterRegistry();
    Workload workload = new Workload(meters, () -> CONFIG, 10, START);
    // Monday 02:00 UTC = 03:00 Berlin (off and sleep hours), 21:00 Sunday in New York (off hours, not sleep)
    Instant night = Instant.parse("2026-03-02T02:00:00Z");
    workload.observe(outcome("inc-1:c0:l0:r0:alice:inbox:alice", "alice", PageResult.DELIVERED, night));
    workload.observe(outcome("inc-1:c0:l0:r0:alice:email:alice@example.org", "alice", PageResult.DELIVERED, night));
    workload.observe(outcome("inc-1:c0:l0:r0:bob:inbox:bob", "bob", PageResult.DELIVERED, night));
    // Monday 10:00 UTC = 11:00 Berlin (office), 05:00 New York (off and sleep)
    Instant morning = Instant.parse("2026-03-02T10:00:00Z");
    workload.observe(outcome("inc-2:c0:l0:r0:alice:inbox:alice", "alice", PageResult.DELIVERED, morning));
    workload.observe(outcome("inc-2:c0:l0:r0:bob:inbox:bob", "bob", PageResult.DELIVERED, morning));
    // not counted: failed, a follow-up, a team chat, before the start, a repeated record
    workload.observe(outcome("inc-3:c0:l0:r0:alice:inbox:alice", "alice", PageResult.FAILED, morning));
    PageOutcome ack = PageOutcome.newBuilder(outcome("inc-2:c0:l0:r0:alice:inbox:alice:acknowledge", "alice",
        PageResult.DELIVERED, morning)).setAction(PageAction.ACKNOWLEDGE).build();
    workload.observe(ack);
    workload.observe(outcome("inc-2:c0:l0:r0:team:platform:inbox:chat", "team:platform", PageResult.DELIVERED,
        morning));
    workload.observe(outcome("inc-0:c0:l0:r0:alice:inbox:alice", "alice", PageResult.DELIVERED,
        START.minusSeconds(1)));
    workload.observe(outcome("inc-2:c0:l0:r0:bob:inbox:bob", "bob", PageResult.DELIVERED, morning));

    assertThat(count(meters, "stormwatch.oncall.pages", "alice")).isEqualTo(2);
    assertThat(count(meters, "stormwatch.oncall.pages.off.hours", "alice")).isEqualTo(1);
    assertThat(count(meters, "stormwatch.oncall.pages.sleep.hours", "alice")).isEqualTo(1);
    assertThat(count(meters, "stormwatch.oncall.pages", "bob")).isEqualTo(2);
    assertThat(count(meters, "stormwatch.oncall.pages.off.hours", "bob")).isEqualTo(2);
    assertThat(count(meters, "stormwatch.oncall.pages.sleep.hours", "bob")).isEqualTo(1);
    assertThat(meters.find("stormwatch.oncall.pages").tag("person", "team:platform").counter()).isNull();
  }

  @Test
  void peopleBeyondTheCapCountAsOtherAndUnknownPeopleCountInUtc() {
    SimpleMeterRegistry meters = new SimpleMeterRegistry();
    AtomicBoolean readable = new AtomicBoolean(false);
    Workload workload = new Workload(meters, () -> {
      if (!readable.get()) {
        throw new org.apache.kafka.streams.errors.InvalidStateStoreException("not yet");
      }
      return CONFIG;
    }, 1, START);
    assertThat(count(meters, "stormwatch.oncall.pages", Workload.OTHER)).as("registered at zero").isZero();
    // 08:00 UTC Monday: office hours in Berlin (09:00) but not in UTC
    Instant t = Instant.parse("2026-03-02T08:00:00Z");
    workload.observe(outcome("inc-1:c0:l0:r0:carol:inbox:carol", "carol", PageResult.DELIVERED, t));
    workload.observe(outcome("inc-1:c0:l0:r0:alice:inbox:alice", "alice", PageResult.DELIVERED, t));
    assertThat(count(meters, "stormwatch.oncall.pages", "carol")).isEqualTo(1);
    assertThat(count(meters, "stormwatch.oncall.pages.off.hours", "carol")).as("UTC: 08:00").isEqualTo(1);
    assertThat(count(meters, "stormwatch.oncall.pages", Workload.OTHER)).isEqualTo(1);
    assertThat(count(meters, "stormwatch.oncall.pages.off.hours", Workload.OTHER))
        .as("the store was not readable: alice counted in UTC").isEqualTo(1);
  }

  private static double count(SimpleMeterRegistry meters, String name, String person) {
    return meters.get(name).tag("person", person).counter().count();
  }

  static PageOutcome outcome(String key, String recipient, PageResult result, Instant at) {
    return PageOutcome.newBuilder().setDedupKey(key).setIncidentId(key.substring(0, key.indexOf(':')))
        .setAction(PageAction.TRIGGER).setChannel(ChannelType.INBOX).setRecipientId(recipient).setAttempt(1)
        .setOutcome(result).setAt(at).build();
  }
}
