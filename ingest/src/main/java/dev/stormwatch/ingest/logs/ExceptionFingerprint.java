package dev.stormwatch.ingest.logs;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Identifies "the same bug" across log lines: exception type plus the top K application stack
 * frames, with line numbers, module/class-loader prefixes and generated-class suffixes
 * (lambda and proxy numbering) dropped, so a redeploy that shifts lines does not split one bug
 * into two alerts. Application frames are those whose class starts with one of the configured
 * application prefixes; with none configured, every frame that is not a JDK or common framework
 * frame ({@link #DEFAULT_FRAMEWORK_PREFIXES}). When no frame qualifies the top K frames of any kind
 * are used; a stack trace with no Java frames falls back to its first K non-blank lines with
 * digits removed. Immutable and thread-safe.
 */
public final class ExceptionFingerprint {

  /** Frames skipped when no application prefixes are configured. */
  public static final List<String> DEFAULT_FRAMEWORK_PREFIXES = List.of(
      "java.", "javax.", "jakarta.", "jdk.", "sun.", "com.sun.", "kotlin.", "kotlinx.", "scala.", "groovy.",
      "org.codehaus.groovy.", "org.springframework.", "org.apache.catalina.", "org.apache.coyote.",
      "org.apache.tomcat.", "org.eclipse.jetty.", "io.undertow.", "io.netty.", "reactor.", "io.reactivex.",
      "org.hibernate.", "com.zaxxer.hikari.", "io.grpc.", "com.google.common.", "com.fasterxml.jackson.",
      "org.glassfish.", "io.vertx.", "io.micrometer.", "io.opentelemetry.", "net.bytebuddy.", "org.aspectj.",
      "feign.", "akka.", "org.apache.kafka.", "org.junit.");

  private static final Pattern JAVA_FRAME = Pattern.compile("^\\s*at\\s+(\\S+?)\\((.*)\\)\\s*$");
  private static final Pattern HIDDEN_CLASS = Pattern.compile("/0x[0-9a-fA-F]+");
  private static final Pattern LAMBDA_CLASS = Pattern.compile("\\$\\$Lambda\\$\\d+");
  private static final Pattern LAMBDA_METHOD = Pattern.compile("lambda\\$([\\w$]*?)\\$\\d+");
  private static final Pattern GENERATED_SUFFIX = Pattern.compile("\\$\\$([A-Za-z]+)\\$\\$[0-9a-zA-Z_]+");
  private static final Pattern DIGITS = Pattern.compile("\\d+");

  private final List<String> appPrefixes;
  private final List<String> frameworkPrefixes;
  private final int topFrames;

  /**
   * @param appPrefixes       class-name prefixes of application frames (e.g. {@code com.acme.}); empty for
   *                          "anything not a framework"
   * @param frameworkPrefixes prefixes skipped when {@code appPrefixes} is empty
   * @param topFrames         how many application frames make up the fingerprint, at least 1
   */
  public ExceptionFingerprint(List<String> appPrefixes, List<String> frameworkPrefixes, int topFrames) {
    if (topFrames < 1) {
      throw new IllegalArgumentException("topFrames must be at least 1, was " + topFrames);
    }
    this.appPrefixes = List.copyOf(appPrefixes);
    this.frameworkPrefixes = List.copyOf(frameworkPrefixes);
    this.topFrames = topFrames;
  }

  /** No application prefixes, the default framework prefixes, top 3 frames. */
  public static ExceptionFingerprint defaults() {
    return new ExceptionFingerprint(List.of(), DEFAULT_FRAMEWORK_PREFIXES, 3);
  }

  /** A Java stack frame without its line number: class and method. */
  public record Frame(String className, String method) {
    public Frame {
      Objects.requireNonNull(className, "className");
      Objects.requireNonNull(method, "method");
    }

    @Override
    public String toString() {
      return className + "." + method;
    }
  }

  /**
   * The Java frames of a stack trace, in order, normalized: module and class-loader prefixes
   * ({@code java.base/}, {@code app//}), hidden-class addresses, lambda and proxy numbering removed.
   */
  public static List<Frame> frames(String stackTrace) {
    List<Frame> frames = new ArrayList<>();
    if (stackTrace == null) {
      return frames;
    }
    for (String line : stackTrace.split("\n")) {
      Matcher m = JAVA_FRAME.matcher(line);
      if (!m.matches()) {
        continue;
      }
      String qualified = HIDDEN_CLASS.matcher(m.group(1)).replaceAll("");
      int slash = qualified.lastIndexOf('/');
      if (slash >= 0) {
        qualified = qualified.substring(slash + 1);
      }
      qualified = LAMBDA_CLASS.matcher(qualified).replaceAll("\\$\\$Lambda");
      qualified = LAMBDA_METHOD.matcher(qualified).replaceAll("lambda\\$$1");
      qualified = GENERATED_SUFFIX.matcher(qualified).replaceAll("\\$\\$$1");
      int dot = qualified.lastIndexOf('.');
      if (dot <= 0 || dot == qualified.length() - 1) {
        continue;
      }
      frames.add(new Frame(qualified.substring(0, dot), qualified.substring(dot + 1)));
    }
    return frames;
  }

  /** The frames that make up the fingerprint of this stack trace (at most {@code topFrames}). */
  public List<String> signature(String stackTrace) {
    List<Frame> all = frames(stackTrace);
    List<String> picked = new ArrayList<>();
    for (Frame frame : all) {
      if (isApplication(frame.className())) {
        picked.add(frame.toString());
        if (picked.size() == topFrames) {
          return picked;
        }
      }
    }
    if (picked.isEmpty() && !all.isEmpty()) {
      for (Frame frame : all.subList(0, Math.min(topFrames, all.size()))) {
        picked.add(frame.toString());
      }
    }
    if (picked.isEmpty() && stackTrace != null) {
      // not a Java trace (Python, Node, Go...): the first lines after the header, digits removed
      String[] lines = stackTrace.strip().split("\n");
      for (int i = 1; i < lines.length && picked.size() < topFrames; i++) {
        String line = DIGITS.matcher(lines[i].strip()).replaceAll("");
        if (!line.isBlank()) {
          picked.add(line);
        }
      }
    }
    return picked;
  }

  /**
   * The fingerprint: 16 lower-case hex digits of SHA-256 over the exception type and
   * {@link #signature}. Same type and same top application frames give the same fingerprint,
   * whatever the line numbers.
   *
   * @param exceptionType the exception class (null or blank counts as empty)
   * @param stackTrace    the stack trace text, or null
   */
  public String of(String exceptionType, String stackTrace) {
    StringBuilder key = new StringBuilder(exceptionType == null ? "" : exceptionType.strip());
    for (String frame : signature(stackTrace)) {
      key.append('\n').append(frame);
    }
    return sha256Hex16(key.toString());
  }

  private boolean isApplication(String className) {
    if (!appPrefixes.isEmpty()) {
      return appPrefixes.stream().anyMatch(className::startsWith);
    }
    return frameworkPrefixes.stream().noneMatch(className::startsWith);
  }

  /** 16 hex digits of the SHA-256 of a UTF-8 string. */
  static String sha256Hex16(String text) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest, 0, 8);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required of every Java platform", e);
    }
  }

  public List<String> appPrefixes() {
    return appPrefixes;
  }

  public List<String> frameworkPrefixes() {
    return frameworkPrefixes;
  }

  public int topFrames() {
    return topFrames;
  }
}
