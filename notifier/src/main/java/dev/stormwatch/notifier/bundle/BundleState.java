package dev.stormwatch.notifier.bundle;

import dev.stormwatch.avro.PageRequest;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * An open bundling window of one destination (store {@code notifier-bundles}): it opened when a page
 * went out at once, and holds the pages that came after it until it closes.
 *
 * @param recipientKey the destination ({@code PageRecipient.key()})
 * @param windowStart  when the window opened (the first page's time)
 * @param windowEnd    when it closes and the held pages go out as one message
 * @param held         pages held, in arrival order, at most {@code max-bundled-incidents}
 * @param overflow     pages beyond that, counted in the message as "and N more"
 */
public record BundleState(String recipientKey, Instant windowStart, Instant windowEnd, List<PageRequest> held,
                          int overflow) {

  /** Validates and copies. */
  public BundleState {
    Objects.requireNonNull(recipientKey, "recipientKey");
    Objects.requireNonNull(windowStart, "windowStart");
    Objects.requireNonNull(windowEnd, "windowEnd");
    held = List.copyOf(held);
    if (overflow < 0) {
      throw new IllegalArgumentException("overflow must not be negative");
    }
  }
}
