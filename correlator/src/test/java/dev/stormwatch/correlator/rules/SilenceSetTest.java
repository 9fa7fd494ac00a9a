package dev.stormwatch.correlator.rules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stormwatch.avro.MatchOp;
import dev.stormwatch.avro.Matcher;
import dev.stormwatch.avro.Silence;
import dev.stormwatch.avro.Weekday;
import dev.stormwatch.avro.WeeklyRecurrence;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SilenceSetTest {

  private static final Instant T0 = Instant.parse("2025-03-01T10:00:00Z");

  private static Instant t(String iso) {
    return Instant.parse(iso);
  }

  private static Matcher m(String name, MatchOp op, String value) {
    return Matcher.newBuilder().setName(name).setOp(op).setValue(value).build();
  }

  static Silence silence(String id, List<Matcher> matchers, Instant from, Instant to, WeeklyRecurrence recurrence) {
    return Silence.newBuilder().setId(id).setMatchers(matchers).setStartsAt(from).setEndsAt(to)
        .setRecurrence(recurrence).setAuthor("alice").setComment("DB upgrade OPS-42").setCreatedAt(from)
        .setUpdatedAt(from).build();
  }

  private static AlertView alert(String fp, String service, Map<String, String> labels) {
    return AlertView.of(fp, "HighErrorRate", service, labels, true);
  }

  @Test
  void aSilenceMutesMatchingAlertsFromItsStartUntilItsEnd() {
    SilenceRule s = SilenceRule.of(silence("s1", List.of(m("service", MatchOp.EQUAL, "payments"),
        m("severity", MatchOp.REGEX, "warning|info")), T0, T0.plus(Duration.ofHours(2)), null));
    AlertView warn = alert("a", "payments", Map.of("severity", "warning"));
    AlertView crit = alert("b", "payments", Map.of("severity", "critical"));
    AlertView other = alert("c", "checkout", Map.of("severity", "warning"));

    assertThat(s.mutes(warn, T0.minusMillis(1))).isEmpty();
    Suppression sup = s.mutes(warn, T0).orElseThrow();
    assertThat(sup.kind()).isEqualTo(Suppression.Kind.SILENCE);
    assertThat(sup.suppressedBy()).isEqualTo("silence:s1");
    assertThat(sup.until()).isEqualTo(T0.plus(Duration.ofHours(2)));
    assertThat(sup.sourceFingerprint()).isNull();
    assertThat(sup.reason()).isEqualTo("silenced by alice until 2025-03-01 12:00 UTC: DB upgrade OPS-42 (silence s1)");
    assertThat(s.mutes(warn, T0.plus(Duration.ofHours(2)).minusMillis(1))).isPresent();
    assertThat(s.mutes(warn, T0.plus(Duration.ofHours(2)))).isEmpty();
    assertThat(s.mutes(crit, T0.plusSeconds(60))).isEmpty();
    assertThat(s.mutes(other, T0.plusSeconds(60))).isEmpty();
    // muting does not depend on status: a resolve of a silenced alert is muted too (and still forwarded)
    assertThat(s.mutes(AlertView.of("a", "HighErrorRate", "payments", Map.of("severity", "warning"), false),
        T0.plusSeconds(60))).isPresent();
  }

  @Test
  void aMaintenanceWindowMutesInsideItsSlotsAndNotOutsideAcrossDst() {
    // every Sunday 02:30 Europe/Berlin for 1h, over the payments service, for March and April 2025
    WeeklyRecurrence weekly = WeeklyRecurrence.newBuilder().setDays(List.of(Weekday.SUNDAY))
        .setStartTime(LocalTime.of(2, 30)).setDurationMillis(Duration.ofHours(1).toMillis())
        .setTimeZone("Europe/Berlin").build();
    SilenceRule w = SilenceRule.of(silence("mw", List.of(m("service", MatchOp.EQUAL, "payments")),
        t("2025-03-01T00:00:00Z"), t("2025-05-01T00:00:00Z"), weekly));
    AlertView pay = alert("p", "payments", Map.of());

    // a winter Sunday: 02:30 CET = 01:30Z
    assertThat(w.mutes(pay, t("2025-03-23T01:29:59Z"))).isEmpty();
    Suppression in = w.mutes(pay, t("2025-03-23T01:30:00Z")).orElseThrow();
    assertThat(in.kind()).isEqualTo(Suppression.Kind.MAINTENANCE);
    assertThat(in.until()).isEqualTo(t("2025-03-23T02:30:00Z"));
    assertThat(in.reason()).startsWith("in maintenance window Sun at 02:30 Europe/Berlin for 1h by alice");
    assertThat(w.mutes(pay, t("2025-03-23T02:30:00Z"))).isEmpty();
    // the DST Sunday: 02:30 does not exist, the slot starts at the jump (03:00 CEST = 01:00Z) and lasts 1h
    assertThat(w.mutes(pay, t("2025-03-30T00:59:59Z"))).isEmpty();
    assertThat(w.mutes(pay, t("2025-03-30T01:00:00Z"))).isPresent();
    assertThat(w.mutes(pay, t("2025-03-30T01:59:59Z"))).isPresent();
    assertThat(w.mutes(pay, t("2025-03-30T02:00:00Z"))).isEmpty();
    // a summer Sunday: 02:30 CEST = 00:30Z
    assertThat(w.mutes(pay, t("2025-04-06T00:29:59Z"))).isEmpty();
    assertThat(w.mutes(pay, t("2025-04-06T00:30:00Z"))).isPresent();
    assertThat(w.mutes(pay, t("2025-04-06T01:30:00Z"))).isEmpty();
    // weekdays are outside, and so is a Sunday slot after the window's end
    assertThat(w.mutes(pay, t("2025-04-07T00:45:00Z"))).isEmpty();
    assertThat(w.mutes(pay, t("2025-05-04T00:45:00Z"))).isEmpty();
    // other services are never muted
    assertThat(w.mutes(alert("c", "checkout", Map.of()), t("2025-04-06T00:45:00Z"))).isEmpty();
  }

  @Test
  void theSlotUntilStopsAtTheSilencesEnd() {
    WeeklyRecurrence daily = WeeklyRecurrence.newBuilder().setDays(List.of(Weekday.SATURDAY))
        .setStartTime(LocalTime.of(10, 0)).setDurationMillis(Duration.ofHours(4).toMillis()).setTimeZone("UTC").build();
    SilenceRule w = SilenceRule.of(silence("w", List.of(m("service", MatchOp.EQUAL, "x")), T0,
        T0.plus(Duration.ofHours(1)), daily)); // T0 is Saturday 10:00Z
    assertThat(w.mutes(alert("x", "x", Map.of()), T0.plusSeconds(1)).orElseThrow().until())
        .isEqualTo(T0.plus(Duration.ofHours(1)));
  }

  @Test
  void invalidSilencesAreOneLineErrorsNamingThem() {
    Instant end = T0.plusSeconds(60);
    assertThatThrownBy(() -> SilenceRule.of(silence("s", List.of(), T0, end, null)))
        .hasMessage("silence s: at least one matcher is required");
    assertThatThrownBy(() -> SilenceRule.of(silence("s", List.of(m("team", MatchOp.EQUAL, ""),
        m("env", MatchOp.REGEX, ".*")), T0, end, null)))
        .hasMessageStartingWith("silence s: at least one matcher must not match the empty string");
    assertThatThrownBy(() -> SilenceRule.of(silence("s", List.of(m("service", MatchOp.REGEX, "(")), T0, end, null)))
        .hasMessageStartingWith("silence s: invalid regular expression in matcher service=~\"(\"");
    assertThatThrownBy(() -> SilenceRule.of(silence("s", List.of(m("service", MatchOp.EQUAL, "x")), end, T0, null)))
        .hasMessageContaining("is before startsAt");
    WeeklyRecurrence badZone = WeeklyRecurrence.newBuilder().setDays(List.of(Weekday.MONDAY))
        .setStartTime(LocalTime.NOON).setDurationMillis(1000).setTimeZone("Nowhere/Land").build();
    assertThatThrownBy(() -> SilenceRule.of(silence("s", List.of(m("service", MatchOp.EQUAL, "x")), T0, end, badZone)))
        .hasMessageStartingWith("silence s: unknown time zone 'Nowhere/Land'");
    // as in Alertmanager, a negative matcher does not count as matching the empty string
    assertThat(SilenceRule.of(silence("s", List.of(m("env", MatchOp.NOT_EQUAL, "staging")), T0, end, null))
        .mutes(alert("a", "x", Map.of()), T0)).isPresent();
  }

  @Test
  void theSetAnswersWithTheLongestMutingSilenceWhateverTheArrivalOrder() {
    SilenceRule shortOne = SilenceRule.of(silence("b-short", List.of(m("service", MatchOp.EQUAL, "x")), T0,
        T0.plus(Duration.ofHours(1)), null));
    SilenceRule longOne = SilenceRule.of(silence("z-long", List.of(m("service", MatchOp.REGEX, "x|y")), T0,
        T0.plus(Duration.ofHours(3)), null));
    SilenceRule sameEnd = SilenceRule.of(silence("a-long", List.of(m("service", MatchOp.EQUAL, "x")), T0,
        T0.plus(Duration.ofHours(3)), null));
    SilenceSet one = SilenceSet.empty(10, Duration.ofHours(1)).put(shortOne, T0).set().put(longOne, T0).set()
        .put(sameEnd, T0).set();
    SilenceSet two = SilenceSet.empty(10, Duration.ofHours(1)).put(sameEnd, T0).set().put(longOne, T0).set()
        .put(shortOne, T0).set();
    AlertView x = alert("x", "x", Map.of());
    assertThat(one.mutes(x, T0.plusSeconds(1)).orElseThrow().ref()).isEqualTo("a-long");
    assertThat(two.mutes(x, T0.plusSeconds(1))).isEqualTo(one.mutes(x, T0.plusSeconds(1)));
    assertThat(one.mutesAll(x, T0.plusSeconds(1))).extracting(Suppression::ref)
        .containsExactly("a-long", "z-long", "b-short");
    assertThat(one.mutes(alert("y", "y", Map.of()), T0.plusSeconds(1)).orElseThrow().ref()).isEqualTo("z-long");
    assertThat(one.activeAt(T0.plus(Duration.ofHours(2)))).extracting(SilenceRule::id)
        .containsExactly("a-long", "z-long");
  }

  @Test
  void putReplaceRemoveAndRetention() {
    SilenceRule s1 = SilenceRule.of(silence("s1", List.of(m("service", MatchOp.EQUAL, "x")), T0,
        T0.plus(Duration.ofHours(1)), null));
    SilenceSet set = SilenceSet.empty(10, Duration.ofHours(24));
    SilenceSet.Update added = set.put(s1, T0);
    assertThat(added.outcome()).isEqualTo(SilenceSet.Outcome.ADDED);
    // expiring a silence is an update that moves endsAt to now
    SilenceRule expired = SilenceRule.of(silence("s1", List.of(m("service", MatchOp.EQUAL, "x")), T0,
        T0.plus(Duration.ofMinutes(10)), null));
    SilenceSet.Update replaced = added.set().put(expired, T0.plus(Duration.ofMinutes(10)));
    assertThat(replaced.outcome()).isEqualTo(SilenceSet.Outcome.REPLACED);
    assertThat(replaced.set().mutes(alert("x", "x", Map.of()), T0.plus(Duration.ofMinutes(11)))).isEmpty();
    assertThat(replaced.set().get("s1")).contains(expired); // kept for the retention, so the API can show it
    assertThat(replaced.set().prune(T0.plus(Duration.ofMinutes(10)).plus(Duration.ofHours(24)).minusMillis(1)).size())
        .isEqualTo(1);
    assertThat(replaced.set().prune(T0.plus(Duration.ofMinutes(10)).plus(Duration.ofHours(24))).size()).isZero();
    // a silence that ended more than the retention ago is not kept, and drops an older copy
    SilenceSet.Update late = replaced.set().put(expired, T0.plus(Duration.ofDays(2)));
    assertThat(late.outcome()).isEqualTo(SilenceSet.Outcome.DROPPED_EXPIRED);
    assertThat(late.set().size()).isZero();
    assertThat(replaced.set().remove("s1").outcome()).isEqualTo(SilenceSet.Outcome.REMOVED);
    assertThat(replaced.set().remove("s1").set().size()).isZero();
    assertThat(set.remove("nope").outcome()).isEqualTo(SilenceSet.Outcome.ABSENT);
    // immutable: the earlier sets are unchanged
    assertThat(set.size()).isZero();
    assertThat(added.set().get("s1")).contains(s1);
  }

  @Test
  void aFullSetEvictsTheSilenceThatEndedFirstAndRejectsWhenAllAreCurrent() {
    SilenceSet set = SilenceSet.empty(2, Duration.ofHours(24));
    set = set.put(rule("old", T0.plus(Duration.ofMinutes(5))), T0).set();
    set = set.put(rule("current", T0.plus(Duration.ofHours(5))), T0).set();
    Instant later = T0.plus(Duration.ofMinutes(30)); // "old" has ended, within the retention
    SilenceSet.Update added = set.put(rule("new", T0.plus(Duration.ofHours(5))), later);
    assertThat(added.outcome()).isEqualTo(SilenceSet.Outcome.ADDED);
    assertThat(added.detail()).contains("evicting expired silence old");
    assertThat(added.set().all()).extracting(SilenceRule::id).containsExactly("current", "new");
    SilenceSet.Update rejected = added.set().put(rule("more", T0.plus(Duration.ofHours(5))), later);
    assertThat(rejected.outcome()).isEqualTo(SilenceSet.Outcome.REJECTED_CAP);
    assertThat(rejected.set()).isSameAs(added.set());
    assertThat(rejected.detail()).contains("max-silences");
  }

  @Test
  void theNextChangeIsTheEarliestStartEndOrSlotBoundary() {
    SilenceSet set = SilenceSet.empty(10, Duration.ofHours(1))
        .put(rule("a", T0.plus(Duration.ofHours(2))), T0).set();
    assertThat(set.nextChangeAfter(T0.minusSeconds(1))).contains(T0);
    assertThat(set.nextChangeAfter(T0)).contains(T0.plus(Duration.ofHours(2)));
    assertThat(set.nextChangeAfter(T0.plus(Duration.ofHours(2)))).isEmpty();
    WeeklyRecurrence sat = WeeklyRecurrence.newBuilder().setDays(List.of(Weekday.SATURDAY))
        .setStartTime(LocalTime.of(11, 0)).setDurationMillis(Duration.ofMinutes(30).toMillis()).setTimeZone("UTC")
        .build();
    SilenceSet withWindow = set.put(SilenceRule.of(silence("w", List.of(m("service", MatchOp.EQUAL, "x")), T0,
        T0.plus(Duration.ofDays(30)), sat)), T0).set();
    assertThat(withWindow.nextChangeAfter(T0)).contains(t("2025-03-01T11:00:00Z"));
    assertThat(withWindow.nextChangeAfter(t("2025-03-01T11:00:00Z"))).contains(t("2025-03-01T11:30:00Z"));
  }

  private static SilenceRule rule(String id, Instant end) {
    return SilenceRule.of(silence(id, List.of(m("service", MatchOp.EQUAL, id)), T0, end, null));
  }
}
