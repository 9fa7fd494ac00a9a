package dev.stormwatch.correlator.backtest;

import dev.stormwatch.avro.AlertEvent;

/**
 * Turns one line of a recorded alert stream into {@link AlertEvent}s, or says why it cannot. Each
 * event's {@code observedAt} must be its event time (when it fired, or resolved): the backtest
 * orders and pipes events by it. Implementations never throw on bad input.
 */
@FunctionalInterface
public interface AlertDecoder extends LineDecoder<AlertEvent> {
}
