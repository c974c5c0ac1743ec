package io.gitwatch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.gitwatch.testing.LoopbackGitServer;
import io.gitwatch.testing.OnTestServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/**
 * The alerts of {@code kubernetes/monitoring/prometheusrule.yaml} watch series the application
 * really exports: every metric (and label value) their expressions select is found in the WAR's
 * {@code /metrics} on the test server, once a delivery has failed verification and a poll has
 * failed (Gitwatch creates those counters on first use).
 */
class MonitoringIT extends OnTestServer.Deployed {

  private static final Path RULES =
      Path.of(System.getProperty("gitwatch.basedir", "."))
          .resolve("kubernetes/monitoring/prometheusrule.yaml");
  @AutoClose static final LoopbackGitServer GIT = LoopbackGitServer.startInTemporaryDirectory();

  @Test
  void everySeriesTheAlertsSelectIsExportedByTheApplication() {
    List<Selector> selected =
        alertExpressions().stream().flatMap(e -> selectors(e).stream()).toList();
    assertThat(selected)
        .extracting(Selector::name)
        .contains(
            "gitwatch_webhook_verification_failures_total",
            "gitwatch_polls_total",
            "gitwatch_polling_leader",
            "gitwatch_webhook_refused_for_load_total");

    // a repository that does not exist: every poll of it fails
    String missing = GIT.url("monitoring-missing");
    gitRepos.create("monitoring", "missing", missing, spec -> spec.setBranch("main"));
    // a push signed with a secret nobody configured: 401
    var answer = gitwatch.pushToMain(missing, "c".repeat(40), "not-the-secret");
    assertThat(answer.status()).as(answer.body()).isEqualTo(401);

    await()
        .atMost(Duration.ofSeconds(60))
        .untilAsserted(
            () -> {
              List<Series> exported = series(gitwatch.get("metrics").body());
              assertThat(selected)
                  .allSatisfy(
                      selector ->
                          assertThat(exported)
                              .as(selector + " in /metrics")
                              .anyMatch(selector::selects));
            });
  }

  @Test
  void selectorsAreReadFromPromQl() {
    assertThat(
            selectors(
                "sum by (namespace) (rate(a_total{outcome=\"failure\", x!=\"y\"}[15m]))"
                    + " / sum by (namespace) (rate(a_total[15m])) > 0.25"
                    + " or absent(b) unless on (namespace) c offset 5m"))
        .containsExactly(
            new Selector("a_total", Map.of("outcome", "failure")),
            new Selector("a_total", Map.of()),
            new Selector("b", Map.of()),
            new Selector("c", Map.of()));
  }

  /** A metric name with the label values an expression requires of it ({@code =} matchers). */
  record Selector(String name, Map<String, String> labels) {
    boolean selects(Series series) {
      return series.name().equals(name)
          && labels.entrySet().stream()
              .allMatch(l -> l.getValue().equals(series.labels().get(l.getKey())));
    }
  }

  /** One sample line of Prometheus text: its name (with _total, _seconds... as exported). */
  record Series(String name, Map<String, String> labels) {}

  private static final Pattern LABEL = Pattern.compile("(\\w+)\\s*(=~|!=|!~|=)\\s*\"([^\"]*)\"");
  private static final Pattern TOKEN =
      Pattern.compile(
          // strings, ranges, label matchers, numbers and durations, names, any other character
          "\"[^\"]*\"|\\[[^\\]]*\\]|\\{[^}]*\\}|\\d[\\w.]*|[a-zA-Z_:][a-zA-Z0-9_:]*|\\S",
          Pattern.DOTALL);
  // keywords, and the aggregation operators, which may take `by (...)` before their parentheses
  private static final Set<String> KEYWORDS =
      Set.of(
          "by",
          "without",
          "on",
          "ignoring",
          "group_left",
          "group_right",
          "bool",
          "and",
          "or",
          "unless",
          "offset",
          "inf",
          "nan",
          "sum",
          "min",
          "max",
          "avg",
          "group",
          "stddev",
          "stdvar",
          "count",
          "count_values",
          "bottomk",
          "topk",
          "quantile");
  private static final Set<String> LABEL_LISTS =
      Set.of("by", "without", "on", "ignoring", "group_left", "group_right");

  /**
   * The series selectors of a PromQL expression: names that are neither functions, aggregations nor
   * keywords, with their {@code label="value"} matchers.
   */
  static List<Selector> selectors(String expression) {
    List<String> tokens = new ArrayList<>();
    Matcher m = TOKEN.matcher(expression);
    while (m.find()) {
      tokens.add(m.group());
    }
    List<Selector> selectors = new ArrayList<>();
    for (int i = 0; i < tokens.size(); i++) {
      String token = tokens.get(i);
      String next = i + 1 < tokens.size() ? tokens.get(i + 1) : "";
      if (LABEL_LISTS.contains(token) && next.equals("(")) {
        i = skipTo(tokens, i, ")"); // a list of label names, not series
      } else if (token.matches("[a-zA-Z_:][a-zA-Z0-9_:]*")
          && !KEYWORDS.contains(token)
          && !next.equals("(")) {
        Map<String, String> labels = new LinkedHashMap<>();
        if (next.startsWith("{")) {
          Matcher label = LABEL.matcher(next);
          while (label.find()) {
            if (label.group(2).equals("=")) {
              labels.put(label.group(1), label.group(3));
            }
          }
        }
        selectors.add(new Selector(token, labels));
      }
    }
    return selectors;
  }

  private static int skipTo(List<String> tokens, int from, String end) {
    int i = from;
    while (i < tokens.size() && !tokens.get(i).equals(end)) {
      i++;
    }
    return i;
  }

  /** Every sample line of a Prometheus text exposition. */
  static List<Series> series(String exposition) {
    return exposition
        .lines()
        .filter(line -> !line.isBlank() && !line.startsWith("#"))
        .map(
            line -> {
              int brace = line.indexOf('{');
              int space = line.indexOf(' ');
              String name = line.substring(0, brace >= 0 && brace < space ? brace : space);
              Map<String, String> labels = new LinkedHashMap<>();
              if (brace >= 0 && brace < space) {
                Matcher label = LABEL.matcher(line.substring(brace, line.lastIndexOf('}') + 1));
                while (label.find()) {
                  labels.put(label.group(1), label.group(3));
                }
              }
              return new Series(name, labels);
            })
        .toList();
  }

  @SuppressWarnings("unchecked")
  private static List<String> alertExpressions() {
    try (InputStream in = Files.newInputStream(RULES)) {
      Map<String, Object> rule = new Yaml().load(in);
      List<String> expressions = new ArrayList<>();
      var groups =
          (List<Map<String, Object>>) ((Map<String, Object>) rule.get("spec")).get("groups");
      for (Map<String, Object> group : groups) {
        for (Map<String, Object> r : (List<Map<String, Object>>) group.get("rules")) {
          expressions.add((String) r.get("expr"));
        }
      }
      return expressions;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
