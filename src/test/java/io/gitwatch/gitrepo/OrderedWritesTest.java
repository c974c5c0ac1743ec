package io.gitwatch.gitrepo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class OrderedWritesTest {

  static final GitRepoId APP = new GitRepoId("ns", "app");
  static final GitRepoId OTHER = new GitRepoId("ns", "other");

  final OrderedWrites order = new OrderedWrites();
  final List<String> landed = new ArrayList<>();

  boolean land(String commit) {
    synchronized (landed) {
      landed.add(commit);
    }
    return true;
  }

  @Test
  void anOlderWriteDoesNotOverwriteANewerOneThatLanded() {
    assertThat(order.write(APP, 2, () -> land("newer"))).isTrue();

    assertThat(order.write(APP, 1, () -> land("older"))).isFalse();

    assertThat(landed).containsExactly("newer");
  }

  @Test
  void aFailedWriteDoesNotBlockAnOlderOneAndOtherGitReposAreIndependent() {
    assertThat(order.write(APP, 5, () -> false)).isFalse();
    assertThat(order.write(APP, 4, () -> land("app@4"))).isTrue();
    assertThat(order.write(OTHER, 1, () -> land("other@1"))).isTrue();

    assertThat(landed).containsExactly("app@4", "other@1");
  }

  @Test
  void aNewerWriteWaitsForAnOlderOneStillRetryingAndLandsLast() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    Thread older = startHeld(APP, 1, "older", release);
    Thread newer = startWrite(APP, 2, "newer", Duration.ofMillis(200));
    assertThat(newer.isAlive()).as("waits while the older write holds the GitRepo").isTrue();

    release.countDown();
    older.join(5000);
    newer.join(5000);

    assertThat(landed).containsExactly("older", "newer");
  }

  @Test
  void nanoTimeInstantsOrderAcrossTheSignOfTheirLong() {
    long before = Long.MAX_VALUE - 10;
    long after = before + 20; // wrapped: negative as a long, later as an instant

    assertThat(order.write(APP, after, () -> land("after"))).isTrue();
    assertThat(order.write(APP, before, () -> land("before"))).isFalse();

    assertThat(landed).containsExactly("after");
  }

  @Test
  void aWriteThatThrowsLeavesTheOrderAsItWas() {
    assertThatThrownBy(
            () ->
                order.write(
                    APP,
                    5,
                    () -> {
                      throw new IllegalStateException("API server away");
                    }))
        .isInstanceOf(IllegalStateException.class);

    assertThat(order.write(APP, 4, () -> land("app@4"))).isTrue();
    order.forget(APP);
    assertThat(order.write(APP, 1, () -> land("app@1, after the GitRepo was deleted"))).isTrue();

    assertThat(landed).containsExactly("app@4", "app@1, after the GitRepo was deleted");
  }

  @Test
  void aWriteHeldUpByTheApiServerDelaysNoOtherGitRepo() throws Exception {
    // Another GitRepo whose hash falls in the same one of 256 buckets as APP's: a striped lock
    // would make its write wait.
    GitRepoId neighbour = APP;
    for (int i = 0;
        Math.floorMod(neighbour.hashCode(), 256) != Math.floorMod(APP.hashCode(), 256)
            || neighbour.equals(APP);
        i++) {
      neighbour = new GitRepoId("ns", "other-" + i);
    }
    CountDownLatch release = new CountDownLatch(1);
    Thread held = startHeld(APP, 1, "app, held up", release);

    Thread free = startWrite(neighbour, 1, "neighbour", Duration.ofSeconds(5));

    assertThat(free.isAlive()).as("the neighbour's write waited for APP's").isFalse();
    release.countDown();
    held.join(5000);
    assertThat(landed).containsExactly("neighbour", "app, held up");
  }

  /** Starts a write of {@code commit} and gives it {@code wait} to end. */
  Thread startWrite(GitRepoId id, long place, String commit, Duration wait)
      throws InterruptedException {
    Thread writer = new Thread(() -> order.write(id, place, () -> land(commit)));
    writer.start();
    writer.join(wait.toMillis());
    return writer;
  }

  /**
   * Starts a write of {@code commit} that holds the GitRepo until {@code release}, as one the API
   * server holds up; returns once the write has started.
   */
  Thread startHeld(GitRepoId id, long place, String commit, CountDownLatch release)
      throws InterruptedException {
    CountDownLatch writing = new CountDownLatch(1);
    Thread held =
        new Thread(
            () ->
                order.write(
                    id,
                    place,
                    () -> {
                      writing.countDown();
                      await(release);
                      return land(commit);
                    }));
    held.start();
    assertThat(writing.await(5, TimeUnit.SECONDS)).isTrue();
    return held;
  }

  static void await(CountDownLatch latch) {
    try {
      latch.await(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
