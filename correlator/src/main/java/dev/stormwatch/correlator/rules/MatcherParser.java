package dev.stormwatch.correlator.rules;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Reads and writes matchers in Alertmanager's string form. Every failure is an
 * {@link IllegalArgumentException} with a one-line message that quotes the offending input; no other
 * exception escapes, whatever the input.
 */
final class MatcherParser {

  private static final Pattern CLASSIC_NAME = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");

  private MatcherParser() {}

  /** A comma-separated list, optionally in braces; a trailing comma is allowed; blank or {@code {}} is empty. */
  static List<LabelMatcher> parseList(String text) {
    if (text == null) {
      throw new IllegalArgumentException("no matchers given");
    }
    String t = text.strip();
    if (t.startsWith("{")) {
      if (!t.endsWith("}")) {
        throw new IllegalArgumentException("matchers " + show(text) + " open '{' but do not close it");
      }
      t = t.substring(1, t.length() - 1);
    } else if (t.endsWith("}")) {
      throw new IllegalArgumentException("matchers " + show(text) + " close '}' but do not open it");
    }
    List<String> tokens = new ArrayList<>();
    StringBuilder token = new StringBuilder();
    boolean quoted = false;
    boolean escaped = false;
    for (int i = 0; i < t.length(); i++) {
      char c = t.charAt(i);
      if (quoted) {
        if (escaped) {
          escaped = false;
        } else if (c == '\\') {
          escaped = true;
        } else if (c == '"') {
          quoted = false;
        }
      } else if (c == '"') {
        quoted = true;
      } else if (c == ',') {
        tokens.add(token.toString());
        token.setLength(0);
        continue;
      }
      token.append(c);
    }
    if (quoted) {
      throw new IllegalArgumentException("matchers " + show(text) + " have an unterminated quoted string");
    }
    tokens.add(token.toString());
    List<LabelMatcher> out = new ArrayList<>();
    for (int i = 0; i < tokens.size(); i++) {
      String tok = tokens.get(i).strip();
      if (tok.isEmpty()) {
        if (i == tokens.size() - 1) {
          continue; // trailing comma, or nothing at all
        }
        throw new IllegalArgumentException("matchers " + show(text) + " have an empty matcher at position " + (i + 1));
      }
      out.add(parseOne(tok));
    }
    return List.copyOf(out);
  }

  /** One matcher: name, operator, value (quoted or not). */
  static LabelMatcher parseOne(String text) {
    if (text == null || text.isBlank()) {
      throw new IllegalArgumentException("empty matcher");
    }
    String t = text.strip();
    int[] pos = {0};
    String name;
    if (t.charAt(0) == '"') {
      name = readQuoted(t, pos, text, "label name");
    } else {
      int end = 0;
      while (end < t.length() && isNameChar(t.charAt(end), end == 0)) {
        end++;
      }
      if (end == 0) {
        throw new IllegalArgumentException("bad matcher " + show(text) + ": expected a label name");
      }
      name = t.substring(0, end);
      pos[0] = end;
    }
    skipSpace(t, pos);
    LabelMatcher.Op op;
    String rest = t.substring(pos[0]);
    if (rest.startsWith("=~")) {
      op = LabelMatcher.Op.REGEX;
    } else if (rest.startsWith("!=")) {
      op = LabelMatcher.Op.NOT_EQUAL;
    } else if (rest.startsWith("!~")) {
      op = LabelMatcher.Op.NOT_REGEX;
    } else if (rest.startsWith("=")) {
      op = LabelMatcher.Op.EQUAL;
    } else {
      throw new IllegalArgumentException("bad matcher " + show(text) + ": expected one of = != =~ !~ after "
          + show(name));
    }
    pos[0] += op.symbol().length();
    skipSpace(t, pos);
    String value;
    if (pos[0] < t.length() && t.charAt(pos[0]) == '"') {
      value = readQuoted(t, pos, text, "value");
      if (!t.substring(pos[0]).isBlank()) {
        throw new IllegalArgumentException("bad matcher " + show(text) + ": unexpected text after the quoted value");
      }
    } else {
      String raw = t.substring(pos[0]).strip();
      if (raw.indexOf('"') >= 0) {
        throw new IllegalArgumentException("bad matcher " + show(text) + ": value contains an unescaped double quote");
      }
      value = unescape(raw);
    }
    return LabelMatcher.of(name, op, value);
  }

  /** {@code "..."} with {@code \\}, {@code \"} and {@code \n} escaped. */
  static String quote(String value) {
    StringBuilder b = new StringBuilder(value.length() + 2).append('"');
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      switch (c) {
        case '\\' -> b.append("\\\\");
        case '"' -> b.append("\\\"");
        case '\n' -> b.append("\\n");
        default -> b.append(c);
      }
    }
    return b.append('"').toString();
  }

  /** A classic Prometheus label name as is; any other name quoted. */
  static String quoteName(String name) {
    return CLASSIC_NAME.matcher(name).matches() ? name : quote(name);
  }

  private static boolean isNameChar(char c, boolean first) {
    return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_' || c == ':' || !first && c >= '0' && c <= '9';
  }

  private static void skipSpace(String t, int[] pos) {
    while (pos[0] < t.length() && Character.isWhitespace(t.charAt(pos[0]))) {
      pos[0]++;
    }
  }

  /** Reads a quoted string starting at {@code pos} (on the opening quote); leaves pos after the closing one. */
  private static String readQuoted(String t, int[] pos, String text, String what) {
    StringBuilder b = new StringBuilder();
    int i = pos[0] + 1;
    while (i < t.length()) {
      char c = t.charAt(i);
      if (c == '\\' && i + 1 < t.length()) {
        char n = t.charAt(i + 1);
        switch (n) {
          case 'n' -> b.append('\n');
          case '"', '\\' -> b.append(n);
          default -> b.append('\\').append(n);
        }
        i += 2;
      } else if (c == '"') {
        pos[0] = i + 1;
        return b.toString();
      } else {
        b.append(c);
        i++;
      }
    }
    throw new IllegalArgumentException("bad matcher " + show(text) + ": unterminated quoted " + what);
  }

  private static String unescape(String raw) {
    StringBuilder b = new StringBuilder(raw.length());
    for (int i = 0; i < raw.length(); i++) {
      char c = raw.charAt(i);
      if (c == '\\' && i + 1 < raw.length()) {
        char n = raw.charAt(i + 1);
        switch (n) {
          case 'n' -> b.append('\n');
          case '\\' -> b.append('\\');
          default -> {
            b.append('\\');
            continue;
          }
        }
        i++;
      } else {
        b.append(c);
      }
    }
    return b.toString();
  }

  /** The input for an error message: quoted, one line, at most 120 characters. */
  private static String show(String s) {
    String one = s.replace("\n", "\\n").replace("\r", "\\r");
    return "'" + (one.length() > 120 ? one.substring(0, 117) + "..." : one) + "'";
  }
}
