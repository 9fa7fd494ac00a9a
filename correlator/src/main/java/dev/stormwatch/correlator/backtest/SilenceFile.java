package dev.stormwatch.correlator.backtest;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.stormwatch.avro.Silence;
import dev.stormwatch.correlator.query.SilenceRequest;
import dev.stormwatch.correlator.rules.SilenceRule;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The silences file of a backtest: a JSON array of silences, or JSON lines (one silence per line;
 * any sequence of JSON objects is read), each in the body format of the query API's
 * {@code POST /api/silences}, read by the same {@link SilenceRequest}.
 *
 * <p>Two differences, because a replay runs in event time: {@code now} (the default
 * {@code startsAt}, and {@code createdAt}) is the start of the replay, and a silence given with
 * {@code duration} needs a {@code startsAt} (a duration from the start of a recording would mean
 * nothing). A silence without an {@code id} is {@code silence-N} (N its entry number from 1), so a
 * report is the same on every run. The file is configuration, not data: any invalid entry, or two
 * with one id, is an {@link IllegalArgumentException} with one line naming the entry and its line.
 */
public final class SilenceFile {

  private static final ObjectMapper JSON = new ObjectMapper();

  private SilenceFile() {}

  /** One silence of the file with where it was. */
  private record Entry(int number, int line, boolean inArray, JsonNode node) {
    String where() {
      return inArray ? "entry " + number + " (line " + line + ")" : "line " + line;
    }
  }

  /**
   * Reads and validates every silence of {@code file}.
   *
   * @param file  the silences file
   * @param start the start of the replay: the {@code now} of the silences
   * @return the silences in file order, each valid ({@link SilenceRule#of})
   * @throws IllegalArgumentException with one line naming the file and the entry
   */
  public static List<Silence> read(Path file, Instant start) {
    List<Entry> entries = entries(file);
    List<Silence> out = new ArrayList<>();
    Map<String, Entry> ids = new HashMap<>();
    for (Entry entry : entries) {
      Silence silence;
      try {
        silence = silence(entry, start);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("silences file " + file + ", " + entry.where() + ": "
            + firstLine(e.getMessage()), e);
      }
      Entry earlier = ids.putIfAbsent(silence.getId(), entry);
      if (earlier != null) {
        throw new IllegalArgumentException("silences file " + file + ", " + entry.where() + ": id '"
            + silence.getId() + "' is already the id of " + earlier.where());
      }
      out.add(silence);
    }
    return out;
  }

  private static Silence silence(Entry entry, Instant start) {
    JsonNode node = entry.node();
    if (!node.isObject()) {
      throw new IllegalArgumentException("expected a silence object {matchers, startsAt, endsAt or duration, ...}, "
          + "got " + node.getNodeType().name().toLowerCase(java.util.Locale.ROOT));
    }
    if (node.hasNonNull("duration") && !node.hasNonNull("startsAt")) {
      throw new IllegalArgumentException("a silence with a duration needs a startsAt in a backtest (the replay "
          + "runs in event time: there is no 'now' to start from), or give endsAt");
    }
    ObjectNode body = ((ObjectNode) node).deepCopy();
    if (!body.hasNonNull("id")) {
      body.put("id", "silence-" + entry.number());
    }
    Silence silence = SilenceRequest.parse(body, start);
    SilenceRule.of(silence);
    return silence;
  }

  private static List<Entry> entries(Path file) {
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      throw new IllegalArgumentException("silences file not found: " + file);
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read silences file " + file + ": " + e.getMessage(), e);
    }
    List<Entry> entries = new ArrayList<>();
    try (JsonParser parser = JSON.getFactory().createParser(new String(bytes, StandardCharsets.UTF_8))) {
      JsonToken first = parser.nextToken();
      if (first == JsonToken.START_ARRAY) {
        while (parser.nextToken() != JsonToken.END_ARRAY) {
          if (parser.currentToken() == null) {
            throw new IllegalArgumentException("silences file " + file + ": the array is not closed");
          }
          entries.add(entry(parser, entries.size() + 1, true));
        }
        if (parser.nextToken() != null) {
          throw new IllegalArgumentException("silences file " + file + ", line " + parser.currentTokenLocation()
              .getLineNr() + ": nothing may follow the array");
        }
      } else {
        for (JsonToken t = first; t != null; t = parser.nextToken()) {
          entries.add(entry(parser, entries.size() + 1, false));
        }
      }
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("silences file " + file + ", line " + e.getLocation().getLineNr()
          + ": not JSON: " + firstLine(e.getOriginalMessage()));
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read silences file " + file + ": " + e.getMessage(), e);
    }
    return entries;
  }

  private static Entry entry(JsonParser parser, int number, boolean inArray) throws IOException {
    int line = parser.currentTokenLocation().getLineNr();
    JsonNode node = JSON.readTree(parser);
    return new Entry(number, line, inArray, node);
  }

  private static String firstLine(String message) {
    return message == null ? "invalid" : message.lines().findFirst().orElse("invalid");
  }
}
