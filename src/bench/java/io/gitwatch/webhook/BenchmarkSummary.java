package io.gitwatch.webhook;

import io.gitwatch.bench.BenchTable;
import java.util.Collection;
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

    double at10 = score(results, "MatchingBenchmark.match", "repos", "10");
    double at1k = score(results, "MatchingBenchmark.match", "repos", "1000");
    double at10k = score(results, "MatchingBenchmark.match", "repos", "10000");
    double growth = at10k / at10;
    BenchTable.row(
        "Matching a delivery to its GitRepos (JMH), 10 / 1,000 / 10,000 indexed",
        BenchTable.format(
            "%.2f / %.2f / %.2f µs: %.2f× from 10 to 10,000",
            at10 / 1000, at1k / 1000, at10k / 1000, growth),
        "≤ 1.2×",
        growth <= 1.2);
    for (String[] size :
        new String[][] {{"1024", "1 KB"}, {"10240", "10 KB"}, {"1048576", "1 MB"}}) {
      double verify = score(results, "SignatureBenchmark.verify", "bytes", size[0]);
      double raw = score(results, "SignatureBenchmark.rawMac", "bytes", size[0]);
      double share = 100 * raw / verify; // average times: the ceiling's time over ours
      BenchTable.row(
          "HMAC-SHA256 verify of " + size[1] + " vs raw javax.crypto.Mac (JMH)",
          BenchTable.format("%.0f %% (%.2f µs vs %.2f µs)", share, verify, raw),
          "≥ 90 %",
          share >= 90);
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
