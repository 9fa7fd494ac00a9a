package dev.stormwatch.notifier.dispatch;

/**
 * What the dispatcher does, after a restart, with a page whose intent ({@code SENDING}) is in
 * {@code pages.log} without an outcome, on a channel whose provider does not dedup (Slack,
 * e-mail): the previous dispatcher stopped between handing it to the provider and recording the
 * answer, so it may or may not have arrived.
 */
public enum UnconfirmedPolicy {
  /** Send it again, marked as a possible repeat: never lost, at worst shown twice. */
  RESEND,
  /** Do not send it again; record it FAILED with reason {@code unconfirmed}: never twice, at worst lost. */
  GIVE_UP
}
