package dev.stormwatch.correlator.rules;

import dev.stormwatch.avro.Silence;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * A validated, compiled {@link Silence}: a one-off silence, or a maintenance window when it has a
 * weekly recurrence. Immutable.
 *
 * <p><b>Active</b> at {@code t} when {@code startsAt <= t < endsAt} and, with a recurrence, {@code t}
 * falls in one of its slots ({@link WeeklySchedule}). It <b>mutes</b> an alert when active and all
 * its matchers match the alert, whatever the alert's status (a resolve is still forwarded: muting
 * only stops pages).
 *
 * <p><b>Validation</b> follows Alertmanager's: an id, at least one matcher, at least one matcher that
 * does not match the empty string (so a silence cannot mute every alert by accident), valid regular
 * expressions, {@code endsAt} not before {@code startsAt}; and for a recurrence at least one weekday,
 * a duration in (0, 7 days] and a known IANA time zone. The message of the
 * {@link IllegalArgumentException} is one line that names the silence.
 *
 * @param id        the silence's id
 * @param matchers  all must match
 * @param startsAt  first instant it may apply
 * @param endsAt    first instant it no longer applies
 * @param schedule  its weekly slots, or null for a one-off silence
 * @param author    who created it
 * @param comment   why
 * @param updatedAt when it was last changed
 */
public record SilenceRule(String id, LabelMatchers matchers, Instant startsAt, Instant endsAt,
                          WeeklySchedule schedule, String author, String comment, Instant updatedAt) {

  /** Checks the parts (see the class comment). */
  public SilenceRule {
    if (id == null || id.isBlank()) {
      throw new IllegalArgumentException("silence has no id");
    }
    Objects.requireNonNull(matchers, "matchers");
    if (matchers.isEmpty()) {
      throw new IllegalArgumentException("silence " + id + ": at least one matcher is required");
    }
    if (!matchers.anyNonEmpty()) {
      throw new IllegalArgumentException("silence " + id + ": at least one matcher must not match the empty string "
          + "(it would mute every alert without that label): " + matchers);
    }
    if (startsAt == null || endsAt == null) {
      throw new IllegalArgumentException("silence " + id + ": startsAt and endsAt are required");
    }
    if (endsAt.isBefore(startsAt)) {
      throw new IllegalArgumentException("silence " + id + ": endsAt " + endsAt + " is before startsAt " + startsAt);
    }
    author = author == null ? "" : author;
    comment = comment == null ? "" : comment;
  }

  /**
   * Compiles an Avro silence.
   *
   * @throws IllegalArgumentException with a one-line message naming the silence and what is wrong
   */
  public static SilenceRule of(Silence s) {
    String id = s.getId();
    LabelMatchers matchers;
    WeeklySchedule schedule;
    try {
      matchers = LabelMatchers.fromAvro(s.getMatchers());
      schedule = s.getRecurrence() == null ? null : WeeklySchedule.fromAvro(s.getRecurrence());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("silence " + id + ": " + e.getMessage(), e);
    }
    return new SilenceRule(id, matchers, s.getStartsAt(), s.getEndsAt(), schedule, s.getAuthor(), s.getComment(),
        s.getUpdatedAt());
  }

  /** Whether it is a maintenance window (has a weekly recurrence). */
  public boolean recurring() {
    return schedule != null;
  }

  /** Whether it applies at {@code t} (see the class comment). */
  public boolean activeAt(Instant t) {
    return !t.isBefore(startsAt) && t.isBefore(endsAt) && (schedule == null || schedule.contains(t));
  }

  /** Whether it can never apply again after {@code t}. */
  public boolean expiredAt(Instant t) {
    return !t.isBefore(endsAt);
  }

  /**
   * Why it mutes {@code alert} at {@code at}: active and every matcher matches.
   *
   * @return the suppression, with {@link Suppression#until()} the end of the silence or of the
   *         current maintenance slot, whichever is first
   */
  public Optional<Suppression> mutes(AlertView alert, Instant at) {
    if (at.isBefore(startsAt) || !at.isBefore(endsAt) || !matchers.matches(alert)) {
      return Optional.empty();
    }
    if (schedule == null) {
      return Optional.of(new Suppression(Suppression.Kind.SILENCE, id, "silenced by " + who() + " until "
          + Text.instant(endsAt) + because() + " (silence " + id + ")", null, endsAt));
    }
    return schedule.slotAt(at).map(slot -> {
      Instant until = slot.end().isBefore(endsAt) ? slot.end() : endsAt;
      return new Suppression(Suppression.Kind.MAINTENANCE, id, "in maintenance window " + schedule.describe()
          + " by " + who() + ", this slot until " + Text.instant(until) + because() + " (silence " + id + ")", null,
          until);
    });
  }

  /**
   * The first instant after {@code t} at which {@link #activeAt} may change: its start, its end, or
   * a slot boundary; empty once it can never change again.
   */
  public Optional<Instant> nextChangeAfter(Instant t) {
    if (!t.isBefore(endsAt)) {
      return Optional.empty();
    }
    if (t.isBefore(startsAt)) {
      return Optional.of(startsAt);
    }
    Instant next = endsAt;
    if (schedule != null) {
      Instant b = schedule.nextBoundaryAfter(t);
      if (b.isBefore(next)) {
        next = b;
      }
    }
    return Optional.of(next);
  }

  private String who() {
    return author.isBlank() ? "someone" : author;
  }

  private String because() {
    return comment.isBlank() ? "" : ": " + comment;
  }
}
