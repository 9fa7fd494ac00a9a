package dev.stormwatch.correlator.rules;

import java.util.HashSet;
import java.util.Set;

/**
 * Bounds the values of one metric label: the first {@code max} distinct values are used as they
 * are, any later one becomes {@value #OTHER}; a missing value is {@value #NONE}. Thread-safe.
 */
public final class LabelCap {

  /** The label value of every value beyond the cap. */
  public static final String OTHER = "other";
  /** The label value of a missing value. */
  public static final String NONE = "none";

  private final int max;
  private final Set<String> known = new HashSet<>();

  /**
   * A cap.
   *
   * @param max most distinct values
   */
  public LabelCap(int max) {
    if (max < 1) {
      throw new IllegalArgumentException("a label cap must be at least 1, was " + max);
    }
    this.max = max;
  }

  /** The label value to use for {@code value}. */
  public synchronized String label(String value) {
    if (value == null || value.isBlank()) {
      return NONE;
    }
    if (known.contains(value)) {
      return value;
    }
    if (known.size() < max) {
      known.add(value);
      return value;
    }
    return OTHER;
  }

  /** Whether {@code value} would be reported as {@value #OTHER}. */
  public synchronized boolean overflows(String value) {
    return value != null && !value.isBlank() && !known.contains(value) && known.size() >= max;
  }
}
