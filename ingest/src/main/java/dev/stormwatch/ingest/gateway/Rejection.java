package dev.stormwatch.ingest.gateway;

import dev.stormwatch.ingest.gateway.GatewayMetrics.Outcome;

/**
 * A request the gateway answers with an error status: the status, the metric outcome, a one-line
 * reason for the body and, for 401, the {@code WWW-Authenticate} challenge. Carries no stack
 * trace: it is control flow, not a failure.
 */
final class Rejection extends Exception {
  private static final long serialVersionUID = 1L;

  private final int status;
  private final Outcome outcome;
  private final String challenge;

  private Rejection(int status, Outcome outcome, String reason, String challenge) {
    super(reason, null, false, false);
    this.status = status;
    this.outcome = outcome;
    this.challenge = challenge;
  }

  static Rejection badRequest(String reason) {
    return new Rejection(400, Outcome.BAD_REQUEST, reason, null);
  }

  static Rejection unauthorized(String reason, String challenge) {
    return new Rejection(401, Outcome.UNAUTHORIZED, reason, challenge);
  }

  /** 403: credentials in the body (a PagerDuty routing key) that this gateway does not accept; counted as unauthorized. */
  static Rejection forbidden(String reason) {
    return new Rejection(403, Outcome.UNAUTHORIZED, reason, null);
  }

  static Rejection tooLarge(String reason) {
    return new Rejection(413, Outcome.TOO_LARGE, reason, null);
  }

  static Rejection unsupportedMediaType(String reason) {
    return new Rejection(415, Outcome.UNSUPPORTED_MEDIA_TYPE, reason, null);
  }

  static Rejection unavailable(String reason) {
    return new Rejection(503, Outcome.UNAVAILABLE, reason, null);
  }

  int status() {
    return status;
  }

  Outcome outcome() {
    return outcome;
  }

  /** The {@code WWW-Authenticate} value of a 401, else null. */
  String challenge() {
    return challenge;
  }
}
