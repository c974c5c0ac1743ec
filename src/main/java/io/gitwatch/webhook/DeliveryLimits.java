package io.gitwatch.webhook;

import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.metrics.MetricRegistry;
import org.eclipse.microprofile.metrics.Tag;
import org.eclipse.microprofile.metrics.Timer;

/**
 * Back-pressure for deliveries: at most {@code gitwatch.webhook.max-concurrent} are worked on at
 * once, one that cannot start within {@code gitwatch.webhook.max-queue-wait} is refused (503 with
 * {@code Retry-After}) instead of queueing past every provider's 10 s timeout, and the bodies held
 * by deliveries in flight never exceed {@code gitwatch.webhook.max-bytes-in-flight}.
 */
@ApplicationScoped
public class DeliveryLimits {

  // A request thread reads bodies in steps of this size, reserving each before it is read.
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

  private Semaphore slots;
  private Semaphore bytes;
  private Timer queueWait;

  @PostConstruct
  void init() {
    slots = new Semaphore(maxConcurrent, true);
    bytes = new Semaphore((int) Math.min(Integer.MAX_VALUE, maxBytesInFlight));
    queueWait = metrics.timer("gitwatch_webhook_queue_wait");
    metrics.gauge("gitwatch_webhook_in_flight", () -> maxConcurrent - slots.availablePermits());
    metrics.gauge(
        "gitwatch_webhook_bytes_in_flight",
        () -> (int) Math.min(Integer.MAX_VALUE, maxBytesInFlight) - bytes.availablePermits());
    // Registered up front, so an alert on it has a series before the first refusal.
    refusals("concurrency");
    refusals("memory");
  }

  /** How long a refused caller should wait before it tries again. */
  Duration retryAfter() {
    return maxQueueWait;
  }

  /**
   * Waits for a slot for one delivery, at most {@code max-queue-wait}.
   *
   * @throws Rejection 503 with Retry-After when none frees up in time
   */
  Permit enter() {
    long start = System.nanoTime();
    boolean entered;
    try {
      entered = slots.tryAcquire(maxQueueWait.toNanos(), TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      entered = false;
    }
    queueWait.update(Duration.ofNanos(System.nanoTime() - start));
    if (!entered) {
      refusals("concurrency").inc();
      throw Rejection.overloaded(
          "more than " + maxConcurrent + " deliveries in progress for " + maxQueueWait,
          maxQueueWait);
    }
    return new Permit();
  }

  private org.eclipse.microprofile.metrics.Counter refusals(String reason) {
    return metrics.counter("gitwatch_webhook_refused_for_load", new Tag("reason", reason));
  }

  /** One delivery's slot and the body bytes it holds; closing it gives both back. */
  final class Permit implements AutoCloseable {

    private long reserved;

    /** How many bytes to read next: at most one step, and never past {@code limit}. */
    int nextStep(long read, long limit) {
      return (int) Math.min(STEP, limit - read);
    }

    /**
     * Reserves room for {@code count} more body bytes.
     *
     * @throws Rejection 503 with Retry-After when deliveries in flight already hold the maximum
     */
    void reserve(int count) {
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
      slots.release();
    }
  }
}
