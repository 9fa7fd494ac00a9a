package dev.stormwatch.notifier.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stormwatch.avro.CommandKind;
import dev.stormwatch.avro.Link;
import dev.stormwatch.avro.LinkKind;
import dev.stormwatch.notifier.api.AckLinks.Action;
import dev.stormwatch.notifier.api.AckLinks.Claim;
import dev.stormwatch.notifier.api.AckLinks.Rejected;
import dev.stormwatch.notifier.api.AckLinks.Valid;
import dev.stormwatch.notifier.api.AckLinks.Verdict;
import dev.stormwatch.notifier.api.AckLinks.Why;
import dev.stormwatch.notifier.channel.Secret;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

class AckLinksTest {

  private static final Instant ISSUED = Instant.parse("2026-03-01T10:00:00.250Z");
  private static final String INCIDENT = "inc-0a1b2c3d-00000000000000ff";
  private static final AckLinks LINKS = new AckLinks(URI.create("https://stormwatch.example.org/"),
      new Secret("correct horse battery staple"), Duration.ofHours(24));

  @Test
  void aMintedTokenVerifiesToItsClaimUntilItExpires() {
    Claim claim = LINKS.claim(INCIDENT, Action.ACK, "alice", ISSUED);
    assertThat(claim.expiresAt()).as("TTL later, rounded up to the second").isEqualTo("2026-03-02T10:00:01Z");
    String token = LINKS.token(claim);

    assertThat(LINKS.verify(token, ISSUED)).isEqualTo(new Valid(claim));
    assertThat(LINKS.verify(token, claim.expiresAt().minusMillis(1))).isEqualTo(new Valid(claim));
    Verdict expired = LINKS.verify(token, claim.expiresAt());
    assertThat(expired).isInstanceOfSatisfying(Rejected.class, r -> {
      assertThat(r.why()).isEqualTo(Why.EXPIRED);
      assertThat(r.reason()).contains("expired at 2026-03-02T10:00:01Z").doesNotContain("\n");
    });
  }

  @Test
  void linksPointAtTheActionsPathWithAUrlSafeToken() {
    Claim resolve = LINKS.claim(INCIDENT, Action.RESOLVE, "bob", ISSUED);
    Link link = LINKS.link(resolve, "Resolve");
    assertThat(link.getKind()).isEqualTo(LinkKind.OTHER);
    assertThat(link.getTitle()).isEqualTo("Resolve");
    assertThat(link.getUrl()).startsWith("https://stormwatch.example.org/resolve/")
        .matches("https://stormwatch\\.example\\.org/resolve/[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+");
    assertThat(link.getUrl().length()).isLessThan(200);
    assertThat(Action.RESOLVE.kind()).isEqualTo(CommandKind.RESOLVE);
    assertThat(Action.ACK.kind()).isEqualTo(CommandKind.ACK);
  }

  @Test
  void theSameClaimAlwaysMintsTheSameTokenAndCommandId() {
    String a = LINKS.token(LINKS.claim(INCIDENT, Action.ACK, "alice", ISSUED));
    String b = LINKS.token(LINKS.claim(INCIDENT, Action.ACK, "alice", ISSUED));
    String other = LINKS.token(LINKS.claim(INCIDENT, Action.RESOLVE, "alice", ISSUED));
    assertThat(a).isEqualTo(b).isNotEqualTo(other);
    assertThat(AckLinks.commandId(a)).isEqualTo(AckLinks.commandId(b)).matches("link-[0-9a-f]{32}")
        .isNotEqualTo(AckLinks.commandId(other));
  }

  @Test
  void anAlteredPayloadOrSignatureIsForged() {
    String token = LINKS.token(LINKS.claim(INCIDENT, Action.ACK, "alice", ISSUED));
    int dot = token.indexOf('.');
    // the same payload, but acting as someone else: re-encoded without a matching MAC
    String payload = new String(Base64.getUrlDecoder().decode(token.substring(0, dot)), StandardCharsets.UTF_8);
    String mallory = Base64.getUrlEncoder().withoutPadding()
        .encodeToString(payload.replace("alice", "mallory").getBytes(StandardCharsets.UTF_8));
    assertThat(LINKS.verify(mallory + token.substring(dot), ISSUED))
        .isInstanceOfSatisfying(Rejected.class, r -> assertThat(r.why()).isEqualTo(Why.FORGED));
    // a flipped signature character
    char last = token.charAt(token.length() - 1);
    String flipped = token.substring(0, token.length() - 1) + (last == 'A' ? 'B' : 'A');
    assertThat(LINKS.verify(flipped, ISSUED))
        .isInstanceOfSatisfying(Rejected.class, r -> assertThat(r.why()).isEqualTo(Why.FORGED));
    // signed with another secret
    AckLinks other = new AckLinks(URI.create("https://stormwatch.example.org"), new Secret("another secret, as long"),
        Duration.ofHours(24));
    assertThat(other.verify(token, ISSUED))
        .isInstanceOfSatisfying(Rejected.class, r -> assertThat(r.why()).isEqualTo(Why.FORGED));
  }

  @Test
  void garbageIsMalformed() {
    for (String garbage : new String[] {"", ".", "abc", "a.b.c", "!!!.???", "abc.", ".abc", "x".repeat(2000)}) {
      assertThat(LINKS.verify(garbage, ISSUED)).as(garbage)
          .isInstanceOfSatisfying(Rejected.class, r -> assertThat(r.why()).isEqualTo(Why.MALFORMED));
    }
    assertThat(LINKS.verify(null, ISSUED)).isInstanceOf(Rejected.class);
  }

  @Test
  void refusesWeakSettingsAndFieldsATokenCannotCarry() {
    assertThatThrownBy(() -> new AckLinks(URI.create("https://x.example"), new Secret("short"), Duration.ofHours(1)))
        .hasMessageContaining("at least 16");
    assertThatThrownBy(() -> new AckLinks(URI.create("ftp://x.example"), new Secret("0123456789abcdef"),
        Duration.ofHours(1))).hasMessageContaining("http(s)");
    assertThatThrownBy(() -> new AckLinks(URI.create("https://x.example"), new Secret("0123456789abcdef"),
        Duration.ZERO)).hasMessageContaining("positive");
    assertThatThrownBy(() -> LINKS.claim(INCIDENT, Action.ACK, "ali\nce", ISSUED))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(LINKS.toString()).doesNotContain("horse");
  }

  @Property(seed = "20260301")
  void arbitraryTokensAreNeverAcceptedAndNeverThrow(@ForAll String token) {
    assertThat(LINKS.verify(token, ISSUED)).isInstanceOf(Rejected.class);
  }

  @Property(seed = "20260302")
  void tokenShapedGarbageIsRejected(@ForAll("tokenShaped") String token) {
    Verdict v = LINKS.verify(token, ISSUED);
    assertThat(v).isInstanceOfSatisfying(Rejected.class,
        r -> assertThat(r.why()).isIn(Why.MALFORMED, Why.FORGED));
  }

  @Property(seed = "20260303")
  void anySingleCharacterChangeOfAGenuineTokenIsRejected(@ForAll("people") String person,
                                                          @ForAll @IntRange(min = 0, max = 10_000) int position,
                                                          @ForAll("base64url") char replacement) {
    String token = LINKS.token(LINKS.claim(INCIDENT, Action.ACK, person, ISSUED));
    int i = position % token.length();
    if (token.charAt(i) == replacement) {
      return;
    }
    String changed = token.substring(0, i) + replacement + token.substring(i + 1);
    Verdict v = LINKS.verify(changed, ISSUED);
    // a change in the last character's unused low bits may decode to the same bytes: then it is the same token
    if (v instanceof Valid valid) {
      assertThat(valid.claim()).isEqualTo(LINKS.claim(INCIDENT, Action.ACK, person, ISSUED));
    } else {
      assertThat(((Rejected) v).why()).isIn(Why.MALFORMED, Why.FORGED);
    }
  }

  @Property(seed = "20260304")
  void everyGenuineTokenRoundTrips(@ForAll("people") String person, @ForAll Action action,
                                   @ForAll @IntRange(min = 1, max = 1_000_000) int ttlSeconds) {
    AckLinks links = new AckLinks(URI.create("http://localhost:8090"), new Secret("0123456789abcdef"),
        Duration.ofSeconds(ttlSeconds));
    Claim claim = links.claim(INCIDENT, action, person, ISSUED);
    assertThat(links.verify(links.token(claim), ISSUED)).isEqualTo(new Valid(claim));
    assertThat(links.verify(links.token(claim), claim.expiresAt())).isInstanceOf(Rejected.class);
  }

  @Provide
  Arbitrary<String> tokenShaped() {
    Arbitrary<String> part = Arbitraries.strings().withChars("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
        + "0123456789-_").ofMinLength(0).ofMaxLength(120);
    return net.jqwik.api.Combinators.combine(part, part).as((a, b) -> a + "." + b);
  }

  @Provide
  Arbitrary<String> people() {
    return Arbitraries.strings().withChars("abcdefghijklmnopqrstuvwxyz0123456789._-:").ofMinLength(1)
        .ofMaxLength(40).filter(s -> !s.isBlank());
  }

  @Provide
  Arbitrary<Character> base64url() {
    return Arbitraries.chars()
        .with("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.=+/ ".toCharArray());
  }
}
