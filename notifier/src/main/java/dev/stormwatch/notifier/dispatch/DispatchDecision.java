package dev.stormwatch.notifier.dispatch;

import dev.stormwatch.avro.ChannelType;
import java.util.List;
import java.util.Optional;

/**
 * What to do with a page taken from {@code pages.outbox}, decided from what {@code pages.log}
 * says about its dedup key. A pure function: the ledger entry, the routes and the channel
 * properties in, a decision with its reason out.
 *
 * @param kind              the decision
 * @param startRoute        index of the route to start with (0 = the page's own channel, 1 = the fallback)
 * @param firstAttempt      attempt number of the next attempt (continues the log's numbering)
 * @param possibleDuplicate the page may already have reached the provider
 * @param unconfirmedOn     for RESEND_UNCONFIRMED and GIVE_UP: the channel it may have reached
 */
record DispatchDecision(Kind kind, int startRoute, int firstAttempt, boolean possibleDuplicate,
                        ChannelType unconfirmedOn) {

  /** The decisions. */
  enum Kind {
    /** Never seen (or nothing on the wire yet): deliver. */
    SEND,
    /** Was handed to a provider without an answer; the provider dedups or the policy says resend. */
    RESEND_UNCONFIRMED,
    /** Was handed to a provider without dedup and without an answer; the policy says give up. */
    GIVE_UP_UNCONFIRMED,
    /** Already has a final outcome: a second copy, skipped. */
    SKIP_FINAL,
    /** Is being delivered by this process right now: a second copy, skipped. */
    SKIP_IN_FLIGHT
  }

  /** Whether the page is to be delivered. */
  boolean delivers() {
    return kind == Kind.SEND || kind == Kind.RESEND_UNCONFIRMED;
  }

  /**
   * Decides.
   *
   * @param entry        the ledger's state of the key, if any
   * @param inFlight     whether this process is delivering the key now
   * @param routes       the page's routes: its own, then its fallback (if any)
   * @param dedups       whether the provider of a channel dedups a re-sent page
   * @param policy       the recovery policy for channels without provider dedup
   */
  static DispatchDecision decide(Optional<PageLedger.Entry> entry, boolean inFlight, List<Route> routes,
                                 java.util.function.Predicate<ChannelType> dedups, RecoverySettings policy) {
    if (inFlight) {
      return new DispatchDecision(Kind.SKIP_IN_FLIGHT, 0, 1, false, null);
    }
    if (entry.isEmpty()) {
      return new DispatchDecision(Kind.SEND, 0, 1, false, null);
    }
    PageLedger.Entry e = entry.get();
    if (e.isFinal()) {
      return new DispatchDecision(Kind.SKIP_FINAL, 0, e.lastAttempt() + 1, false, null);
    }
    int start = routeOf(e.lastChannel(), routes);
    int next = e.lastAttempt() + 1;
    if (!e.unconfirmed()) {
      return new DispatchDecision(Kind.SEND, start, next, false, null);
    }
    ChannelType channel = e.lastChannel();
    if (dedups.test(channel) || policy.policy(channel) == UnconfirmedPolicy.RESEND) {
      return new DispatchDecision(Kind.RESEND_UNCONFIRMED, start, next, true, channel);
    }
    return new DispatchDecision(Kind.GIVE_UP_UNCONFIRMED, start, e.lastAttempt(), false, channel);
  }

  /** The route the log's last record was on: the fallback when only it has that channel. */
  private static int routeOf(ChannelType channel, List<Route> routes) {
    if (routes.size() > 1 && routes.get(0).channel() != channel && routes.get(1).channel() == channel) {
      return 1;
    }
    return 0;
  }
}
