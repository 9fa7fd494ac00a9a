package dev.stormwatch.correlator.rules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.stormwatch.avro.ChangeKind;
import dev.stormwatch.avro.Severity;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Statistics over a recorded week of incidents ({@code rules/week-of-incidents.json}): 22 incidents
 * (one before and one after the week, one merged) and 14 changes, every expected number worked out
 * by hand from the fixture's timestamps in the comments.
 */
class IncidentStatsTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Instant MONDAY = Instant.parse("2025-03-03T00:00:00Z");
  private static final Instant NEXT_MONDAY = Instant.parse("2025-03-10T00:00:00Z");

  private static List<IncidentMilestones> incidents;
  private static List<Change> changes;
  private static Function<String, Optional<String>> owners;

  @BeforeAll
  static void load() throws IOException {
    JsonNode doc;
    try (InputStream in = IncidentStatsTest.class.getResourceAsStream("/rules/week-of-incidents.json")) {
      doc = JSON.readTree(in);
    }
    incidents = new ArrayList<>();
    for (JsonNode i : doc.get("incidents")) {
      List<String> services = new ArrayList<>();
      i.get("services").forEach(s -> services.add(s.asText()));
      List<String> suspects = new ArrayList<>();
      i.get("suspectChanges").forEach(s -> suspects.add(s.asText()));
      incidents.add(new IncidentMilestones(i.get("id").asText(), services.get(0), i.get("team").asText(),
          Severity.valueOf(i.get("severity").asText()), services, instant(i, "firstAlertAt"), instant(i, "openedAt"),
          instant(i, "escalatedAt"), instant(i, "acknowledgedAt"), instant(i, "resolvedAt"),
          !i.get("mergedInto").isNull(), suspects));
    }
    changes = new ArrayList<>();
    for (JsonNode c : doc.get("changes")) {
      changes.add(new Change(c.get("id").asText(), c.get("service").asText(), ChangeKind.valueOf(c.get("kind").asText()),
          null, c.get("version").asText(), c.get("author").asText(), null, null, instant(c, "time")));
    }
    Map<String, String> map = new HashMap<>();
    doc.get("owners").fields().forEachRemaining(e -> map.put(e.getKey(), e.getValue().asText()));
    owners = s -> Optional.ofNullable(map.get(s));
    assertThat(incidents).hasSize(22);
    assertThat(changes).hasSize(14);
  }

  private static Instant instant(JsonNode n, String field) {
    JsonNode v = n.get(field);
    return v == null || v.isNull() ? null : Instant.parse(v.asText());
  }

  private static IncidentStats.Result stats(Instant from, Instant to, String service, String team) {
    return IncidentStats.compute(new IncidentStats.Query(from, to, service, team), incidents, changes, owners);
  }

  private static Map<String, Integer> severities(int critical, int high, int warning, int info) {
    Map<String, Integer> m = new LinkedHashMap<>();
    m.put("critical", critical);
    m.put("high", high);
    m.put("warning", warning);
    m.put("info", info);
    m.put("unknown", 0);
    return m;
  }

  @Test
  void theWholeWeek() {
    IncidentStats.Result r = stats(MONDAY, NEXT_MONDAY, null, null);
    // i01..i20 opened in the week; i08 was merged into i09 and does not count; i00 and i21 are outside
    assertThat(r.incidents()).isEqualTo(19);
    assertThat(r.bySeverity()).containsExactlyEntriesOf(severities(7, 6, 4, 2));
    // MTTD (escalated - first alert), minutes, 17 escalated: 2,1,3,1,4,2,1,5,2,3,1,2,2,1,4,2,3 = 39
    // mean 39/17 min = 137647.06 ms; sorted 1x5, 2x6, 3x3, 4x2, 5: p50 = 9th = 2m, p90 = 16th = 4m
    assertThat(r.mttd()).isEqualTo(new IncidentStats.Spans(17, 137_647L, 120_000L, 240_000L));
    // MTTA (acknowledged - escalated), 14 acknowledged: 5,3,2,10,1,4,20,2,6,3,8,1,15,5 = 85
    // mean 85/14 min = 364285.71 ms; sorted 1,1,2,2,3,3,4,5,5,6,8,10,15,20: p50 = 7th = 4m, p90 = 13th = 15m
    assertThat(r.mtta()).isEqualTo(new IncidentStats.Spans(14, 364_286L, 240_000L, 900_000L));
    // MTTR (resolved - first alert), 17 resolved (i17, i20 open): 40,25,10,90,1,120,30,60,45,15,20,180,35,2,50,60,25
    // = 808; mean 808/17 min = 2851764.71 ms; sorted ..., p50 = 9th = 35m, p90 = 16th = 120m
    assertThat(r.mttr()).isEqualTo(new IncidentStats.Spans(17, 2_851_765L, 2_100_000L, 7_200_000L));
    // changes c01..c12 in the week; named as suspects: c01 c03 c04 c05 (twice) c07 c09 c11, and c12 by i21,
    // which opened after the week
    assertThat(r.changeFailure()).isEqualTo(IncidentStats.ChangeFailure.of(12, 8));
    assertThat(r.changeFailure().rate()).isEqualTo(8 / 12.0);
    assertThat(r.changeFailureByService()).containsExactly(
        Map.entry("cart", new IncidentStats.ChangeFailure(3, 2, 2 / 3.0)),
        Map.entry("checkout", new IncidentStats.ChangeFailure(2, 1, 0.5)),
        Map.entry("payments", new IncidentStats.ChangeFailure(5, 4, 0.8)),
        Map.entry("search", new IncidentStats.ChangeFailure(2, 1, 0.5)));
    assertThat(r.from()).isEqualTo("2025-03-03T00:00:00Z");
    assertThat(r.to()).isEqualTo("2025-03-10T00:00:00Z");
  }

  @Test
  void oneService() {
    IncidentStats.Result r = stats(MONDAY, NEXT_MONDAY, "payments", null);
    // incidents with payments among their services: i02 i04 i06 i09 i13 i16 i20 (i08 merged)
    assertThat(r.incidents()).isEqualTo(7);
    assertThat(r.bySeverity()).containsExactlyEntriesOf(severities(5, 2, 0, 0));
    // MTTD 1,1,4,1,1,2,3 = 13 -> 111428.57 ms; sorted 1,1,1,1,2,3,4: p50 = 4th = 1m, p90 = 7th = 4m
    assertThat(r.mttd()).isEqualTo(new IncidentStats.Spans(7, 111_429L, 60_000L, 240_000L));
    // MTTA 3,2,10,4,6,8 = 33 -> 5.5m; sorted 2,3,4,6,8,10: p50 = 3rd = 4m, p90 = 6th = 10m
    assertThat(r.mtta()).isEqualTo(new IncidentStats.Spans(6, 330_000L, 240_000L, 600_000L));
    // MTTR 25,90,120,60,180,50 = 525 -> 87.5m; sorted 25,50,60,90,120,180: p50 = 60m, p90 = 180m
    assertThat(r.mttr()).isEqualTo(new IncidentStats.Spans(6, 5_250_000L, 3_600_000L, 10_800_000L));
    // payments changes c03 c04 c05 c10 c12; all but c10 named
    assertThat(r.changeFailure()).isEqualTo(new IncidentStats.ChangeFailure(5, 4, 0.8));
    assertThat(r.changeFailureByService()).containsOnlyKeys("payments");
  }

  @Test
  void oneTeam() {
    IncidentStats.Result r = stats(MONDAY, NEXT_MONDAY, null, "shop");
    // i01 i03 i04 i07 i11 i12 i15 i17 i19
    assertThat(r.incidents()).isEqualTo(9);
    assertThat(r.bySeverity()).containsExactlyEntriesOf(severities(3, 3, 2, 1));
    // MTTD 2,3,1,2,2,3,1,2 = 16 -> 2m; sorted 1,1,2,2,2,2,3,3: p50 = 4th = 2m, p90 = 8th = 3m
    assertThat(r.mttd()).isEqualTo(new IncidentStats.Spans(8, 120_000L, 120_000L, 180_000L));
    // MTTA 5,2,1,2,1,5 = 16 -> 160000 ms; sorted 1,1,2,2,5,5: p50 = 3rd = 2m, p90 = 6th = 5m
    assertThat(r.mtta()).isEqualTo(new IncidentStats.Spans(6, 160_000L, 120_000L, 300_000L));
    // MTTR 40,10,90,30,15,20,2,25 = 232 -> 29m; sorted 2,10,15,20,25,30,40,90: p50 = 4th = 20m, p90 = 8th = 90m
    assertThat(r.mttr()).isEqualTo(new IncidentStats.Spans(8, 1_740_000L, 1_200_000L, 5_400_000L));
    // the team's services: checkout (c01 named, c08) and cart (c02, c07 named, c11 named)
    assertThat(r.changeFailure()).isEqualTo(new IncidentStats.ChangeFailure(5, 3, 0.6));
    assertThat(r.changeFailureByService()).containsOnlyKeys("cart", "checkout");
  }

  @Test
  void aPartOfTheWeek() {
    IncidentStats.Result r = stats(MONDAY, Instant.parse("2025-03-05T00:00:00Z"), null, null);
    // i01..i05
    assertThat(r.incidents()).isEqualTo(5);
    assertThat(r.bySeverity()).containsExactlyEntriesOf(severities(2, 1, 1, 1));
    // MTTD 2,1,3,1 = 7 -> 1.75m; sorted 1,1,2,3: p50 = 2nd = 1m, p90 = 4th = 3m
    assertThat(r.mttd()).isEqualTo(new IncidentStats.Spans(4, 105_000L, 60_000L, 180_000L));
    // MTTA 5,3,2 = 10 -> 200000 ms; sorted 2,3,5: p50 = 2nd = 3m, p90 = 3rd = 5m
    assertThat(r.mtta()).isEqualTo(new IncidentStats.Spans(3, 200_000L, 180_000L, 300_000L));
    // MTTR 40,25,10,90,1 = 166 -> 33.2m; sorted 1,10,25,40,90: p50 = 3rd = 25m, p90 = 5th = 90m
    assertThat(r.mttr()).isEqualTo(new IncidentStats.Spans(5, 1_992_000L, 1_500_000L, 5_400_000L));
    // c01 (named), c02, c03 (named)
    assertThat(r.changeFailure()).isEqualTo(new IncidentStats.ChangeFailure(3, 2, 2 / 3.0));
  }

  @Test
  void anEmptySelectionHasZerosAndNoSpans() {
    IncidentStats.Result r = stats(MONDAY, NEXT_MONDAY, "ads", null);
    assertThat(r.incidents()).isZero();
    assertThat(r.bySeverity()).containsExactlyEntriesOf(severities(0, 0, 0, 0));
    assertThat(r.mttd()).isEqualTo(new IncidentStats.Spans(0, null, null, null));
    assertThat(r.changeFailure()).isEqualTo(new IncidentStats.ChangeFailure(0, 0, null));
    assertThatThrownBy(() -> new IncidentStats.Query(NEXT_MONDAY, MONDAY, null, null))
        .hasMessageContaining("must be before");
  }

  @Test
  void queriesParseFromRequestParameters() {
    Instant now = Instant.parse("2025-03-10T12:00:00Z");
    assertThat(IncidentStats.Query.parse(null, null, "", " ", now))
        .isEqualTo(new IncidentStats.Query(now.minus(Duration.ofDays(7)), now, null, null));
    assertThat(IncidentStats.Query.parse("2025-03-03T00:00:00Z", "1741564800000", "payments", null, now))
        .isEqualTo(new IncidentStats.Query(MONDAY, NEXT_MONDAY, "payments", null));
    assertThatThrownBy(() -> IncidentStats.Query.parse("yesterday", null, null, null, now))
        .hasMessage("from is not an instant (use ISO-8601 like 2025-03-03T00:00:00Z, or epoch milliseconds): "
            + "'yesterday'");
    assertThatThrownBy(() -> IncidentStats.Query.parse("2025-03-11T00:00:00Z", null, null, null, now))
        .hasMessage("from (2025-03-11T00:00:00Z) must be before to (2025-03-10T12:00:00Z)");
  }

  @Test
  void theResultIsJson() throws IOException {
    JsonNode json = JSON.readTree(JSON.writeValueAsString(stats(MONDAY, NEXT_MONDAY, "payments", null)));
    assertThat(json.get("incidents").asInt()).isEqualTo(7);
    assertThat(json.at("/bySeverity/critical").asInt()).isEqualTo(5);
    assertThat(json.at("/mttd/meanMs").asLong()).isEqualTo(111_429L);
    assertThat(json.at("/changeFailure/rate").asDouble()).isEqualTo(0.8);
    assertThat(json.at("/changeFailureByService/payments/failed").asInt()).isEqualTo(4);
    assertThat(json.get("team").isNull()).isTrue();
  }
}
