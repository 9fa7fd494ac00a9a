package dev.stormwatch.notifier.channel;

import java.time.Instant;

/**
 * The attempt a {@link Channel#send} belongs to.
 *
 * @param attempt           attempt number of this page, from 1, across retries and fallback
 * @param now               when the attempt starts (for signatures and timestamps)
 * @param possibleDuplicate the page may already have reached the provider once (a previous
 *                          dispatcher stopped between the send and recording its outcome);
 *                          channels without provider dedup mark the message as a possible repeat
 */
public record SendContext(int attempt, Instant now, boolean possibleDuplicate) {
}
