package dev.stormwatch.notifier.oncall;

import static dev.stormwatch.notifier.testing.Fixtures.HANDOFF;
import static dev.stormwatch.notifier.testing.Fixtures.T0;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stormwatch.notifier.testing.Fixtures;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The queries behind {@code GET /api/oncall?team=&at=}. */
class OnCallTest {

  private final OnCallConfig config = Fixtures.config();

  @Test
  void aTeamsPolicyLevelByLevelWithWhoEachTargetMeansNow() {
    OnCall.TeamOnCall platform = OnCall.team(config, "platform", T0).orElseThrow();
    assertThat(platform.policy().map(EscalationPolicy::id)).contains("platform");
    assertThat(platform.first()).extracting(Person::id).containsExactly("alice");
    assertThat(platform.levels()).hasSize(2);
    assertThat(platform.levels().get(1).people()).extracting(Person::id).containsExactly("carol");
    assertThat(platform.problems()).isEmpty();
    assertThat(OnCall.team(config, "platform", HANDOFF).orElseThrow().first()).extracting(Person::id)
        .containsExactly("bob");
  }

  @Test
  void gapsAndUnknownsAreSaid() {
    assertThat(OnCall.team(config, "nope", T0)).isEmpty();
    OnCall.Resolved nights = OnCall.resolve(config, new EscalationPolicy.Target(EscalationPolicy.TargetKind.SCHEDULE,
        "nights"), T0);
    assertThat(nights.people()).isEmpty();
    assertThat(nights.problem()).contains("nobody is on call on schedule nights");
    assertThat(OnCall.resolve(config, new EscalationPolicy.Target(EscalationPolicy.TargetKind.TEAM, "ghosts"), T0)
        .problem()).contains("team ghosts is not configured");
    assertThat(OnCall.teams(config, T0)).extracting(t -> t.team().id()).containsExactly("platform", "payments");
    assertThat(OnCall.schedule(config, "primary", T0).flatMap(OnCallAnswer::person)).contains("alice");
    assertThat(OnCall.schedule(config, "nope", T0)).isEqualTo(Optional.empty());
  }

  @Test
  void anAbsurdInstantIsRefusedWithItsName() {
    assertThatThrownBy(() -> OnCall.team(config, "platform", java.time.Instant.MAX))
        .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("at must be between");
    assertThatThrownBy(() -> OnCall.icalendar(config, "primary", java.time.Instant.EPOCH.minusSeconds(1), T0, T0))
        .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("from must be between");
  }
}
