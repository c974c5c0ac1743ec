package io.gitwatch.webhook;

import io.gitwatch.gitrepo.GitRepoChanged;
import io.gitwatch.gitrepo.GitRepoId;
import io.gitwatch.gitrepo.OrderedWrites;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.function.BooleanSupplier;

/**
 * Keeps writes of {@code webhookCommit} to one GitRepo in time order: a delivery's at the instant
 * it was verified, a realignment to what the remote said at the instant its ls-remote started.
 * Without it, an older push still retrying a failed write could land after a newer one, or an
 * answer the remote gave before a push could realign the push away, and move {@code webhookCommit}
 * back in time; with it, the older write waits, and is dropped once a newer one has landed.
 */
@ApplicationScoped
public class WebhookWriteOrder {

  private final OrderedWrites writes = new OrderedWrites();

  /** The place of a delivery that has just been verified: now. */
  long next() {
    return System.nanoTime();
  }

  /**
   * Runs {@code write} for this GitRepo unless a write placed later (a {@link System#nanoTime()}
   * instant) has already landed; returns whether it ran and landed.
   */
  public boolean write(GitRepoId gitRepoId, long place, BooleanSupplier write) {
    return writes.write(gitRepoId, place, write);
  }

  void onChanged(@Observes GitRepoChanged change) {
    if (change.current() == null) {
      writes.forget(change.previous().id());
    }
  }
}
