package dev.stormwatch.correlator.rules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stormwatch.avro.MatchOp;
import dev.stormwatch.avro.Matcher;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

class LabelMatcherTest {

  private static AlertView alert(String service, Map<String, String> labels) {
    return AlertView.of("fp1", "HighErrorRate", service, labels, true);
  }

  // ---- semantics -----------------------------------------------------------------------------

  @Test
  void equalAndNotEqualCompareTheLabelValue() {
    AlertView a = alert("checkout", Map.of("severity", "critical", "env", "prod"));
    assertThat(LabelMatcher.parse("severity=\"critical\"").matches(a)).isTrue();
    assertThat(LabelMatcher.parse("severity=\"warning\"").matches(a)).isFalse();
    assertThat(LabelMatcher.parse("severity!=\"warning\"").matches(a)).isTrue();
    assertThat(LabelMatcher.parse("env!=prod").matches(a)).isFalse();
  }

  @Test
  void aMissingLabelHasTheEmptyValue() {
    AlertView a = alert("checkout", Map.of("severity", "critical"));
    assertThat(LabelMatcher.parse("team=\"\"").matches(a)).isTrue();
    assertThat(LabelMatcher.parse("team!=\"\"").matches(a)).isFalse();
    assertThat(LabelMatcher.parse("team=~\".*\"").matches(a)).isTrue();
    assertThat(LabelMatcher.parse("team=~\".+\"").matches(a)).isFalse();
    assertThat(LabelMatcher.parse("team!~\"shop\"").matches(a)).isTrue();
  }

  @Test
  void regexesAreFullyAnchored() {
    AlertView a = alert("api-gateway", Map.of("instance", "10.0.0.1:9090"));
    assertThat(LabelMatcher.parse("service=~\"api\"").matches(a)).isFalse();
    assertThat(LabelMatcher.parse("service=~\"api.*\"").matches(a)).isTrue();
    assertThat(LabelMatcher.parse("service=~\"gateway\"").matches(a)).isFalse();
    assertThat(LabelMatcher.parse("instance=~\"10\\\\.0\\\\..*\"").matches(a)).isTrue();
    assertThat(LabelMatcher.parse("service=~\"api|api-gateway\"").matches(a)).isTrue();
    assertThat(LabelMatcher.parse("service!~\"api\"").matches(a)).isTrue();
  }

  @Test
  void serviceMatchesTheCanonicalServiceAndTheLabel() {
    AlertView aliased = alert("payments-api", Map.of("service", "payments", "job", "pay"));
    assertThat(LabelMatcher.parse("service=payments").matches(aliased)).isTrue();
    assertThat(LabelMatcher.parse("service=payments-api").matches(aliased)).isTrue();
    assertThat(LabelMatcher.parse("service!=payments-api").matches(aliased)).isFalse();
    assertThat(LabelMatcher.parse("service=cart").matches(aliased)).isFalse();
    AlertView resolvedFromJob = alert("cart", Map.of("job", "cart"));
    assertThat(LabelMatcher.parse("service=cart").matches(resolvedFromJob)).isTrue();
    assertThat(LabelMatcher.parse("service=\"\"").matches(resolvedFromJob)).isFalse();
    AlertView sentry = AlertView.of("fp", "TypeError: x is undefined", "web", Map.of(), true);
    assertThat(LabelMatcher.parse("alertname=~\"TypeError.*\"").matches(sentry)).isTrue();
  }

  @Test
  void anInvalidRegexIsAClearOneLineError() {
    assertThatThrownBy(() -> LabelMatcher.parse("service=~\"(checkout\""))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("invalid regular expression in matcher service=~\"(checkout\": Unclosed group")
        .hasMessageNotContaining("\n");
    Matcher avro = Matcher.newBuilder().setName("x").setOp(MatchOp.NOT_REGEX).setValue("[").build();
    assertThatThrownBy(() -> LabelMatcher.fromAvro(avro)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("x!~\"[\"");
  }

  @Test
  void avroMatchersRoundTrip() {
    Matcher avro = Matcher.newBuilder().setName("service").setOp(MatchOp.REGEX).setValue("check.*").build();
    LabelMatcher m = LabelMatcher.fromAvro(avro);
    assertThat(m.op()).isEqualTo(LabelMatcher.Op.REGEX);
    assertThat(m.toAvro()).isEqualTo(avro);
    assertThat(m.matches(alert("checkout", Map.of()))).isTrue();
  }

  // ---- string form ---------------------------------------------------------------------------

  @Test
  void parsesAlertmanagersListForms() {
    List<LabelMatcher> expected = List.of(LabelMatcher.equal("foo", "bar"),
        LabelMatcher.of("dings", LabelMatcher.Op.NOT_EQUAL, "bums"));
    assertThat(LabelMatchers.parse("{foo = \"bar\", dings != \"bums\", }").matchers()).isEqualTo(expected);
    assertThat(LabelMatchers.parse("foo=bar,dings!=bums").matchers()).isEqualTo(expected);
    assertThat(LabelMatchers.parse("foo=bar, dings!=bums").matchers()).isEqualTo(expected);
    assertThat(LabelMatchers.parse("{quote=\"She said: \\\"Hi, all!\\\"\"}").matchers())
        .containsExactly(LabelMatcher.equal("quote", "She said: \"Hi, all!\""));
    assertThat(LabelMatchers.parse("statuscode=~\"5..\"").matchers())
        .containsExactly(LabelMatcher.regex("statuscode", "5.."));
    assertThat(LabelMatchers.parse("{\"app.kubernetes.io/name\"=\"cart\", a!~b}").matchers())
        .containsExactly(LabelMatcher.equal("app.kubernetes.io/name", "cart"),
            LabelMatcher.of("a", LabelMatcher.Op.NOT_REGEX, "b"));
    assertThat(LabelMatchers.parse("{}").matchers()).isEmpty();
    assertThat(LabelMatchers.parse("  ").matchers()).isEmpty();
    assertThat(LabelMatchers.parse("path=\"a\\\\b\\nc\"").matchers())
        .containsExactly(LabelMatcher.equal("path", "a\\b\nc"));
  }

  @Test
  void badStringsAreOneLineErrorsNamingTheInput() {
    for (String bad : List.of("foo", "=bar", "foo=\"bar", "{foo=bar", "foo=bar}", "foo=ba\"r", "foo=\"a\" b",
        "foo=bar,,baz=qux", "1foo=bar", "foo=~\"(\"")) {
      assertThatThrownBy(() -> LabelMatchers.parse(bad)).as(bad).isInstanceOf(IllegalArgumentException.class)
          .hasMessageNotContaining("\n");
    }
    assertThatThrownBy(() -> LabelMatchers.parse("severity"))
        .hasMessage("bad matcher 'severity': expected one of = != =~ !~ after 'severity'");
  }

  // ---- properties ----------------------------------------------------------------------------

  @Property(tries = 1000, seed = "20250501")
  void negationIsTheExactComplement(@ForAll("matchers") LabelMatcher m, @ForAll("alerts") AlertView a) {
    assertThat(m.negate().matches(a)).isEqualTo(!m.matches(a));
    assertThat(m.negate().negate()).isEqualTo(m);
    assertThat(m.negate().matchesValue("x")).isEqualTo(!m.matchesValue("x"));
  }

  @Property(tries = 1000, seed = "20250502")
  void notEqualIsNotOfEqualAndNotRegexIsNotOfRegex(@ForAll("names") String name, @ForAll("values") String value,
                                                   @ForAll("alerts") AlertView a) {
    assertThat(LabelMatcher.of(name, LabelMatcher.Op.NOT_EQUAL, value).matches(a))
        .isEqualTo(!LabelMatcher.of(name, LabelMatcher.Op.EQUAL, value).matches(a));
    String re = Pattern.quote(value) + "|x.*";
    assertThat(LabelMatcher.of(name, LabelMatcher.Op.NOT_REGEX, re).matches(a))
        .isEqualTo(!LabelMatcher.of(name, LabelMatcher.Op.REGEX, re).matches(a));
    // an equality is the regex of its quoted value
    assertThat(LabelMatcher.regex(name, Pattern.quote(value)).matches(a))
        .isEqualTo(LabelMatcher.equal(name, value).matches(a));
  }

  @Property(tries = 1000, seed = "20250503")
  void deMorganOverMatcherPairs(@ForAll("matchers") LabelMatcher m1, @ForAll("matchers") LabelMatcher m2,
                                @ForAll("alerts") AlertView a) {
    boolean both = LabelMatchers.of(m1, m2).matches(a);
    boolean eitherNegated = m1.negate().matches(a) || m2.negate().matches(a);
    assertThat(both).isEqualTo(!eitherNegated);
  }

  @Property(tries = 1000, seed = "20250504")
  void theStringFormRoundTrips(@ForAll("matcherLists") List<LabelMatcher> ms) {
    LabelMatchers list = new LabelMatchers(ms);
    assertThat(LabelMatchers.parse(list.toString())).isEqualTo(list);
  }

  @Property(tries = 2000, seed = "20250505")
  void theParserNeverThrowsAnythingButAClearError(@ForAll("junk") String text) {
    try {
      LabelMatchers.parse(text);
    } catch (IllegalArgumentException e) {
      assertThat(e.getMessage()).isNotBlank().doesNotContain("\n");
    }
  }

  @Provide
  Arbitrary<String> names() {
    return Arbitraries.of("service", "alertname", "severity", "team", "env");
  }

  @Provide
  Arbitrary<String> values() {
    return Arbitraries.of("", "checkout", "payments", "critical", "warning", "HighErrorRate", "a.b", "x\"y", "p\\q");
  }

  @Provide
  Arbitrary<LabelMatcher> matchers() {
    Arbitrary<String> regexes = Arbitraries.of("", ".*", ".+", "check.*", "critical|warning", "pay(ments)?", "[a-c].*",
        "High.*", "x\"y");
    return Combinators.combine(names(), Arbitraries.of(LabelMatcher.Op.values()), values(), regexes)
        .as((n, op, v, re) -> LabelMatcher.of(n, op, op.regex() ? re : v));
  }

  @Provide
  Arbitrary<List<LabelMatcher>> matcherLists() {
    Arbitrary<String> anyName = Arbitraries.oneOf(names(), Arbitraries.strings().withChars("ab.-/ \",\\{}=~!")
        .ofMinLength(1).ofMaxLength(6).filter(s -> !s.isBlank()));
    Arbitrary<String> anyValue = Arbitraries.strings().withChars("ab \",\\{}=~!\n").ofMaxLength(8);
    Arbitrary<LabelMatcher> m = Combinators.combine(anyName, Arbitraries.of(LabelMatcher.Op.EQUAL,
        LabelMatcher.Op.NOT_EQUAL), anyValue).as(LabelMatcher::of);
    return Arbitraries.oneOf(m, matchers()).list().ofMaxSize(4);
  }

  @Provide
  Arbitrary<AlertView> alerts() {
    Arbitrary<String> service = Arbitraries.of("checkout", "payments", "payments-api", null);
    Arbitrary<Map<String, String>> labels = Combinators.combine(
        Arbitraries.of("checkout", "payments", "x\"y", null), Arbitraries.of("critical", "warning", "", null),
        Arbitraries.of("shop", null), Arbitraries.of("HighErrorRate", "Other", null)).as((s, sev, team, an) -> {
          Map<String, String> m = new HashMap<>();
          put(m, "service", s);
          put(m, "severity", sev);
          put(m, "team", team);
          put(m, "alertname", an);
          return m;
        });
    return Combinators.combine(service, Arbitraries.of("HighErrorRate", "Latency", null), labels)
        .as((s, name, l) -> AlertView.of("fp", name, s, l, true));
  }

  @Provide
  Arbitrary<String> junk() {
    return Arbitraries.oneOf(
        Arbitraries.strings().withChars("{}\"\\,=~! ab\n.*(").ofMaxLength(24),
        Arbitraries.strings().ofMaxLength(24));
  }

  private static void put(Map<String, String> m, String k, String v) {
    if (v != null) {
      m.put(k, v);
    }
  }
}
