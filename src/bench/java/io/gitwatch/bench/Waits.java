package io.gitwatch.bench;

import io.gitwatch.testing.Gitwatch;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.IntSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Waits that scale with what they wait for: a count is waited for as long as it keeps moving, at
 * most three times what the rate measured so far needs for the whole distance. A wait that runs out
 * is a {@link NotMeasured}, never a failed build.
 */
final class Waits {

  static final Duration POLL = Duration.ofMillis(250);
  static final Duration STALL = Duration.ofSeconds(60);
  private static final Pattern GITREPOS = Pattern.compile("\"gitrepos\":(\\d+)");

  private Waits() {}

  /**
   * Waits until {@code current} reaches {@code target} (counting up or down) and {@code also}
   * holds; gives up when the count has not moved for {@code stall}, or has moved so slowly that
   * three times the measured rate's estimate for the whole distance has passed. Returns the seconds
   * it took.
   */
  static double untilCount(
      String what,
      IntSupplier current,
      int target,
      BooleanSupplier also,
      Duration stall,
      Duration poll)
      throws InterruptedException {
    long start = System.nanoTime();
    int first = current.getAsInt();
    int last = first;
    long lastMove = start;
    while (true) {
      int now = current.getAsInt();
      long at = System.nanoTime();
      double elapsed = (at - start) / 1e9;
      if (now == target && also.getAsBoolean()) {
        return elapsed;
      }
      if (now != last) {
        last = now;
        lastMove = at;
      }
      if (at - lastMove > stall.toNanos()) {
        throw new NotMeasured(
            BenchTable.format(
                "%s stopped at %,d of %,d for %d s (after %.0f s)",
                what, now, target, stall.toSeconds(), elapsed));
      }
      double moved = Math.abs(now - first);
      if (moved > 0) {
        double needed = elapsed * Math.abs(target - first) / moved;
        if (elapsed > 3 * needed + stall.toSeconds()) {
          throw new NotMeasured(
              BenchTable.format(
                  "%s at %.1f/s reached %,d of %,d after %.0f s",
                  what, moved / elapsed, now, target, elapsed));
        }
      }
      Thread.sleep(poll.toMillis());
    }
  }

  /**
   * Waits until Gitwatch's index holds {@code count} GitRepos and it is ready (its readiness
   * reports the number), for as long as the number keeps moving; returns the seconds it took.
   */
  static double indexed(Gitwatch gitwatch, int count) throws InterruptedException {
    return indexed(gitwatch, count, POLL);
  }

  /** As {@link #indexed(Gitwatch, int)}, reading readiness every {@code poll}. */
  static double indexed(Gitwatch gitwatch, int count, Duration poll) throws InterruptedException {
    AtomicInteger status = new AtomicInteger();
    try {
      return untilCount(
          "GitRepos indexed",
          () -> {
            try {
              Gitwatch.Answer ready = gitwatch.get("health/ready");
              status.set(ready.status());
              Matcher m = GITREPOS.matcher(ready.body());
              return m.find() ? Integer.parseInt(m.group(1)) : -1;
            } catch (UncheckedIOException e) {
              status.set(-1);
              return -1;
            }
          },
          count,
          () -> status.get() == 200,
          STALL,
          poll);
    } catch (NotMeasured e) {
      throw new NotMeasured(
          e.getMessage() + "; readiness last answered " + (status.get() < 0 ? "nothing" : status));
    }
  }

  /** The number of GitRepos Gitwatch's readiness reports, or -1 when it does not answer it. */
  static int indexedCount(Gitwatch gitwatch) {
    try {
      Matcher m = GITREPOS.matcher(gitwatch.get("health/ready").body());
      return m.find() ? Integer.parseInt(m.group(1)) : -1;
    } catch (UncheckedIOException e) {
      return -1;
    }
  }

  /** Waits until {@code done}, at most {@code max}; returns whether it became true. */
  static boolean until(BooleanSupplier done, Duration max) throws InterruptedException {
    long end = System.nanoTime() + max.toNanos();
    while (!done.getAsBoolean()) {
      if (System.nanoTime() > end) {
        return false;
      }
      Thread.sleep(POLL.toMillis());
    }
    return true;
  }
}
