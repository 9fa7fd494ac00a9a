package dev.stormwatch.common.registry;

import java.util.List;

/**
 * The answer of a compatibility test.
 *
 * @param compatible whether the schema may be registered
 * @param messages the registry's reasons when it is not (only when asked for verbosely; may be
 *     empty otherwise)
 */
public record CompatibilityResult(boolean compatible, List<String> messages) {
  public CompatibilityResult {
    messages = List.copyOf(messages);
  }
}
