package io.gitwatch.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongFunction;

/**
 * Sends HTTP POSTs with the JDK client and records every exchange (when it was due, sent and
 * answered, its status, a 503's {@code Retry-After}), three ways: closed loop (a fixed number of
 * workers, each sending as soon as its last answer came: the throughput ceiling), open loop (a
 * fixed arrival rate, sent asynchronously so that slow answers never hold back the next send,
 * latency measured from when each request was due: no coordinated omission), and a burst (all at
 * once).
 */
public final class LoadDriver {

  /** At most this many requests in flight; beyond it the driver, not the server, would queue. */
  static final int MAX_IN_FLIGHT = 4000;

  /** One request to send: where, the body and its headers. */
  public record Shot(URI uri, byte[] body, Map<String, String> headers) {}

  /** Told of every answer: the shot's number and its status, or -1 for a transport error. */
  public interface Answers {
    void answered(long slot, int status);
  }

  private final HttpClient client;
  private final Duration timeout;

  public LoadDriver() {
    this(Duration.ofSeconds(30));
  }

  /** A driver whose requests give up after {@code timeout} (counted as transport errors). */
  public LoadDriver(Duration timeout) {
    this.timeout = timeout;
    client =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();
  }

  /** {@code workers} threads send back to back for {@code duration}; shots are numbered. */
  public LoadResult closedLoop(int workers, Duration duration, LongFunction<Shot> shots)
      throws InterruptedException {
    AtomicLong sequence = new AtomicLong();
    long start = System.nanoTime();
    long end = start + duration.toNanos();
    List<List<Exchange>> perWorker = new ArrayList<>();
    AtomicReference<RuntimeException> failure = new AtomicReference<>();
    CountDownLatch done = new CountDownLatch(workers);
    for (int w = 0; w < workers; w++) {
      List<Exchange> mine = new ArrayList<>();
      perWorker.add(mine);
      Thread worker =
          new Thread(
              () -> {
                try {
                  while (System.nanoTime() < end) {
                    Shot shot = shots.apply(sequence.getAndIncrement());
                    long sent = System.nanoTime();
                    mine.add(send(shot, sent, sent));
                  }
                } catch (RuntimeException e) {
                  failure.compareAndSet(null, e);
                } finally {
                  done.countDown();
                }
              },
              "load-" + w);
      worker.start();
    }
    done.await();
    rethrow(failure);
    List<Exchange> all = new ArrayList<>();
    perWorker.forEach(all::addAll);
    return new LoadResult(all, (System.nanoTime() - start) / 1e9, workers);
  }

  /**
   * Sends {@code rate} requests per second for {@code duration}, each due on its own slot. Shots
   * are made on a pool of their own (making one may push a commit first), then sent asynchronously.
   */
  public LoadResult openLoop(
      double rate, Duration duration, LongFunction<Shot> shots, Answers answers)
      throws InterruptedException {
    int total = (int) (rate * duration.toMillis() / 1000);
    Exchange[] exchanges = new Exchange[total];
    CountDownLatch done = new CountDownLatch(total);
    Semaphore permits = new Semaphore(MAX_IN_FLIGHT);
    AtomicInteger inFlight = new AtomicInteger();
    AtomicInteger peak = new AtomicInteger();
    AtomicReference<RuntimeException> failure = new AtomicReference<>();
    ExecutorService makers = Executors.newFixedThreadPool(16);
    long intervalNanos = (long) (1e9 / rate);
    long start = System.nanoTime();
    for (int i = 0; i < total; i++) {
      long due = start + i * intervalNanos;
      long wait = due - System.nanoTime();
      if (wait > 0) {
        LockSupport.parkNanos(wait);
      }
      int slot = i;
      makers.execute(
          () -> {
            try {
              Shot shot = shots.apply(slot);
              permits.acquireUninterruptibly();
              peak.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
              long sent = System.nanoTime();
              sendAsync(shot, due, sent)
                  .whenComplete(
                      (exchange, e) -> {
                        inFlight.decrementAndGet();
                        permits.release();
                        exchanges[slot] = exchange;
                        answers.answered(slot, exchange.status());
                        done.countDown();
                      });
            } catch (RuntimeException e) {
              failure.compareAndSet(null, e);
              exchanges[slot] = new Exchange(due, due, System.nanoTime(), -1, -1);
              done.countDown();
            }
          });
    }
    makers.shutdown();
    done.await(timeout.plusMinutes(2).toMillis(), TimeUnit.MILLISECONDS);
    rethrow(failure);
    List<Exchange> all = new ArrayList<>();
    for (Exchange exchange : exchanges) {
      all.add(exchange == null ? new Exchange(start, start, -1, -1, -1) : exchange);
    }
    return new LoadResult(all, (System.nanoTime() - start) / 1e9, peak.get());
  }

  /** Sends every shot at once and waits for every answer. */
  public LoadResult burst(List<Shot> shots) throws InterruptedException {
    long start = System.nanoTime();
    List<CompletableFuture<Exchange>> answers = new ArrayList<>();
    for (Shot shot : shots) {
      long now = System.nanoTime();
      answers.add(sendAsync(shot, now, now));
    }
    List<Exchange> all = new ArrayList<>();
    for (CompletableFuture<Exchange> answer : answers) {
      all.add(answer.join());
    }
    return new LoadResult(all, (System.nanoTime() - start) / 1e9, shots.size());
  }

  private Exchange send(Shot shot, long due, long sent) {
    try {
      HttpResponse<Void> response =
          client.send(request(shot), HttpResponse.BodyHandlers.discarding());
      return exchange(due, sent, response);
    } catch (java.io.IOException e) {
      return new Exchange(due, sent, System.nanoTime(), -1, -1);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Exchange(due, sent, System.nanoTime(), -1, -1);
    }
  }

  private CompletableFuture<Exchange> sendAsync(Shot shot, long due, long sent) {
    return client
        .sendAsync(request(shot), HttpResponse.BodyHandlers.discarding())
        .handle(
            (response, e) ->
                response == null
                    ? new Exchange(due, sent, System.nanoTime(), -1, -1)
                    : exchange(due, sent, response));
  }

  private HttpRequest request(Shot shot) {
    var request =
        HttpRequest.newBuilder(shot.uri())
            .timeout(timeout)
            .POST(HttpRequest.BodyPublishers.ofByteArray(shot.body()));
    shot.headers().forEach(request::header);
    return request.build();
  }

  private static Exchange exchange(long due, long sent, HttpResponse<Void> response) {
    return new Exchange(
        due,
        sent,
        System.nanoTime(),
        response.statusCode(),
        response.headers().firstValue("Retry-After").map(LoadDriver::seconds).orElse(-1));
  }

  private static int seconds(String retryAfter) {
    try {
      return Integer.parseInt(retryAfter.trim());
    } catch (NumberFormatException e) {
      return 1; // an HTTP date: come back soon
    }
  }

  private static void rethrow(AtomicReference<RuntimeException> failure) {
    if (failure.get() != null) {
      throw new IllegalStateException("the load driver failed", failure.get());
    }
  }
}
