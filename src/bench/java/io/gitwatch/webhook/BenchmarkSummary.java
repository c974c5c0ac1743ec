package io.gitwatch.webhook;

import java.util.Collection;
import java.util.Locale;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * Runs the benchmarks with short settings (one fork, 3 × 1 s warm-up, 5 × 1 s measurement) and
 * prints JMH's table followed by one line per target.
 */
public final class BenchmarkSummary {

  private BenchmarkSummary() {}

  public static void main(String[] args) throws RunnerException {
    Options options =
        new OptionsBuilder()
            .include(MatchingBenchmark.class.getName())
            .include(SignatureBenchmark.class.getName())
            .forks(1)
            .warmupIterations(3)
            .warmupTime(TimeValue.seconds(1))
            .measurementIterations(5)
            .measurementTime(TimeValue.seconds(1))
            .threads(1)
            .build();
    Collection<RunResult> results = new Runner(options).run();

    System.out.println();
    System.out.println("Targets:");
    double at10 = score(results, "MatchingBenchmark.match", "repos", "10");
    double at10k = score(results, "MatchingBenchmark.match", "repos", "10000");
    double growth = at10k / at10;
    System.out.println(
        String.format(
            Locale.ROOT,
            "  matching 10→10000: %.2f× (%.0f ns → %.0f ns; target ≤ 1.2×) %s",
            growth,
            at10,
            at10k,
            growth <= 1.2 ? "OK" : "MISSED"));
    for (String[] size : new String[][] {{"1024", "1KB"}, {"10240", "10KB"}, {"1048576", "1MB"}}) {
      double verify = score(results, "SignatureBenchmark.verify", "bytes", size[0]);
      double raw = score(results, "SignatureBenchmark.rawMac", "bytes", size[0]);
      double share = 100 * raw / verify; // average times: the ceiling's time over ours
      System.out.println(
          String.format(
              Locale.ROOT,
              "  HMAC %s: %.0f %% of raw Mac (%.2f µs vs %.2f µs; target ≥ 90 %%) %s",
              size[1],
              share,
              verify,
              raw,
              share >= 90 ? "OK" : "MISSED"));
    }
  }

  private static double score(
      Collection<RunResult> results, String benchmark, String param, String value) {
    return results.stream()
        .filter(r -> r.getParams().getBenchmark().endsWith(benchmark))
        .filter(r -> value.equals(r.getParams().getParam(param)))
        .findFirst()
        .orElseThrow(() -> new IllegalStateException("no result for " + benchmark + " " + value))
        .getPrimaryResult()
        .getScore();
  }
}
