package dev.stormwatch.notifier.oncall;

import java.util.List;

/**
 * An on-call file that cannot be used: every problem found, one line each, starting with the path
 * of the value at fault (e.g. {@code schedules[0].layers[1].participants: unknown person "bob"}).
 * The message is the first problem, plus how many more there are.
 */
public final class OnCallConfigException extends IllegalArgumentException {

  private final List<String> problems;

  /** With at least one problem. */
  public OnCallConfigException(List<String> problems) {
    super(message(problems));
    this.problems = List.copyOf(problems);
  }

  /** Every problem, one line each, in file order. */
  public List<String> problems() {
    return problems;
  }

  private static String message(List<String> problems) {
    if (problems.isEmpty()) {
      throw new IllegalArgumentException("an OnCallConfigException needs a problem");
    }
    return problems.get(0) + (problems.size() > 1 ? " (and " + (problems.size() - 1) + " more)" : "");
  }
}
