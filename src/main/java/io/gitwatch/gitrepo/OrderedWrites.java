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

  // One lock per GitRepo, not striped: a write the API server holds up then delays only writes to
  // its own GitRepo, which must wait for it anyway.
  private final Map<GitRepoId, Landed> lastLanded = new ConcurrentHashMap<>();

  /** The place of the last write that landed on one GitRepo; its monitor orders the writes. */
  private static final class Landed {
    private boolean any;
    private long place;
  }

  /**
   * Runs {@code write} for this GitRepo unless one placed later has already landed; returns whether
   * it ran and landed. A write that throws or returns false leaves the order as it was.
   *
   * @param place compared by difference, so {@link System#nanoTime()} instants order correctly
   */
  public boolean write(GitRepoId gitRepoId, long place, BooleanSupplier write) {
    Landed last = lastLanded.computeIfAbsent(gitRepoId, id -> new Landed());
    synchronized (last) {
      if (last.any && last.place - place > 0) {
        return false;
      }
      boolean landed = write.getAsBoolean();
      if (landed) {
        last.any = true;
        last.place = place;
      }
      return landed;
    }
  }

  /** Forgets a GitRepo that was deleted. */
  public void forget(GitRepoId gitRepoId) {
    lastLanded.remove(gitRepoId);
  }
}
