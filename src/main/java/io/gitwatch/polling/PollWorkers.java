package io.gitwatch.polling;

import io.gitwatch.gitrepo.GitRepoId;
import java.time.Duration;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The threads scheduled polls run on. An EJB timer runs on Liberty's default executor, which also
 * serves HTTP requests and probes: a timer that polled itself held one of those threads for as long
 * as a remote or the API server took (with 5,000 GitRepos and a slow API server, every thread the
 * executor had grown to, and readiness timed out). A timer only hands its poll over here. At most
 * {@code max} polls run; the others wait in order for a worker (at most one per GitRepo, so the
 * queue is bounded by the GitRepos), and start as soon as one is free.
 */
final class PollWorkers {

  private final ThreadPoolExecutor threads;
  private final PollsInFlight inFlight = new PollsInFlight();

  PollWorkers(int max, ThreadFactory factory) {
    threads =
        new ThreadPoolExecutor(max, max, 1, TimeUnit.MINUTES, new LinkedBlockingQueue<>(), factory);
    threads.allowCoreThreadTimeOut(true);
  }

  /**
   * Runs {@code poll} on a worker for the GitRepo, then {@code then} with its outcome once it no
   * longer counts as in flight; false when the GitRepo's poll is waiting or running already (it is
   * asked for once more after it: {@link #askedAgain}) or the workers have stopped.
   */
  <T> boolean hand(GitRepoId id, Supplier<T> poll, Consumer<T> then) {
    if (!inFlight.start(id)) {
      return false;
    }
    try {
      threads.execute(
          () -> {
            T outcome;
            try {
              inFlight.running(id);
              outcome = poll.get();
            } finally {
              inFlight.end(id);
            }
            then.accept(outcome);
          });
      return true;
    } catch (RejectedExecutionException e) {
      inFlight.end(id); // stopping
      return false;
    }
  }

  /** Whether a poll was asked for while the GitRepo's last one ran; asking clears it. */
  boolean askedAgain(GitRepoId id) {
    return inFlight.askedAgain(id);
  }

  /** Polls waiting for a worker or running. */
  int inFlight() {
    return inFlight.size();
  }

  Duration longestInFlight() {
    return inFlight.longest();
  }

  /** Stops the workers; polls running are interrupted, those waiting are dropped. */
  void stop() {
    threads.shutdownNow();
  }
}
