package io.gitwatch.webhook;

import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedThreadFactory;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.container.AsyncResponse;
import jakarta.ws.rs.core.Response;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.IntConsumer;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.metrics.Counter;
import org.eclipse.microprofile.metrics.MetricRegistry;
import org.eclipse.microprofile.metrics.Tag;
import org.eclipse.microprofile.metrics.Timer;

/**
 * Back-pressure for deliveries: {@code gitwatch.webhook.max-concurrent} workers handle them, body
 * read included; one that no worker starts within {@code gitwatch.webhook.max-queue-wait} is
 * answered 503 with {@code Retry-After} instead of queueing past every provider's 10 s timeout; and
 * the bodies held by deliveries in flight never exceed {@code
 * gitwatch.webhook.max-bytes-in-flight}.
 *
 * <p>A waiting delivery holds no thread (the request is suspended), so a burst costs queue entries,
 * not threads, and the wait is counted from arrival.
 */
@ApplicationScoped
public class DeliveryLimits {

  // A worker reads bodies in steps of this size, reserving each before it is read.
  private static final int STEP = 64 * 1024;

  @Inject
  @ConfigProperty(name = "gitwatch.webhook.max-concurrent", defaultValue = "32")
  int maxConcurrent;

  @Inject
  @ConfigProperty(name = "gitwatch.webhook.max-queue-wait", defaultValue = "5s")
  Duration maxQueueWait;

  // Twice the largest body a provider sends (GitHub caps deliveries at 25 MiB), plus room.
  @Inject
  @ConfigProperty(name = "gitwatch.webhook.max-bytes-in-flight", defaultValue = "67108864")
  long maxBytesInFlight;

  @Inject MetricRegistry metrics;

  @Resource ManagedThreadFactory threads;

  private ThreadPoolExecutor workers;
  private ScheduledThreadPoolExecutor deadlines;
  private Semaphore bytes;
  private Timer queueWait;

  @PostConstruct
  void init() {
    workers =
        new ThreadPoolExecutor(
            maxConcurrent,
            maxConcurrent,
            1,
            TimeUnit.MINUTES,
            new LinkedBlockingQueue<>(),
            threads);
    workers.allowCoreThreadTimeOut(true);
    deadlines = new ScheduledThreadPoolExecutor(1, threads);
    deadlines.setRemoveOnCancelPolicy(true);
    bytes = new Semaphore((int) Math.min(Integer.MAX_VALUE, maxBytesInFlight));
    queueWait = metrics.timer("gitwatch_webhook_queue_wait");
    metrics.gauge("gitwatch_webhook_in_flight", () -> workers.getActiveCount());
    metrics.gauge("gitwatch_webhook_queued", () -> workers.getQueue().size());
    metrics.gauge(
        "gitwatch_webhook_bytes_in_flight",
        () -> (int) Math.min(Integer.MAX_VALUE, maxBytesInFlight) - bytes.availablePermits());
    // Registered up front, so an alert on it has a series before the first refusal.
    refusals("concurrency");
    refusals("memory");
  }

  @PreDestroy
  void stop() {
    deadlines.shutdownNow();
    workers.shutdownNow();
  }

  /** How long a refused caller should wait before it tries again. */
  Duration retryAfter() {
    return maxQueueWait;
  }

  /**
   * Runs a delivery on a worker and resumes {@code response} with its answer (a {@link Response},
   * or the {@link Rejection} or other failure it throws, for the exception mappers); or, when no
   * worker starts it within {@code max-queue-wait}, resumes it with a 503.
   *
   * @param refused told of the 503, for the delivery's log line and metrics
   */
  void run(
      AsyncResponse response, Function<Permit, Response> delivery, Consumer<Rejection> refused) {
    long arrived = System.nanoTime();
    AtomicBoolean claimed = new AtomicBoolean();
    // Our own deadline, not AsyncResponse.setTimeout: JAX-RS schedules that on the server's managed
    // executor, where a timeout still pending when the application stops fails with an error
    // (CWWKC1101E) at every redeploy; ours is cancelled when a worker starts and goes with the
    // bean.
    ScheduledFuture<?> deadline;
    try {
      deadline =
          deadlines.schedule(
              () -> {
                if (claimed.compareAndSet(false, true)) {
                  refuse(response, refused);
                }
              },
              maxQueueWait.toMillis(),
              TimeUnit.MILLISECONDS);
    } catch (RejectedExecutionException e) {
      claimed.set(true);
      refuse(response, refused); // stopping
      return;
    }
    try {
      workers.execute(
          () -> {
            if (!claimed.compareAndSet(false, true)) {
              return; // already answered 503 at the deadline
            }
            deadline.cancel(false);
            queueWait.update(Duration.ofNanos(System.nanoTime() - arrived));
            try (Permit permit = new Permit()) {
              response.resume(delivery.apply(permit));
            } catch (RuntimeException | Error e) {
              response.resume(e);
            }
          });
    } catch (RejectedExecutionException e) {
      if (claimed.compareAndSet(false, true)) {
        refuse(response, refused); // stopping
      }
    }
  }

  private void refuse(AsyncResponse response, Consumer<Rejection> refused) {
    refusals("concurrency").inc();
    Rejection rejection =
        Rejection.overloaded(
            "no worker free within " + maxQueueWait + " (" + maxConcurrent + " at work)",
            maxQueueWait);
    refused.accept(rejection);
    response.resume(rejection);
  }

  private Counter refusals(String reason) {
    return metrics.counter("gitwatch_webhook_refused_for_load", new Tag("reason", reason));
  }

  /** The body bytes one delivery holds; closing it gives them back. */
  final class Permit implements AutoCloseable {

    private long reserved;

    /**
     * Reads a body, which may be empty, refusing it (413) as soon as it is larger than {@code
     * maxBodyBytes}, and reserving each step against the bytes all deliveries in flight may hold
     * before reading it (503 beyond that).
     */
    byte[] readBody(InputStream in, int declaredLength, long maxBodyBytes) {
      return DeliveryLimits.readBody(in, declaredLength, maxBodyBytes, this::reserve);
    }

    private void reserve(int count) {
      if (count <= 0) {
        return;
      }
      if (!bytes.tryAcquire(count)) {
        refusals("memory").inc();
        throw Rejection.overloaded(
            "deliveries in flight hold " + maxBytesInFlight + " bytes", maxQueueWait);
      }
      reserved += count;
    }

    @Override
    public void close() {
      bytes.release((int) reserved);
      reserved = 0;
    }
  }

  /**
   * Reads a body in steps, {@code reserve} told of each step before it is read. Nothing is
   * allocated for bytes not yet reserved: a caller's {@code Content-Length} is a claim, not bytes.
   */
  static byte[] readBody(
      InputStream in, int declaredLength, long maxBodyBytes, IntConsumer reserve) {
    if (declaredLength > maxBodyBytes) {
      throw tooLarge(maxBodyBytes);
    }
    // Read one byte past the limit to tell "exactly at the limit" from "over it".
    long limit = maxBodyBytes + 1;
    var body =
        new ByteArrayOutputStream(declaredLength > 0 ? Math.min(declaredLength, STEP) : 8192);
    long read = 0;
    while (read < limit) {
      int step = (int) Math.min(STEP, limit - read);
      reserve.accept(step);
      byte[] chunk;
      try {
        chunk = in.readNBytes(step);
      } catch (IOException e) {
        // The caller went away or stalled past the server's read timeout: nobody to answer.
        throw new Rejection(Rejection.Reason.MALFORMED, "the body could not be read: " + e);
      }
      body.writeBytes(chunk);
      read += chunk.length;
      if (chunk.length < step) {
        break;
      }
    }
    if (read > maxBodyBytes) {
      throw tooLarge(maxBodyBytes);
    }
    return body.toByteArray();
  }

  private static Rejection tooLarge(long maxBodyBytes) {
    return new Rejection(
        Rejection.Reason.TOO_LARGE,
        "body larger than " + maxBodyBytes + " bytes (gitwatch.webhook.max-body-bytes)");
  }
}
