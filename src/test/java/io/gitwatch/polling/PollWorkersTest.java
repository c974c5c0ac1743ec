package io.gitwatch.polling;

import static org.assertj.core.api.Assertions.assertThat;

import io.gitwatch.gitrepo.GitRepoId;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** What the scheduled-GitRepos gauge reads from the workers: GitRepos, not hand-overs. */
class PollWorkersTest {

  private final PollWorkers workers = new PollWorkers(1, Thread::new);

  @AfterEach
  void stop() {
    workers.stop();
  }

  @Test
  void aGitRepoWaitingForAWorkerIsCountedOnceAndNotWhenCountedElsewhere() {
    var a = new GitRepoId("ns", "a");
    var b = new GitRepoId("ns", "b");
    workers.retryLater(a, Duration.ofMinutes(1), () -> {});
    workers.retryLater(a, Duration.ofMinutes(1), () -> {});
    workers.retryLater(b, Duration.ofMinutes(1), () -> {});

    assertThat(workers.retrying(id -> false)).isEqualTo(2);
    assertThat(workers.retrying(b::equals)).isEqualTo(1); // b has a timer: counted there
  }

  @Test
  void aGitRepoIsNoLongerWaitingOnceItsHandOverRan() throws InterruptedException {
    var a = new GitRepoId("ns", "a");
    var b = new GitRepoId("ns", "b");
    workers.retryLater(a, Duration.ofMinutes(1), () -> {});
    CountDownLatch ran = new CountDownLatch(1);
    workers.retryLater(b, Duration.ZERO, ran::countDown);

    assertThat(ran.await(5, TimeUnit.SECONDS)).isTrue();
    assertThat(workers.retrying(id -> false)).isEqualTo(1);
    assertThat(workers.retrying(a::equals)).isZero();
  }
}
