package dev.stormwatch.ingest.changes;

import dev.stormwatch.avro.ChangeKind;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The spelling of {@link ChangeKind}s in Stormwatch's JSON and on the command line:
 * {@code deploy}, {@code rollback}, {@code config}, {@code feature-flag}, {@code other}. Parsing
 * ignores case and takes {@code _} for {@code -}, so the Avro symbols ({@code FEATURE_FLAG}) are
 * accepted too.
 */
public final class ChangeKinds {

  /** Every name, in the order of {@link ChangeKind}'s symbols after the default: the accepted values. */
  public static final List<String> NAMES = Arrays.stream(ChangeKind.values()).map(ChangeKinds::name).toList();

  private ChangeKinds() {
  }

  /**
   * The kind a text names.
   *
   * @param text e.g. {@code deploy}, {@code Feature-Flag}, {@code FEATURE_FLAG}; may be null
   * @return the kind, or empty when the text names none
   */
  public static Optional<ChangeKind> parse(String text) {
    if (text == null) {
      return Optional.empty();
    }
    String symbol = text.strip().replace('-', '_').toUpperCase(Locale.ROOT);
    for (ChangeKind kind : ChangeKind.values()) {
      if (kind.name().equals(symbol)) {
        return Optional.of(kind);
      }
    }
    return Optional.empty();
  }

  /**
   * The JSON/CLI name of a kind.
   *
   * @param kind the kind
   * @return e.g. {@code feature-flag}
   */
  public static String name(ChangeKind kind) {
    return kind.name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  /** The accepted names as one phrase, for error messages: {@code other, deploy, ...}. */
  static String accepted() {
    return String.join(", ", NAMES);
  }
}
