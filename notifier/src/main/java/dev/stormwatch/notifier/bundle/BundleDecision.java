package dev.stormwatch.notifier.bundle;

import dev.stormwatch.avro.PageRequest;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What {@link Bundler} decided for one page or one window end.
 *
 * @param outcome what happened, for metrics
 * @param state   the window to keep; empty when none is open
 * @param send    page requests to send now, in order
 * @param reason  why, one line
 */
public record BundleDecision(Outcome outcome, Optional<BundleState> state, List<PageRequest> send, String reason) {

  /** What happened to a page or a window. */
  public enum Outcome {
    /** The first page to a destination: sent at once, and a window opened. */
    SENT,
    /** A page within an open window: held until it closes. */
    HELD,
    /** A page that is not bundled (another channel, or an acknowledge/resolve): sent at once. */
    PASSED,
    /** A page dropped: a follow-up of a page still held (both dropped), or a repeated page. */
    DROPPED,
    /** A window closed and its held pages went out as one message. */
    BUNDLED,
    /** A window closed with nothing held. */
    CLOSED,
    /** Asked before the window's end. */
    NOT_DUE
  }

  /** Validates and copies. */
  public BundleDecision {
    Objects.requireNonNull(outcome, "outcome");
    Objects.requireNonNull(state, "state");
    send = List.copyOf(send);
    Objects.requireNonNull(reason, "reason");
  }
}
