package dev.stormwatch.correlator.backtest;

import dev.stormwatch.avro.ChangeEvent;

/**
 * Turns one line of a recorded change stream into {@link ChangeEvent}s (deploys, rollbacks, config
 * changes, feature flags), or says why it cannot. Each change's {@code time} is its event time: the
 * backtest orders and pipes changes by it. Implementations never throw on bad input.
 */
@FunctionalInterface
public interface ChangeDecoder extends LineDecoder<ChangeEvent> {
}
