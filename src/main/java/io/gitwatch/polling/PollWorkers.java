package io.gitwatch.polling;

import io.gitwatch.gitrepo.GitRepoId;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * The threads scheduled polls run on. An EJB timer runs on Liberty's default executor, which also
 * serves HTTP requests and probes: a timer that polled itself held one of those threads for as long
 * as a remote or the API server took (with 5,000 GitRepos and a slow API server, every thread the
 * executor had grown to, and readiness timed out). A timer only hands its poll over here. At most
 * {@code max} polls run; a GitRepo is never polled twice at once.
 */
final class PollWorkers {

  /** What became of a poll handed over. */
  enum Handed {
    /** It runs on a worker. */
    RUNNING,
    /** The GitRepo's poll is running; it is asked for once more after it ({@link #askedAgain}). */
    ALREADY_RUNNING,
    /** Every worker is busy (or the application stops): nothing ran, try again soon. */
    FULL
  }

  private final Semaphore slots;
  private final ThreadPoolExecutor threads;
  // Hand-overs that found every worker busy come back on this one thread, not as new EJB timers:
  // with 10,000 GitRepos starting, creating and firing a timer per retry was 40 % of Liberty's CPU.
  private final ScheduledThreadPoolExecutor retries;
  private final PollsInFlight inFlight = new PollsInFlight();
  // GitRepo → hand-overs of its poll waiting to be tried again.
  private final Map<GitRepoId, Integer> retrying = new ConcurrentHashMap<>();

  PollWorkers(int max, ThreadFactory factory) {
    slots = new Semaphore(max);
    // The queue never holds more than `max`: a poll takes a slot before it is queued.
    threads =
        new ThreadPoolExecutor(max, max, 1, TimeUnit.MINUTES, new LinkedBlockingQueue<>(), factory);
    threads.allowCoreThreadTimeOut(true);
    retries = new ScheduledThreadPoolExecutor(1, factory);
    retries.setRemoveOnCancelPolicy(true);
  }

  /**
   * Runs {@code handOver} of the GitRepo's poll again after {@code delay}: every worker was busy.
   */
  void retryLater(GitRepoId id, Duration delay, Runnable handOver) {
    retrying.merge(id, 1, Integer::sum);
    try {
      retries.schedule(
          () -> {
            retrying.computeIfPresent(id, (key, n) -> n == 1 ? null : n - 1);
            handOver.run();
          },
          delay.toMillis(),
          TimeUnit.MILLISECONDS);
    } catch (RejectedExecutionException e) {
      retrying.computeIfPresent(id, (key, n) -> n == 1 ? null : n - 1);
      // stopping: the next start arms every GitRepo
    }
  }

  /**
   * Runs {@code poll} on a worker for the GitRepo, then {@code then} with its outcome once it no
   * longer counts as in flight.
   */
  <T> Handed hand(GitRepoId id, Supplier<T> poll, Consumer<T> then) {
    if (!inFlight.start(id)) {
      return Handed.ALREADY_RUNNING;
    }
    if (!slots.tryAcquire()) {
      inFlight.end(id);
      return Handed.FULL;
    }
    try {
      threads.execute(
          () -> {
            T outcome;
            try {
              outcome = poll.get();
            } finally {
              slots.release();
              inFlight.end(id);
            }
            then.accept(outcome);
          });
      return Handed.RUNNING;
    } catch (RejectedExecutionException e) {
      slots.release();
      inFlight.end(id);
      return Handed.FULL;
    }
  }

  /** GitRepos with a hand-over waiting to be tried again, not counting those {@code counted}. */
  int retrying(Predicate<GitRepoId> counted) {
    int n = 0;
    for (GitRepoId id : retrying.keySet()) {
      if (!counted.test(id)) {
        n++;
      }
    }
    return n;
  }

  /** Whether a poll was asked for while the GitRepo's last one ran; asking clears it. */
  boolean askedAgain(GitRepoId id) {
    return inFlight.askedAgain(id);
  }

  int inFlight() {
    return inFlight.size();
  }

  Duration longestInFlight() {
    return inFlight.longest();
  }

  /** Stops the workers; polls running are interrupted. */
  void stop() {
    retries.shutdownNow();
    threads.shutdownNow();
  }
}
