package io.gitwatch.bench;

import io.gitwatch.testing.Gitwatch;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One reading of {@code /metrics} (Prometheus text), so a benchmark can subtract two readings: the
 * counters and histogram buckets of just its own window.
 */
final class MetricsSnapshot {

  private final List<String> lines;
  final long atNanos = System.nanoTime();

  private MetricsSnapshot(List<String> lines) {
    this.lines = lines;
  }

  static MetricsSnapshot of(Gitwatch gitwatch) {
    try {
      return new MetricsSnapshot(gitwatch.get("metrics").body().lines().toList());
    } catch (java.io.UncheckedIOException e) {
      throw new NotMeasured("/metrics did not answer (" + e.getCause() + ")");
    }
  }

  /** The sum of the series of {@code name} whose labels include all of {@code labels}. */
  double value(String name, String... labels) {
    return Gitwatch.metric(lines, name, labels);
  }

  /** A histogram's cumulative bucket counts by upper bound in seconds ({@code le}). */
  TreeMap<Double, Double> buckets(String histogram) {
    TreeMap<Double, Double> buckets = new TreeMap<>();
    for (String line : lines) {
      if (!line.startsWith(histogram + "_bucket{")) {
        continue;
      }
      int at = line.indexOf("le=\"") + 4;
      String le = line.substring(at, line.indexOf('"', at));
      double bound = le.equals("+Inf") ? Double.POSITIVE_INFINITY : Double.parseDouble(le);
      buckets.merge(
          bound, Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)), Double::sum);
    }
    return buckets;
  }

  /** What happened between {@code earlier} and this reading: bucket by bucket. */
  Map<Double, Double> bucketsSince(MetricsSnapshot earlier, String histogram) {
    TreeMap<Double, Double> now = buckets(histogram);
    TreeMap<Double, Double> then = earlier.buckets(histogram);
    TreeMap<Double, Double> delta = new TreeMap<>();
    now.forEach((le, count) -> delta.put(le, count - then.getOrDefault(le, 0.0)));
    return delta;
  }

  /**
   * The smallest bucket bound that holds at least {@code p} percent of the observations between the
   * two readings: an upper bound of the true percentile.
   */
  static double percentileBound(Map<Double, Double> cumulative, double p) {
    double total = cumulative.getOrDefault(Double.POSITIVE_INFINITY, 0.0);
    for (Map.Entry<Double, Double> bucket : new TreeMap<>(cumulative).entrySet()) {
      if (total > 0 && bucket.getValue() >= total * p / 100) {
        return bucket.getKey();
      }
    }
    return Double.NaN;
  }
}
