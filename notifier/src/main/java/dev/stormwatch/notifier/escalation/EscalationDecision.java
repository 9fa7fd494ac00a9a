package dev.stormwatch.notifier.escalation;

import dev.stormwatch.avro.PageRequest;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What {@link EscalationEngine} decided for one input, and why.
 *
 * @param outcome what happened, for metrics
 * @param state   the state to keep; empty to remove it from the store
 * @param pages   the page requests to send, in order
 * @param reason  why, one line (logged, and useful in tests)
 */
public record EscalationDecision(Outcome outcome, Optional<EscalationState> state, List<PageRequest> pages,
                                 String reason) {

  /** What an input did. */
  public enum Outcome {
    /** An escalation started: the first level (or the chat contact) was notified. */
    STARTED,
    /** A known incident's details changed; nothing was paged. */
    UPDATED,
    /** A level timed out and the next level was paged. */
    NEXT_LEVEL,
    /** The last level timed out and the policy started its next pass. */
    REPEATED,
    /** The last level of the last pass timed out; nothing more is paged. */
    EXHAUSTED,
    /** Acknowledged: further levels stopped, paged destinations told. */
    ACKNOWLEDGED,
    /** Resolved: further levels stopped, paged destinations told. */
    RESOLVED,
    /** Nobody could be paged or notified. */
    UNROUTED,
    /** The input was seen before (a replay): nothing happened. */
    DUPLICATE,
    /** The input changes nothing (e.g. an ack of an unknown incident). */
    IGNORED,
    /** The state's time was up: it leaves the store. */
    EXPIRED,
    /** Asked before anything was due. */
    NOT_DUE
  }

  /** Validates and copies. */
  public EscalationDecision {
    Objects.requireNonNull(outcome, "outcome");
    Objects.requireNonNull(state, "state");
    pages = List.copyOf(pages);
    Objects.requireNonNull(reason, "reason");
  }
}
