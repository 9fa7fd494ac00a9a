package dev.stormwatch.correlator.graph;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * The parser never fails with anything but a one-line {@link TopologyDocumentException}, whatever
 * it is given: arbitrary text, and valid documents of each format with a slice cut out and
 * arbitrary text put in its place (which reaches the structural checks, not only the syntax
 * errors). Seeded, so a failure reproduces.
 */
class TopologyDocumentsPropertyTest {

  private static final Instant AT = Instant.parse("2025-01-02T03:04:05Z");
  private static final List<String> SAMPLES = List.of(
      read("online-boutique.json"), read("online-boutique.yaml"), read("catalog-info.yaml"));

  @Property(tries = 500, seed = "20250102")
  void arbitraryTextParsesOrFailsWithOneLine(@ForAll String text) {
    assertParsesOrFailsCleanly(text);
  }

  @Property(tries = 1000, seed = "20250103")
  void mutatedDocumentsParseOrFailWithOneLine(@ForAll("mutatedDocuments") String text) {
    assertParsesOrFailsCleanly(text);
  }

  @Provide
  Arbitrary<String> mutatedDocuments() {
    Arbitrary<String> sample = Arbitraries.of(SAMPLES);
    Arbitrary<String> insert = Arbitraries.oneOf(
        Arbitraries.of("", "[", "]", "{", "}", ":", "- ", "\n", "---\n", "null", "\"\"", "  ", "dependsOn: 7",
            "kind: 3", "name:", "{\"name\": []}", "apiVersion: backstage.io/v1alpha1\n", "&a [*a]", "\t", "\u0000"),
        Arbitraries.strings().ofMaxLength(8));
    return Combinators.combine(sample, Arbitraries.doubles().between(0, 1), Arbitraries.integers().between(0, 40),
        insert).as((doc, at, cut, text) -> {
          int start = (int) (at * doc.length());
          int end = Math.min(doc.length(), start + cut);
          return doc.substring(0, start) + text + doc.substring(end);
        });
  }

  private static void assertParsesOrFailsCleanly(String text) {
    try {
      TopologyDocument doc = TopologyDocuments.parse("p.yaml", text, null, AT);
      assertThat(doc.services()).isNotEmpty();
      assertThat(doc.services()).allSatisfy(node -> assertThat(node.getName()).isNotBlank());
    } catch (TopologyDocumentException e) {
      assertThat(e.getMessage()).startsWith("p.yaml: ").doesNotContain("\n").doesNotContain("\r");
    }
  }

  private static String read(String name) {
    try {
      return Files.readString(Path.of("src/test/resources/topologies", name));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
