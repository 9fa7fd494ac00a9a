package dev.stormwatch.notifier.dispatch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.stormwatch.avro.ChannelType;
import dev.stormwatch.avro.PageOutcome;
import dev.stormwatch.avro.PageRequest;
import dev.stormwatch.avro.PageResult;
import dev.stormwatch.common.kafka.Topics;
import dev.stormwatch.notifier.channel.Pages;
import dev.stormwatch.notifier.channel.RecordingServer;
import dev.stormwatch.notifier.channel.Secret;
import dev.stormwatch.notifier.channel.WebhookSigner;
import dev.stormwatch.testkit.KafkaIntegrationTest;
import dev.stormwatch.testkit.KafkaTestEnv;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The crash test: the dispatcher runs as a child JVM ({@link DispatcherMain}) against the
 * in-process broker and delivers to a recording HTTP server, which kill -9s it
 * ({@link Process#destroyForcibly()}) while handling a page: after the page reached the
 * "provider", before the dispatcher saw the answer, recorded the outcome or committed the offset.
 * The child commits offsets only every hour, so after each kill the whole outbox is uncommitted
 * and is read again. After the restarts the server must have every page, and a page twice only
 * where the provider dedups it by key (the webhook's {@code Idempotency-Key}).
 */
@KafkaIntegrationTest
class DispatcherCrashTest {

  private static final Duration DEADLINE = Duration.ofSeconds(90);
  private static final Secret SECRET = new Secret("crash-test-secret");

  private final List<Process> children = new ArrayList<>();

  @TempDir
  Path dir;

  @AfterEach
  void killChildren() {
    children.forEach(Process::destroyForcibly);
  }

  @Test
  void aKillBetweenSendAndCommitNeverLosesOrDoublesAPage(KafkaTestEnv kafka) throws Exception {
    Topics topics = new Topics(kafka.uniqueName("crash") + ".");
    KafkaPages.createTopics(kafka, topics, 1);
    String group = kafka.uniqueName("crash-dispatcher");
    // in order on one partition: webhooks w*, Slack messages s*
    List<PageRequest> pages = new ArrayList<>();
    for (String name : List.of("w1", "w2", "w3", "s1", "w4", "s2", "w5")) {
      ChannelType channel = name.startsWith("w") ? ChannelType.WEBHOOK : ChannelType.SLACK;
      pages.add(Pages.builder("page-" + name, channel, name.startsWith("w") ? "hook" : "chat")
          .setIncidentId("inc-" + name).build());
    }

    AtomicReference<Process> running = new AtomicReference<>();
    Set<String> trapped = ConcurrentHashMap.newKeySet();
    try (RecordingServer server = RecordingServer.start();
         KafkaPages outbox = new KafkaPages(kafka, topics)) {
      // kill -9 the dispatcher while it waits for the answer to w3 (a webhook) and to s2 (Slack)
      server.onRequest(request -> {
        String page = pageOf(request);
        if ((page.equals("page-w3") || page.equals("page-s2")) && trapped.add(page)) {
          Process child = running.get();
          child.destroyForcibly();
          try {
            child.waitFor(30, TimeUnit.SECONDS);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        }
      });
      Path config = writeConfig(kafka, topics, group, server);
      for (PageRequest page : pages) {
        outbox.send(page);
      }

      // run 1: w1, w2 delivered; killed while sending w3
      Process first = startChild(config, 1, running);
      assertThat(first.waitFor(DEADLINE.toSeconds(), TimeUnit.SECONDS)).as("killed at w3").isTrue();
      assertThat(trapped).containsExactly("page-w3");
      assertThat(outbox.finals()).containsOnlyKeys("page-w1", "page-w2");
      assertThat(outbox.results("page-w3")).containsExactly(PageResult.SENDING);

      // run 2: w3 sent again (the webhook dedups by Idempotency-Key), s1, w4; killed while sending s2
      Process second = startChild(config, 2, running);
      assertThat(second.waitFor(DEADLINE.toSeconds(), TimeUnit.SECONDS)).as("killed at s2").isTrue();
      assertThat(trapped).containsExactlyInAnyOrder("page-w3", "page-s2");

      // run 3: s2 is not sent again (Slack does not dedup), w5 is delivered
      Process third = startChild(config, 3, running);
      await("every page has a final outcome").atMost(DEADLINE).until(() -> outbox.finals().size() == pages.size());
      // a clean stop (SIGTERM: the shutdown hook closes the dispatcher) commits
      third.destroy();
      assertThat(third.waitFor(DEADLINE.toSeconds(), TimeUnit.SECONDS)).isTrue();
      assertThat(third.exitValue()).as("128 + SIGTERM").isEqualTo(143);
      // (its "stopped" log line may be lost: logging's own shutdown hook races the dispatcher's;
      // the committed offsets below are the proof of the clean stop)
      kafka.awaitCommitted(group, topics.pagesOutbox(), DEADLINE);

      // what the "providers" received: everything, and twice only where the provider dedups by key
      Map<String, List<RecordingServer.Request>> received = server.requests().stream()
          .collect(Collectors.groupingBy(DispatcherCrashTest::pageOf, LinkedHashMap::new, Collectors.toList()));
      assertThat(received.keySet()).containsExactlyInAnyOrderElementsOf(
          pages.stream().map(PageRequest::getDedupKey).toList());
      received.forEach((page, copies) -> {
        if (copies.size() > 1) {
          assertThat(copies).as(page + " arrived " + copies.size() + " times").allSatisfy(copy -> {
            assertThat(copy.path()).isEqualTo("/hook");
            assertThat(copy.header("Idempotency-Key")).isEqualTo(page);
            assertThat(copy.body()).isEqualTo(copies.get(0).body());
            assertThat(WebhookSigner.verify(SECRET, copy.header(WebhookSigner.HEADER), copy.body(), copy.at(),
                Duration.ofMinutes(5))).isTrue();
          });
        }
      });
      assertThat(received.get("page-w3")).hasSize(2);
      assertThat(received.get("page-s2")).hasSize(1);
      assertThat(received.entrySet().stream().filter(e -> !e.getKey().equals("page-w3"))
          .allMatch(e -> e.getValue().size() == 1)).isTrue();

      // what pages.log says
      Map<String, PageOutcome> finals = outbox.finals();
      finals.forEach((page, outcome) -> {
        if (page.equals("page-s2")) {
          assertThat(outcome.getOutcome()).isEqualTo(PageResult.FAILED);
          assertThat(outcome.getReason()).isEqualTo("unconfirmed");
        } else {
          assertThat(outcome.getOutcome()).as(page).isEqualTo(PageResult.DELIVERED);
        }
      });
      // w1 and w2 were uncommitted at both kills and skipped on both restarts
      assertThat(outbox.results("page-w1")).containsExactly(PageResult.SENDING, PageResult.DELIVERED,
          PageResult.DUPLICATE, PageResult.DUPLICATE);
      // w3: intent, kill, intent again with the next attempt number, delivered
      assertThat(outbox.log().stream().filter(o -> o.getDedupKey().equals("page-w3")
          && o.getOutcome() != PageResult.DUPLICATE).map(o -> o.getOutcome() + "#" + o.getAttempt()).toList())
          .containsExactly("SENDING#1", "SENDING#2", "DELIVERED#2");
    } catch (AssertionError | RuntimeException e) {
      printChildLogs();
      throw e;
    }
  }

  /** On a failure, the children's own logs say what they did. */
  private void printChildLogs() throws IOException {
    for (int run = 1; run <= 3; run++) {
      Path log = dir.resolve("dispatcher-" + run + ".log");
      if (Files.exists(log)) {
        System.out.println("---- child dispatcher run " + run + " ----");
        Files.readAllLines(log).stream().filter(l -> !l.contains("o.a.k.") && !l.contains("o.a.kafka"))
            .forEach(System.out::println);
      }
    }
  }

  /** The dedup key of a recorded request: the webhook's Idempotency-Key, or the Slack text's incident. */
  private static String pageOf(RecordingServer.Request request) {
    String key = request.header("Idempotency-Key");
    if (key != null) {
      return key;
    }
    String text = request.json().get("text").asText();
    return "page-" + text.substring(text.indexOf("(incident inc-") + "(incident inc-".length(), text.length() - 1);
  }

  private Path writeConfig(KafkaTestEnv kafka, Topics topics, String group, RecordingServer server) {
    String yaml = """
        kafka:
          bootstrap.servers: %s
          group.instance.id: %s-member
        schema-registry:
          url: %s
        topics:
          prefix: %s
        dispatcher:
          group-id: %s
          workers: 1
          max-in-flight: 1
          commit-interval: 1h
          close-timeout: 5s
          retry: { max-attempts: 3, initial-backoff: 100ms, max-backoff: 500ms, deadline: 10s }
          rate-limit: { enabled: false }
          http: { connect-timeout: 2s, request-timeout: 60s }
          webhooks:
            hook: { url: '%s', secret: '%s' }
          slack:
            chat: { url: '%s' }
          inbox: { enabled: false }
        """.formatted(kafka.bootstrapServers(), group, kafka.registryUrl(), topics.prefix(), group,
        server.url("/hook"), SECRET.value(), server.url("/slack/T0/B0/X"));
    try {
      return Files.writeString(dir.resolve("stormwatch.yaml"), yaml);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private Process startChild(Path config, int run, AtomicReference<Process> running) throws IOException {
    String java = ProcessHandle.current().info().command()
        .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    ProcessBuilder builder = new ProcessBuilder(java, "-Xmx256m", "-cp", System.getProperty("java.class.path"),
        DispatcherMain.class.getName(), "--config", config.toString())
        .redirectErrorStream(true)
        .redirectOutput(dir.resolve("dispatcher-" + run + ".log").toFile());
    Process child = builder.start();
    children.add(child);
    running.set(child);
    return child;
  }
}
