package io.gitwatch.webhook;

import io.gitwatch.webhook.PendingAnswer.Stage;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedThreadFactory;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.container.AsyncResponse;
import jakarta.ws.rs.core.Response;
import java.io.InputStream;
import java.time.Duration;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.metrics.Counter;
import org.eclipse.microprofile.metrics.MetricRegistry;
import org.eclipse.microprofile.metrics.Tag;
import org.eclipse.microprofile.metrics.Timer;

/**
 * Back-pressure for deliveries: {@code gitwatch.webhook.max-concurrent} workers handle them, body
 * read included; one that no worker starts within {@code gitwatch.webhook.max-queue-wait} is
 * answered 503 with {@code Retry-After} instead of queueing past every provider's 10 s timeout; one
 * whose work (its status writes, on a slow API server) has not answered {@code
 * gitwatch.webhook.max-work-wait} after that is answered the same while the work goes on; and the
 * bodies held by deliveries in flight never exceed {@code gitwatch.webhook.max-bytes-in-flight}.
 *
 * <p>A waiting delivery holds no thread (the request is suspended), so a burst costs queue entries,
 * not threads, and the wait is counted from arrival.
 */
@ApplicationScoped
public class DeliveryLimits {

  // Writing a 503 takes time on a busy server: at 2 × capacity, 40 of 5,379 answers timed to the
  // deadline itself reached the caller up to a few tens of ms past it.
  private static final Duration ANSWER_TIME = Duration.ofMillis(100);

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

  // With the queue wait, under every provider's 10 s timeout: how long a caller waits for work
  // (status writes) that a slow API server holds up, before a 503 while the work goes on.
  @Inject
  @ConfigProperty(name = "gitwatch.webhook.max-work-wait", defaultValue = "1s")
  Duration maxWorkWait;

  @Inject MetricRegistry metrics;

  @Resource ManagedThreadFactory threads;

  private ThreadPoolExecutor workers;
  private ScheduledThreadPoolExecutor deadlines;
  private volatile boolean stopping;
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
    refusals("work");
  }

  @PreDestroy
  void stop() {
    stopping = true;
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
   * worker starts it within {@code max-queue-wait}, resumes it with a 503; or, when its work has
   * not answered within {@code max-work-wait} after that (or after its body was read, if later),
   * with a 503 while the work goes on: no caller waits longer than the two.
   *
   * @param refused told of a 503 for want of a worker, for the delivery's log line and metrics
   * @param late told of a 503 before the work ended (the work logs and counts its own outcome)
   */
  void run(
      AsyncResponse response,
      Function<Permit, Response> delivery,
      Consumer<Rejection> refused,
      Consumer<Rejection> late) {
    PendingAnswer answer = new PendingAnswer(response, deadlines);
    // Our own deadlines, not AsyncResponse.setTimeout: JAX-RS schedules that on the server's
    // managed executor, where a timeout still pending when the application stops fails with an
    // error (CWWKC1101E) at every redeploy; ours are cancelled when they are moot and go with the
    // bean.
    if (!answer.deadline(
        maxQueueWait,
        () -> {
          if (answer.claim(Stage.QUEUED)) {
            refuse(response, refused);
          }
        })) {
      answer.claim(Stage.QUEUED);
      refuse(response, refused); // stopping
      return;
    }
    try {
      workers.execute(() -> work(answer, delivery, late));
    } catch (RejectedExecutionException e) {
      if (answer.claim(Stage.QUEUED)) {
        refuse(response, refused); // stopping
      }
    }
  }

  private void work(
      PendingAnswer answer, Function<Permit, Response> delivery, Consumer<Rejection> late) {
    if (!answer.start()) {
      return; // already answered 503 at the deadline
    }
    answer.cancelDeadline();
    queueWait.update(Duration.ofNanos(System.nanoTime() - answer.arrived));
    try (Permit permit = new Permit(answer, late)) {
      Response result = delivery.apply(permit);
      if (answer.claim(Stage.WORKING)) {
        answer.response.resume(result);
      }
    } catch (RuntimeException | Error e) {
      if (answer.claim(Stage.WORKING)) {
        // A delivery cut short by the application stopping has no exception mappers left to
        // answer it.
        if (stopping) {
          resumeQuietly(answer);
        } else {
          answer.response.resume(e); // the Throwable overload: its exception mapper answers
        }
      }
    } finally {
      answer.cancelDeadline();
    }
  }

  /**
   * Once the body is read, the caller waits at most {@code max-work-wait} more, counted from the
   * end of the queue wait, or from now if reading took longer: a slow sender's body is not work.
   */
  private void bodyRead(PendingAnswer answer, Consumer<Rejection> late) {
    Duration sinceArrival =
        Duration.ofNanos(Math.max(maxQueueWait.toNanos(), System.nanoTime() - answer.arrived));
    // The bound is when the answer reaches the caller: the 503 leaves a little early.
    Duration workWait = maxWorkWait.minus(ANSWER_TIME);
    answer.deadline(
        sinceArrival.plus(workWait.isNegative() ? Duration.ZERO : workWait),
        () -> {
          if (answer.claim(Stage.WORKING)) {
            refusals("work").inc();
            Rejection rejection =
                Rejection.overloaded(
                    "work not done within " + maxWorkWait + " (it goes on)", maxQueueWait);
            late.accept(rejection);
            answer.response.resume(rejection);
          }
        });
  }

  // A bare 503: no exception mapper is needed, and a JAX-RS runtime already going may refuse it.
  private void resumeQuietly(PendingAnswer answer) {
    try {
      answer.response.resume(
          Response.status(503).header("Retry-After", maxQueueWait.toSeconds()).build());
    } catch (RuntimeException e) {
      // the application is gone: Liberty ends the request
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

    private final PendingAnswer answer;
    private final Consumer<Rejection> late;
    private long reserved;

    private Permit(PendingAnswer answer, Consumer<Rejection> late) {
      this.answer = answer;
      this.late = late;
    }

    /**
     * Reads a body, which may be empty, refusing it (413) as soon as it is larger than {@code
     * maxBodyBytes}, and reserving each step against the bytes all deliveries in flight may hold
     * before reading it (503 beyond that).
     */
    byte[] readBody(InputStream in, int declaredLength, long maxBodyBytes) {
      byte[] body = DeliveryBody.read(in, declaredLength, maxBodyBytes, this::reserve);
      bodyRead(answer, late);
      return body;
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
}
