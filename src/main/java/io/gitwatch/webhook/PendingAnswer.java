package io.gitwatch.webhook;

import jakarta.ws.rs.container.AsyncResponse;
import java.time.Duration;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One suspended delivery's caller, where its answer stands, and the deadline pending on it. Each
 * step is taken once, by the worker or a deadline: the answer is given by whoever takes it from
 * {@link Stage#QUEUED} or {@link Stage#WORKING} to {@link Stage#ANSWERED}.
 */
final class PendingAnswer {

  enum Stage {
    QUEUED,
    WORKING,
    ANSWERED
  }

  final AsyncResponse response;
  final long arrived;
  private final ScheduledExecutorService deadlines;
  private final AtomicReference<Stage> stage = new AtomicReference<>(Stage.QUEUED);
  private volatile ScheduledFuture<?> deadline;

  /** A delivery that arrived now. */
  PendingAnswer(AsyncResponse response, ScheduledExecutorService deadlines) {
    this.response = response;
    this.deadlines = deadlines;
    this.arrived = System.nanoTime();
  }

  /** A worker starts on it; false when it was answered already. */
  boolean start() {
    return stage.compareAndSet(Stage.QUEUED, Stage.WORKING);
  }

  /** Takes the right to answer, from {@code from}; false when someone else answers. */
  boolean claim(Stage from) {
    return stage.compareAndSet(from, Stage.ANSWERED);
  }

  /** Runs {@code then} {@code afterArrival} after arrival; false when the deadlines stopped. */
  boolean deadline(Duration afterArrival, Runnable then) {
    try {
      deadline =
          deadlines.schedule(
              then, arrived + afterArrival.toNanos() - System.nanoTime(), TimeUnit.NANOSECONDS);
      return true;
    } catch (RejectedExecutionException e) {
      return false;
    }
  }

  void cancelDeadline() {
    ScheduledFuture<?> pending = deadline;
    if (pending != null) {
      pending.cancel(false);
    }
  }
}
