package dev.stormwatch.schemas.check;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.HashSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.SchemaPairCompatibility;

/**
 * The build-time gate on Stormwatch's Avro schemas.
 *
 * <p>Every top-level schema ({@code src/main/avro/*.avsc}; shared named types live in
 * {@code src/main/avro/common/}) must
 * <ul>
 *   <li>stay BACKWARD compatible with its last released version, kept as
 *       {@code released/NAME/vN.avsc}: a consumer on the new schema reads every record written
 *       with the released one (Avro's own {@link SchemaCompatibility});</li>
 *   <li>follow the house rules: a {@code doc} on every record, field and enum; a {@code default}
 *       symbol on every enum; {@code timestamp-millis} on every field named {@code ...At} or
 *       {@code time}.</li>
 * </ul>
 *
 * <p>{@code check} mode reports every violation and fails; {@code release} mode writes the
 * current schema as the next released version of each schema whose form changed.
 */
public final class SchemaCheck {

  private static final Pattern VERSION_FILE = Pattern.compile("v(\\d+)\\.avsc");

  private final Path sourceDir;
  private final Path releasedDir;

  public SchemaCheck(Path sourceDir, Path releasedDir) {
    this.sourceDir = sourceDir;
    this.releasedDir = releasedDir;
  }

  /** Arguments: SOURCE_DIR RELEASED_DIR [check|release]. */
  public static void main(String[] args) {
    if (args.length < 2) {
      throw new IllegalArgumentException("usage: SchemaCheck SOURCE_DIR RELEASED_DIR [check|release]");
    }
    SchemaCheck check = new SchemaCheck(Path.of(args[0]), Path.of(args[1]));
    String mode = args.length > 2 ? args[2] : "check";
    switch (mode) {
      case "check" -> {
        List<String> problems = check.problems();
        if (!problems.isEmpty()) {
          throw new IllegalStateException("Schema check failed:\n  - " + String.join("\n  - ", problems)
              + "\nA released schema may only change in BACKWARD compatible ways (add fields with defaults,"
              + " remove fields that had defaults). See schemas/README.md.");
        }
      }
      case "release" -> check.release().forEach(p -> System.out.println("released " + p));
      default -> throw new IllegalArgumentException("unknown mode '" + mode + "': use check or release");
    }
  }

  /** Every rule violation and incompatibility, one line each; empty when all is well. */
  public List<String> problems() {
    List<String> problems = new ArrayList<>();
    for (Map.Entry<String, Schema> entry : topLevelSchemas().entrySet()) {
      String name = entry.getKey();
      Schema current = entry.getValue();
      lint(current, name, new HashSet<>(), problems);
      Optional<Path> released = latestReleased(name);
      if (released.isPresent()) {
        Schema previous = parseStandalone(released.get());
        SchemaPairCompatibility result =
            SchemaCompatibility.checkReaderWriterCompatibility(current, previous);
        if (result.getType() != SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE) {
          result.getResult().getIncompatibilities().forEach(i -> problems.add(String.format(
              "%s is not BACKWARD compatible with %s: %s at %s (%s)",
              name, releasedDir.relativize(released.get()), i.getType(), i.getLocation(), i.getMessage())));
        }
      }
    }
    return problems;
  }

  /** Writes the next released version of each schema that differs from its last release. */
  public List<Path> release() {
    List<String> problems = problems();
    if (!problems.isEmpty()) {
      throw new IllegalStateException("refusing to release schemas that fail the check: " + problems);
    }
    List<Path> written = new ArrayList<>();
    for (Map.Entry<String, Schema> entry : topLevelSchemas().entrySet()) {
      String name = entry.getKey();
      Schema current = entry.getValue();
      Optional<Path> latest = latestReleased(name);
      if (latest.isPresent() && parseStandalone(latest.get()).equals(current)) {
        continue;
      }
      int next = latest.map(SchemaCheck::versionOf).orElse(0) + 1;
      Path target = releasedDir.resolve(name).resolve("v" + next + ".avsc");
      try {
        Files.createDirectories(target.getParent());
        Files.writeString(target, current.toString(true) + "\n", StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      written.add(target);
    }
    return written;
  }

  /** Top-level schemas by simple name, parsed together with the shared types they import. */
  Map<String, Schema> topLevelSchemas() {
    Schema.Parser parser = new Schema.Parser();
    Path common = sourceDir.resolve("common");
    if (Files.isDirectory(common)) {
      avscFiles(common).forEach(f -> parse(parser, f));
    }
    Map<String, Schema> result = new LinkedHashMap<>();
    for (Path file : avscFiles(sourceDir)) {
      Schema schema = parse(parser, file);
      result.put(schema.getName(), schema);
    }
    return result;
  }

  private Optional<Path> latestReleased(String name) {
    Path dir = releasedDir.resolve(name);
    if (!Files.isDirectory(dir)) {
      return Optional.empty();
    }
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(p -> VERSION_FILE.matcher(p.getFileName().toString()).matches())
          .max(Comparator.comparingInt(SchemaCheck::versionOf));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static int versionOf(Path file) {
    Matcher m = VERSION_FILE.matcher(file.getFileName().toString());
    if (!m.matches()) {
      throw new IllegalArgumentException("not a released schema file: " + file);
    }
    return Integer.parseInt(m.group(1));
  }

  private static void lint(Schema schema, String path, Set<String> seen, List<String> problems) {
    switch (schema.getType()) {
      case RECORD -> {
        if (!seen.add(schema.getFullName())) {
          return;
        }
        if (isBlank(schema.getDoc())) {
          problems.add(path + ": record " + schema.getFullName() + " has no doc");
        }
        for (Schema.Field field : schema.getFields()) {
          String fieldPath = path + "." + field.name();
          if (isBlank(field.doc())) {
            problems.add(fieldPath + ": field has no doc");
          }
          if ((field.name().endsWith("At") || field.name().equals("time")) && !isTimestamp(field.schema())) {
            problems.add(fieldPath + ": a time field must be timestamp-millis");
          }
          lint(field.schema(), fieldPath, seen, problems);
        }
      }
      case ENUM -> {
        if (!seen.add(schema.getFullName())) {
          return;
        }
        if (schema.getEnumDefault() == null) {
          problems.add(path + ": enum " + schema.getFullName() + " has no default symbol");
        }
        if (isBlank(schema.getDoc())) {
          problems.add(path + ": enum " + schema.getFullName() + " has no doc");
        }
      }
      case ARRAY -> lint(schema.getElementType(), path + "[]", seen, problems);
      case MAP -> lint(schema.getValueType(), path + "{}", seen, problems);
      case UNION -> schema.getTypes().forEach(t -> lint(t, path, seen, problems));
      default -> { }
    }
  }

  private static boolean isTimestamp(Schema schema) {
    if (schema.getType() == Schema.Type.UNION) {
      return schema.getTypes().stream()
          .filter(t -> t.getType() != Schema.Type.NULL)
          .allMatch(SchemaCheck::isTimestamp);
    }
    return schema.getLogicalType() instanceof LogicalTypes.TimestampMillis;
  }

  private static boolean isBlank(String s) {
    return s == null || s.isBlank();
  }

  private static List<Path> avscFiles(Path dir) {
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(p -> p.getFileName().toString().endsWith(".avsc")).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Schema parse(Schema.Parser parser, Path file) {
    try {
      return parser.parse(file.toFile());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (RuntimeException e) {
      throw new IllegalStateException("cannot parse " + file + ": " + e.getMessage(), e);
    }
  }

  private static Schema parseStandalone(Path file) {
    return parse(new Schema.Parser(), file);
  }
}
