package io.gitwatch.webhook;

import io.gitwatch.gitrepo.GitRepoChanged;
import io.gitwatch.gitrepo.GitRepoId;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;

/**
 * Keeps webhook writes to one GitRepo in the order their deliveries were verified. Without it, an
 * older push still retrying a failed write could land after a newer one and move {@code
 * webhookCommit} back in time; with it, the older write waits, and is dropped once a newer one has
 * landed.
 */
@ApplicationScoped
public class WebhookWriteOrder {

  // Striped: one lock per GitRepo would be a map that never shrinks; 256 keep contention rare.
  private final Object[] locks = new Object[256];
  private final Map<GitRepoId, Long> lastWritten = new ConcurrentHashMap<>();
  private final AtomicLong verified = new AtomicLong();

  public WebhookWriteOrder() {
    for (int i = 0; i < locks.length; i++) {
      locks[i] = new Object();
    }
  }

  /** The place of a delivery that has just been verified in the order deliveries were verified. */
  long next() {
    return verified.incrementAndGet();
  }

  /**
   * Runs {@code write} for this GitRepo unless a delivery verified later has already written it;
   * returns whether it ran and wrote.
   */
  boolean write(GitRepoId gitRepoId, long sequence, BooleanSupplier write) {
    synchronized (locks[Math.floorMod(gitRepoId.hashCode(), locks.length)]) {
      Long last = lastWritten.get(gitRepoId);
      if (last != null && last > sequence) {
        return false;
      }
      boolean written = write.getAsBoolean();
      if (written) {
        lastWritten.put(gitRepoId, sequence);
      }
      return written;
    }
  }

  void onChanged(@Observes GitRepoChanged change) {
    if (change.current() == null) {
      lastWritten.remove(change.previous().id());
    }
  }
}
