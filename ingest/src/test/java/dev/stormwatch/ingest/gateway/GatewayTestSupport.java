package dev.stormwatch.ingest.gateway;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import dev.stormwatch.common.kafka.Topics;
import dev.stormwatch.testkit.KafkaTestEnv;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/** What the gateway tests share: a real HTTP client, fixture loading, topic set-up and reading. */
final class GatewayTestSupport {

  static final Duration HTTP_TIMEOUT = Duration.ofSeconds(30);
  static final Duration READ_TIMEOUT = Duration.ofSeconds(30);

  static final HttpClient HTTP = HttpClient.newBuilder()
      .version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(5))
      .build();

  private GatewayTestSupport() {
  }

  /** Topics under a prefix unique to the calling test, with the raw topics (changes.raw too) created (1 partition). */
  static Topics createRawTopics(KafkaTestEnv kafka) {
    Topics topics = new Topics(kafka.uniqueName("gw") + ".");
    rawTopics(topics).forEach(topic -> kafka.createTopic(topic, 1));
    return topics;
  }

  /** Every topic the gateway writes to: the raw alert and log topics and changes.raw. */
  static List<String> rawTopics(Topics topics) {
    List<String> all = new ArrayList<>(topics.raw());
    all.add(topics.rawChanges());
    return all;
  }

  static HttpRequest.Builder request(Gateway gateway, String path) {
    return HttpRequest.newBuilder(URI.create(gateway.url() + path)).timeout(HTTP_TIMEOUT);
  }

  static HttpResponse<String> send(HttpRequest request) {
    try {
      return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  static HttpResponse<String> post(Gateway gateway, String path, String contentType, byte[] body,
                                   String... headers) {
    HttpRequest.Builder b = request(gateway, path).POST(HttpRequest.BodyPublishers.ofByteArray(body));
    if (contentType != null) {
      b.header("Content-Type", contentType);
    }
    if (headers.length > 0) {
      b.headers(headers);
    }
    return send(b.build());
  }

  static HttpResponse<String> post(Gateway gateway, String path, String contentType, String body,
                                   String... headers) {
    return post(gateway, path, contentType, body.getBytes(StandardCharsets.UTF_8), headers);
  }

  static HttpResponse<String> get(Gateway gateway, String path) {
    return send(request(gateway, path).GET().build());
  }

  /** Every committed record of the topic, up to its current end. */
  static List<ConsumerRecord<byte[], byte[]>> readAll(KafkaTestEnv kafka, String topic) {
    return kafka.consumeAll(topic, READ_TIMEOUT, new ByteArrayDeserializer(), new ByteArrayDeserializer());
  }

  static String header(ConsumerRecord<byte[], byte[]> record, String name) {
    Header header = record.headers().lastHeader(name);
    return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
  }

  static Path fixtureDir(String folder) {
    try {
      return Path.of(GatewayTestSupport.class.getResource("/fixtures/" + folder).toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The files of a fixture folder whose names match the glob, sorted by name. */
  static List<Path> fixtures(Path dir, String glob) {
    List<Path> found = new ArrayList<>();
    try (Stream<Path> files = Files.list(dir)) {
      var matcher = dir.getFileSystem().getPathMatcher("glob:" + glob);
      files.filter(f -> Files.isRegularFile(f) && matcher.matches(f.getFileName())).sorted().forEach(found::add);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return found;
  }

  static byte[] bytes(Path file) {
    try {
      return Files.readAllBytes(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * The headers of a {@code .headers.txt} capture (request line skipped), in order; the
   * connection-level ones Java's client sets itself are left out.
   */
  static Map<String, String> capturedHeaders(Path file) {
    Map<String, String> headers = new LinkedHashMap<>();
    List<String> lines;
    try {
      lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    for (String line : lines.subList(1, lines.size())) {
      int colon = line.indexOf(':');
      if (colon > 0) {
        String name = line.substring(0, colon).strip();
        if (!name.equalsIgnoreCase("Host") && !name.equalsIgnoreCase("Content-Length")) {
          headers.put(name, line.substring(colon + 1).strip());
        }
      }
    }
    return headers;
  }
}
