package io.gitwatch.polling;

import io.gitwatch.gitrepo.GitRepoId;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The scheduled polls running now, so a GitRepo is never polled twice at once, a poll asked for
 * while one runs is run once after it, and liveness can see a poll that runs far too long.
 */
final class PollsInFlight {

  private final Map<GitRepoId, Long> started = new ConcurrentHashMap<>();
  private final Set<GitRepoId> again = ConcurrentHashMap.newKeySet();

  /** Starts a poll of the GitRepo; false (and it is run once more after) when one is running. */
  boolean start(GitRepoId id) {
    if (started.putIfAbsent(id, System.nanoTime()) != null) {
      again.add(id);
      return false;
    }
    return true;
  }

  void end(GitRepoId id) {
    started.remove(id);
  }

  /** Whether a poll was asked for while the last one ran; asking clears it. */
  boolean askedAgain(GitRepoId id) {
    return again.remove(id);
  }

  int size() {
    return started.size();
  }

  /** How long the oldest poll in flight has been running; zero when none is. */
  Duration longest() {
    long now = System.nanoTime();
    return started.values().stream()
        .map(t -> Duration.ofNanos(now - t))
        .max(Duration::compareTo)
        .orElse(Duration.ZERO);
  }
}
