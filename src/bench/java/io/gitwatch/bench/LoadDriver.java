package io.gitwatch.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongFunction;

/**
 * Sends HTTP POSTs with the JDK client and measures them, two ways: closed loop (a fixed number of
 * workers, each sending as soon as its last answer came: the throughput ceiling) and open loop (a
 * fixed arrival rate, latency measured from when each request was due, so a stall is not hidden by
 * requests that were never sent: no coordinated omission).
 */
public final class LoadDriver {

  /** One request to send: where, the body and its headers. */
  public record Shot(URI uri, byte[] body, Map<String, String> headers) {}

  /** What a run saw: answers by status, errors, and latencies in microseconds. */
  public static final class Result {
    final Map<Integer, AtomicLong> statuses = new ConcurrentHashMap<>();
    final AtomicLong errors = new AtomicLong();
    final List<long[]> latencies = new ArrayList<>();
    long[] sorted;
    double seconds;

    public long sent() {
      return answered() + errors.get();
    }

    public long answered() {
      return statuses.values().stream().mapToLong(AtomicLong::get).sum();
    }

    public long withStatus(int status) {
      AtomicLong count = statuses.get(status);
      return count == null ? 0 : count.get();
    }

    /** Requests that did not get a 200: transport errors and other statuses. */
    public long failures() {
      return sent() - withStatus(200);
    }

    public long errors() {
      return errors.get();
    }

    public double perSecond() {
      return answered() / seconds;
    }

    /** A latency percentile in milliseconds, {@code p} from 0 to 100. */
    public double percentileMillis(double p) {
      if (sorted.length == 0) {
        return Double.NaN;
      }
      int index = (int) Math.ceil(p / 100 * sorted.length) - 1;
      return sorted[Math.max(0, Math.min(sorted.length - 1, index))] / 1000.0;
    }

    public Map<Integer, AtomicLong> statuses() {
      return statuses;
    }

    void finish(double seconds) {
      this.seconds = seconds;
      sorted = latencies.stream().flatMapToLong(Arrays::stream).filter(l -> l >= 0).toArray();
      Arrays.sort(sorted);
    }
  }

  private final HttpClient client;

  public LoadDriver() {
    client =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();
  }

  /** {@code workers} threads send back to back for {@code duration}; shots are numbered. */
  public Result closedLoop(int workers, Duration duration, LongFunction<Shot> shots)
      throws InterruptedException {
    Result result = new Result();
    AtomicLong sequence = new AtomicLong();
    long end = System.nanoTime() + duration.toNanos();
    CountDownLatch done = new CountDownLatch(workers);
    long start = System.nanoTime();
    for (int w = 0; w < workers; w++) {
      long[] mine = new long[(int) Math.min(Integer.MAX_VALUE - 8, duration.toSeconds() * 20_000)];
      synchronized (result.latencies) {
        result.latencies.add(mine);
      }
      Thread worker =
          new Thread(
              () -> {
                int n = 0;
                while (System.nanoTime() < end && n < mine.length) {
                  long sent = System.nanoTime();
                  send(shots.apply(sequence.getAndIncrement()), result);
                  mine[n++] = (System.nanoTime() - sent) / 1000;
                }
                Arrays.fill(mine, n, mine.length, -1);
                done.countDown();
              },
              "load-" + w);
      worker.start();
    }
    done.await();
    result.finish((System.nanoTime() - start) / 1e9);
    return result;
  }

  /**
   * Sends {@code rate} requests per second for {@code duration}, each on its own schedule slot,
   * from a pool big enough that a slow answer never delays the next send.
   */
  public Result openLoop(double rate, Duration duration, LongFunction<Shot> shots)
      throws InterruptedException {
    return openLoop(rate, duration, shots, (slot, status) -> {});
  }

  /** Told of every answer: the shot's number and its status, or -1 for a transport error. */
  public interface Answers {
    void answered(long slot, int status);
  }

  /** As {@link #openLoop(double, Duration, LongFunction)}, telling {@code answers} each outcome. */
  public Result openLoop(double rate, Duration duration, LongFunction<Shot> shots, Answers answers)
      throws InterruptedException {
    Result result = new Result();
    int total = (int) (rate * duration.toMillis() / 1000);
    long[] latencies = new long[total];
    Arrays.fill(latencies, -1);
    result.latencies.add(latencies);
    ExecutorService senders = Executors.newFixedThreadPool(64);
    long intervalNanos = (long) (1e9 / rate);
    long start = System.nanoTime();
    for (int i = 0; i < total; i++) {
      long due = start + i * intervalNanos;
      long wait = due - System.nanoTime();
      if (wait > 0) {
        LockSupport.parkNanos(wait);
      }
      int slot = i;
      senders.execute(
          () -> {
            int status = send(shots.apply(slot), result);
            latencies[slot] = (System.nanoTime() - due) / 1000;
            answers.answered(slot, status);
          });
    }
    senders.shutdown();
    senders.awaitTermination(2, TimeUnit.MINUTES);
    result.finish((System.nanoTime() - start) / 1e9);
    return result;
  }

  private int send(Shot shot, Result result) {
    var request =
        HttpRequest.newBuilder(shot.uri())
            .timeout(Duration.ofSeconds(30))
            .POST(HttpRequest.BodyPublishers.ofByteArray(shot.body()));
    shot.headers().forEach(request::header);
    try {
      HttpResponse<Void> response =
          client.send(request.build(), HttpResponse.BodyHandlers.discarding());
      result
          .statuses
          .computeIfAbsent(response.statusCode(), s -> new AtomicLong())
          .incrementAndGet();
      return response.statusCode();
    } catch (java.io.IOException e) {
      result.errors.incrementAndGet();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      result.errors.incrementAndGet();
    }
    return -1;
  }
}
