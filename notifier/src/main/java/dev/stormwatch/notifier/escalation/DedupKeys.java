package dev.stormwatch.notifier.escalation;

import dev.stormwatch.avro.PageAction;
import java.time.Instant;
import java.util.Locale;

/**
 * The deterministic dedup keys of {@code PageRequest}s: the same decision always yields the same
 * key, so a replay or a retry after a crash produces a key the dispatcher has already seen.
 *
 * <ul>
 *   <li>a page: {@code <incident>:c<cycle>:l<level>:r<repeat>:<recipient>}, e.g.
 *       {@code inc-1a2b3c4d-00000000000000ff:c0:l1:r0:alice:inbox:alice} (the cycle counts reopenings,
 *       so a reopened incident pages again);</li>
 *   <li>an acknowledge or resolve notification: the key of the page it follows up, plus
 *       {@code :acknowledge} or {@code :resolve};</li>
 *   <li>a bundled message: {@code bundle:<recipient>:<window start epoch millis>}.</li>
 * </ul>
 * {@code <recipient>} is {@link PageRecipient#key()}.
 */
public final class DedupKeys {

  private DedupKeys() {}

  /** The key of a page (TRIGGER). */
  public static String page(String incidentId, int cycle, int level, int repeat, PageRecipient recipient) {
    return incidentId + ":c" + cycle + ":l" + level + ":r" + repeat + ":" + recipient.key();
  }

  /** The key of a follow-up (ACKNOWLEDGE or RESOLVE) of the page with key {@code pageKey}. */
  public static String followUp(String pageKey, PageAction action) {
    return pageKey + ":" + action.name().toLowerCase(Locale.ROOT);
  }

  /** The key of a bundled message. */
  public static String bundle(String recipientKey, Instant windowStart) {
    return "bundle:" + recipientKey + ":" + windowStart.toEpochMilli();
  }
}
