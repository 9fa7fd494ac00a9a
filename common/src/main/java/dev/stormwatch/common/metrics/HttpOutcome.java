package dev.stormwatch.common.metrics;

import java.util.Locale;
import java.util.Set;

/** How an HTTP request (or a call to a peer) ended, as a bounded metric label. */
public enum HttpOutcome {
  OK, BAD_REQUEST, UNAUTHORIZED, FORBIDDEN, NOT_FOUND, CONFLICT, UNAVAILABLE, ERROR;

  /** The metric label: the name in lower case. */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  /**
   * The outcome of an HTTP status among the outcomes an API tells apart.
   *
   * @param status the HTTP status
   * @param known  the outcomes the API counts; a status whose outcome is not among them is {@link #ERROR}
   */
  public static HttpOutcome ofStatus(int status, Set<HttpOutcome> known) {
    if (status < 300) {
      return OK;
    }
    HttpOutcome outcome = switch (status) {
      case 400 -> BAD_REQUEST;
      case 401 -> UNAUTHORIZED;
      case 403 -> FORBIDDEN;
      case 404 -> NOT_FOUND;
      case 409 -> CONFLICT;
      case 503 -> UNAVAILABLE;
      default -> ERROR;
    };
    return known.contains(outcome) ? outcome : ERROR;
  }
}
