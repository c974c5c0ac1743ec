package io.gitwatch.gitrepo;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;

/**
 * Keeps the writes of one kind to one GitRepo in a chosen order (a sequence, or a {@link
 * System#nanoTime()} instant): a write waits while an earlier one to the same GitRepo is still in
 * flight, and is dropped once a later one has landed. Without it, the slower of two writers wins,
 * and a GitRepo's status can move back in time.
 */
public final class OrderedWrites {

  // Striped: one lock per GitRepo would be a map that never shrinks; 256 keep contention rare.
  private final Object[] locks = new Object[256];
  private final Map<GitRepoId, Long> lastLanded = new ConcurrentHashMap<>();

  public OrderedWrites() {
    for (int i = 0; i < locks.length; i++) {
      locks[i] = new Object();
    }
  }

  /**
   * Runs {@code write} for this GitRepo unless one placed later has already landed; returns whether
   * it ran and landed. A write that throws or returns false leaves the order as it was.
   *
   * @param place compared by difference, so {@link System#nanoTime()} instants order correctly
   */
  public boolean write(GitRepoId gitRepoId, long place, BooleanSupplier write) {
    synchronized (locks[Math.floorMod(gitRepoId.hashCode(), locks.length)]) {
      Long last = lastLanded.get(gitRepoId);
      if (last != null && last - place > 0) {
        return false;
      }
      boolean landed = write.getAsBoolean();
      if (landed) {
        lastLanded.put(gitRepoId, place);
      }
      return landed;
    }
  }

  /** Forgets a GitRepo that was deleted. */
  public void forget(GitRepoId gitRepoId) {
    lastLanded.remove(gitRepoId);
  }
}
