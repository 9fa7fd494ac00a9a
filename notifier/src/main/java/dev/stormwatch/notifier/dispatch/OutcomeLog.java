package dev.stormwatch.notifier.dispatch;

import dev.stormwatch.avro.PageOutcome;

/**
 * Where the dispatcher records every attempt and outcome: {@code pages.log}. {@link #append}
 * returns only once the record is durable, because the intent ({@code SENDING}) must be in the
 * log before the page goes to the provider.
 */
interface OutcomeLog {

  /**
   * Writes {@code outcome} and waits for the acknowledgement.
   *
   * @throws OutcomeLogException when it could not be written
   */
  void append(PageOutcome outcome);

  /** {@code pages.log} could not take a record. */
  final class OutcomeLogException extends RuntimeException {
    OutcomeLogException(String message, Throwable cause) {
      super(message, cause);
    }
  }
}
