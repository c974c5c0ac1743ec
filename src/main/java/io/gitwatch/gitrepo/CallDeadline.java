package io.gitwatch.gitrepo;

import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Bounds a blocking call to the API server. fabric8 leaves the request timeout to its HTTP client,
 * and the JDK client's covers only the wait for the response's headers: an answer whose body
 * stalled held its caller for good (the benchmarks caught every follow-up thread parked so, and
 * webhooks then changed nothing). A call still running at its deadline has its thread interrupted,
 * which fabric8 turns into an I/O failure, and is reported as {@link StoreUnavailable}.
 */
final class CallDeadline {

  private final Duration limit;
  private final ScheduledThreadPoolExecutor watchdog;

  CallDeadline(Duration limit, ThreadFactory threads) {
    this.limit = limit;
    watchdog = new ScheduledThreadPoolExecutor(1, threads);
    watchdog.setRemoveOnCancelPolicy(true);
  }

  /**
   * Runs {@code call} on this thread, interrupting it if it outlasts the limit.
   *
   * @param what the call, for the message (no secret)
   * @throws StoreUnavailable when the limit passed first
   */
  <T> T call(String what, Supplier<T> call) {
    var watched = new Watched(Thread.currentThread());
    ScheduledFuture<?> alarm =
        watchdog.schedule(watched::interrupt, limit.toMillis(), TimeUnit.MILLISECONDS);
    try {
      return call.get();
    } catch (RuntimeException e) {
      if (watched.interrupted()) {
        throw new StoreUnavailable(what + ": no answer within " + limit.toMillis() + " ms", e);
      }
      throw e;
    } finally {
      alarm.cancel(false);
      watched.end();
    }
  }

  void stop() {
    watchdog.shutdownNow();
  }

  /** The caller, interrupted at most once and never after its call ended. */
  private static final class Watched {
    private final Thread caller;
    private boolean ended;
    private boolean interrupted;

    Watched(Thread caller) {
      this.caller = caller;
    }

    synchronized void interrupt() {
      if (!ended) {
        interrupted = true;
        caller.interrupt();
      }
    }

    synchronized boolean interrupted() {
      return interrupted;
    }

    synchronized void end() {
      ended = true;
      if (interrupted) {
        Thread.interrupted(); // the interrupt was ours: the caller's thread goes on clean
      }
    }
  }
}
