package io.gitwatch.polling;

import io.gitwatch.gitrepo.GitRepoId;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The scheduled polls waiting for a worker or running, so a GitRepo is never polled twice at once,
 * a poll asked for meanwhile is run once after it, and liveness can see a poll that runs far too
 * long (waiting for a worker is not running).
 */
final class PollsInFlight {

  private static final long WAITING = Long.MIN_VALUE;

  private final Map<GitRepoId, Long> started = new ConcurrentHashMap<>();
  private final Set<GitRepoId> again = ConcurrentHashMap.newKeySet();

  /** Takes the GitRepo's poll; false (and it is run once more after) when it has one already. */
  boolean start(GitRepoId id) {
    if (started.putIfAbsent(id, WAITING) != null) {
      again.add(id);
      return false;
    }
    return true;
  }

  /** The poll taken by {@link #start} leaves the queue and runs from now. */
  void running(GitRepoId id) {
    started.replace(id, System.nanoTime());
  }

  void end(GitRepoId id) {
    started.remove(id);
  }

  /** Whether a poll was asked for while the last one ran; asking clears it. */
  boolean askedAgain(GitRepoId id) {
    return again.remove(id);
  }

  /** Polls waiting for a worker or running. */
  int size() {
    return started.size();
  }

  /** How long the oldest running poll has been running; zero when none is. */
  Duration longest() {
    long now = System.nanoTime();
    return started.values().stream()
        .filter(t -> t != WAITING)
        .map(t -> Duration.ofNanos(now - t))
        .max(Duration::compareTo)
        .orElse(Duration.ZERO);
  }
}
