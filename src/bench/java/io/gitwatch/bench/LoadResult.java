package io.gitwatch.bench;

import java.util.Arrays;
import java.util.List;
import java.util.function.Predicate;

/** What one load driver run saw: every exchange, and the figures the table reports from them. */
public final class LoadResult {

  private final List<Exchange> exchanges;
  private final double seconds;
  private final int peakInFlight;

  LoadResult(List<Exchange> exchanges, double seconds, int peakInFlight) {
    this.exchanges = List.copyOf(exchanges);
    this.seconds = seconds;
    this.peakInFlight = peakInFlight;
  }

  /** The {@code k}th exchange, in the order the shots were given (or their slots). */
  public Exchange exchange(int k) {
    return exchanges.get(k);
  }

  public long sent() {
    return exchanges.size();
  }

  public long withStatus(int status) {
    return count(e -> e.status() == status);
  }

  /** Transport errors: refused connections, timeouts, resets. */
  public long errors() {
    return withStatus(-1);
  }

  /** Requests that did not get a 200: transport errors and other statuses. */
  public long failures() {
    return sent() - withStatus(200);
  }

  /** Answers other than 200 and 503, transport errors excluded. */
  public long otherStatuses() {
    return count(e -> e.status() >= 0 && e.status() != 200 && e.status() != 503);
  }

  /** 503 answers that did not say when to come back. */
  public long refusedWithoutRetryAfter() {
    return count(e -> e.status() == 503 && e.retryAfter() < 0);
  }

  /** The longest {@code Retry-After} among the answers, in seconds (-1 if none had one). */
  public int longestRetryAfter() {
    return exchanges.stream().mapToInt(Exchange::retryAfter).max().orElse(-1);
  }

  public long count(Predicate<Exchange> which) {
    return exchanges.stream().filter(which).count();
  }

  /** Answers (of any status) per second of the run. */
  public double perSecond() {
    return (sent() - errors()) / seconds;
  }

  /** 200 answers per second of the run. */
  public double okPerSecond() {
    return withStatus(200) / seconds;
  }

  /** A latency percentile (from due) in milliseconds over every exchange, {@code p} 0 to 100. */
  public double percentileMillis(double p) {
    return percentile(exchanges.stream().mapToDouble(Exchange::latencyMillis).toArray(), p);
  }

  /** A latency percentile (from due) in milliseconds over the exchanges with this status. */
  public double percentileMillis(double p, int status) {
    return percentile(
        exchanges.stream()
            .filter(e -> e.status() == status)
            .mapToDouble(Exchange::latencyMillis)
            .toArray(),
        p);
  }

  /** The slowest answer, from when it was sent, in milliseconds (infinite if one never came). */
  public double slowestServiceMillis() {
    return exchanges.stream().mapToDouble(Exchange::serviceMillis).max().orElse(0);
  }

  /** Exchanges whose answer (from when sent) took longer than {@code millis}, or never came. */
  public long slowerThan(double millis) {
    return count(e -> e.serviceMillis() > millis);
  }

  /** How many requests were in flight at most (the worker count for a closed loop). */
  public int peakInFlight() {
    return peakInFlight;
  }

  public double seconds() {
    return seconds;
  }

  /** The first and last send, in milliseconds apart. */
  public double sendSpanMillis() {
    long first = exchanges.stream().mapToLong(Exchange::sent).min().orElse(0);
    long last = exchanges.stream().mapToLong(Exchange::sent).max().orElse(0);
    return (last - first) / 1e6;
  }

  private static double percentile(double[] values, double p) {
    if (values.length == 0) {
      return Double.NaN;
    }
    Arrays.sort(values);
    int index = (int) Math.ceil(p / 100 * values.length) - 1;
    return values[Math.max(0, Math.min(values.length - 1, index))];
  }
}
