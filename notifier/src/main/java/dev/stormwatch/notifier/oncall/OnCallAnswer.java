package dev.stormwatch.notifier.oncall;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Who is on call on a schedule at an instant, and why.
 *
 * @param schedule the schedule id
 * @param at       the instant asked about
 * @param person   the final answer: the override's person, else the person of the highest layer with
 *                 coverage, else empty (nobody is on call)
 * @param source   where the answer comes from
 * @param layer    index of the answering layer, or -1 when an override or nobody answers
 * @param layers   per layer (lowest first), its person at {@code at}, empty where it has no coverage
 */
public record OnCallAnswer(String schedule, Instant at, Optional<String> person, Source source, int layer,
                           List<Optional<String>> layers) {

  /** Where an answer comes from. */
  public enum Source {
    /** An override covers the instant. */
    OVERRIDE,
    /** A layer does. */
    LAYER,
    /** Nothing does: nobody is on call. */
    NONE
  }

  /** Validates and copies. */
  public OnCallAnswer {
    Objects.requireNonNull(schedule, "schedule");
    Objects.requireNonNull(at, "at");
    Objects.requireNonNull(person, "person");
    Objects.requireNonNull(source, "source");
    layers = List.copyOf(layers);
  }
}
