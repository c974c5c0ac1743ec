package io.gitwatch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.gitwatch.gitrepo.GitRepo;
import io.gitwatch.gitrepo.GitRepoCondition;
import io.gitwatch.gitrepo.GitRepoStatus;
import io.gitwatch.testing.ApiServer;
import io.gitwatch.testing.GitRepos;
import io.gitwatch.testing.Gitwatch.Answer;
import io.gitwatch.testing.LoopbackGitServer;
import io.gitwatch.testing.OnTestServer;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Faults injected into the parts Gitwatch depends on, with the WAR on a managed Liberty: the mock
 * API server answering 409 and 500, answering too late, going away and coming back, and the git
 * server hanging. Each test checks what a user sees: bounded retries, a 503 only when the write
 * really failed, conditions and metrics that say what happened, no threads left behind, and no lost
 * update once the fault is gone.
 */
class FaultInjectionIT extends OnTestServer.Deployed {

  static final String NAMESPACE = "faults";
  static final String SECRET = "faults-s3cret";
  // gitwatch.kubernetes.write-attempts, the default the test server runs with
  static final int WRITE_ATTEMPTS = 4;

  @AutoClose static final LoopbackGitServer git = LoopbackGitServer.startInTemporaryDirectory();

  @BeforeAll
  static void gitServerAndSecret() {
    new GitRepos(ApiServer.shared().client())
        .secret(NAMESPACE, "faults-hook", Map.of("github", SECRET));
  }

  /** A GitRepo on a new loopback repository whose first commit it has already polled. */
  record Watched(String name, String repository, String url, String firstHead) {}

  Watched watched() {
    String name = "g-" + UUID.randomUUID().toString().substring(0, 8);
    git.createRepository(name);
    String head = git.commit(name, "main");
    gitRepos.create(
        NAMESPACE,
        name,
        git.url(name),
        s -> {
          s.setBranch("main");
          s.setWebhookSecret("faults-hook");
        });
    await().atMost(Duration.ofSeconds(30)).until(() -> head.equals(status(name).getCommit()));
    return new Watched(name, name, git.url(name), head);
  }

  GitRepoStatus status(String name) {
    GitRepo gitRepo = gitRepos.get(NAMESPACE, name);
    return gitRepo == null || gitRepo.getStatus() == null
        ? new GitRepoStatus()
        : gitRepo.getStatus();
  }

  /**
   * The GitPolling condition. The last one: fabric8's CRUD mock appends a merge patch's list to the
   * stored one instead of replacing it as RFC 7386 and a real API server do.
   */
  Optional<GitRepoCondition> gitPolling(String name) {
    var conditions = status(name).getConditions();
    return conditions == null
        ? Optional.empty()
        : conditions.stream().filter(c -> "GitPolling".equals(c.getType())).reduce((a, b) -> b);
  }

  long webhookWritesTo(String name) {
    return api.writes().stream()
        .filter(w -> w.isStatusPatchOf(NAMESPACE, name) && w.body().contains("webhookCommit"))
        .count();
  }

  double refusedDeliveries() {
    return gitwatch.metric("gitwatch_webhook_deliveries_total", "status=\"503\"");
  }

  /** Live threads in Liberty's JVM, from the base metrics. */
  double threads() {
    double threads = gitwatch.metric("thread_count");
    assertThat(threads).as("Liberty's base metric thread_count").isPositive();
    return threads;
  }

  /** Waits until Liberty's thread count settles back near where it was: nothing was leaked. */
  void awaitNoThreadLeak(double before) {
    await()
        .atMost(Duration.ofSeconds(60))
        .untilAsserted(() -> assertThat(threads()).isLessThanOrEqualTo(before + 10));
  }

  @Test
  void conflictsAndServerErrorsAreRetriedAndTheDeliverySucceeds() {
    Watched repo = watched();
    // Pushes of commits the remote does not have: the poll each triggers finds the head unchanged
    // and writes nothing, so every write counted here is the webhook's.
    String next = "1".repeat(40);
    int faults = api.faultsServed();

    api.failNextWrites(repo.name(), 409, 2);
    Answer afterConflicts = gitwatch.pushToMain(repo.url(), next, SECRET);

    assertThat(afterConflicts.status()).as(afterConflicts.body()).isEqualTo(200);
    assertThat(afterConflicts.json().getJsonArray("updated")).hasSize(1);
    assertThat(status(repo.name()).getWebhookCommit()).isEqualTo(next);

    String third = "2".repeat(40);
    api.failNextWrites(repo.name(), 500, WRITE_ATTEMPTS - 1);
    Answer afterErrors = gitwatch.pushToMain(repo.url(), third, SECRET);

    assertThat(afterErrors.status()).as(afterErrors.body()).isEqualTo(200);
    assertThat(status(repo.name()).getWebhookCommit()).isEqualTo(third);
    assertThat(api.faultsServed() - faults).isEqualTo(2 + WRITE_ATTEMPTS - 1);
    assertThat(webhookWritesTo(repo.name())).isEqualTo(2);
  }

  @Test
  void aWriteThatKeepsFailingAnswers503AfterBoundedRetriesAndTheRedeliveryLands() {
    Watched repo = watched();
    String next = "3".repeat(40);
    String delivery = UUID.randomUUID().toString();
    double threadsBefore = threads();
    double refusedBefore = refusedDeliveries();
    int faults = api.faultsServed();

    api.failNextWrites(repo.name(), 500, 1000);
    Answer refused = gitwatch.pushToMain(repo.url(), next, SECRET, delivery);

    assertThat(refused.status()).isEqualTo(503);
    assertThat(refused.body()).contains("redeliver later");
    assertThat(status(repo.name()).getWebhookCommit()).isNotEqualTo(next);
    assertThat(api.faultsServed() - faults).as("bounded retries").isEqualTo(WRITE_ATTEMPTS);
    assertThat(refusedDeliveries()).isEqualTo(refusedBefore + 1);

    api.failNextWrites(repo.name(), 500, 0);
    Answer redelivered = gitwatch.pushToMain(repo.url(), next, SECRET, delivery);

    assertThat(redelivered.status())
        .as("a refused delivery is not remembered as seen")
        .isEqualTo(200);
    assertThat(redelivered.json().getJsonArray("updated")).hasSize(1);
    assertThat(status(repo.name()).getWebhookCommit()).isEqualTo(next);
    awaitNoThreadLeak(threadsBefore);
  }

  @Test
  void anApiServerThatAnswersTooLateIsAbandonedWithinTheClientTimeout() {
    Watched repo = watched();
    String next = "4".repeat(40);
    String delivery = UUID.randomUUID().toString();
    double threadsBefore = threads();

    api.delayNextWrites(repo.name(), Duration.ofSeconds(20), 1000);
    long start = System.nanoTime();
    Answer refused = gitwatch.pushToMain(repo.url(), next, SECRET, delivery);
    Duration took = Duration.ofNanos(System.nanoTime() - start);

    assertThat(refused.status()).isEqualTo(503);
    // within the write's deadline, far from the server's 20 s
    assertThat(took).isLessThan(Duration.ofSeconds(15));

    api.delayNextWrites(repo.name(), Duration.ZERO, 0);
    Answer redelivered = gitwatch.pushToMain(repo.url(), next, SECRET, delivery);

    assertThat(redelivered.status()).as(redelivered.body()).isEqualTo(200);
    assertThat(status(repo.name()).getWebhookCommit()).isEqualTo(next);
    awaitNoThreadLeak(threadsBefore);
  }

  @Test
  void aWriteWhoseAnswerStallsIsGivenUpAtTheRequestTimeout() {
    Watched repo = watched();
    double refusedBefore = refusedDeliveries();

    // Headers come at once, the body a minute later.
    api.slowNextWrites(repo.name(), 200, Duration.ofSeconds(60), 1000);
    try {
      Answer answer = gitwatch.pushToMain(repo.url(), "6".repeat(40), SECRET);

      assertThat(answer.status()).isEqualTo(503);
      // The work behind the answer ends too, within the test server's request timeout (2 s) and
      // the CallDeadline a second after it, not after the server's 60 s.
      await().atMost(Duration.ofSeconds(10)).until(() -> refusedDeliveries() == refusedBefore + 1);
    } finally {
      api.slowNextWrites(repo.name(), 200, Duration.ZERO, 0); // even when it fails: no stall left
    }
  }

  @Test
  void writesThatOutlastTheWorkWaitAreAnswered503WhileTheyGoOn() {
    Watched repo = watched();
    String next = "5".repeat(40);
    String delivery = UUID.randomUUID().toString();
    double lateBefore =
        gitwatch.metric("gitwatch_webhook_refused_for_load_total", "reason=\"work\"");
    double refusedBefore = refusedDeliveries();

    // Every write answered 500 after 1.5 s: the store retries for about 4.8 s, then gives up.
    api.slowNextWrites(repo.name(), 500, Duration.ofMillis(1500), 1000);
    Answer answer = gitwatch.pushToMain(repo.url(), next, SECRET, delivery);

    // The test server's max-queue-wait (2 s) + max-work-wait (2 s) came first: a 503 that tells
    // the provider when to come back, not the store's failure.
    assertThat(answer.status()).isEqualTo(503);
    assertThat(answer.header("Retry-After")).isPresent();
    assertThat(answer.body()).contains("\"error\":\"overloaded\"");
    assertThat(gitwatch.metric("gitwatch_webhook_refused_for_load_total", "reason=\"work\""))
        .isEqualTo(lateBefore + 1);
    // The work went on after the answer, and its own outcome is counted when it ends.
    await().atMost(Duration.ofSeconds(20)).until(() -> refusedDeliveries() == refusedBefore + 1);

    api.slowNextWrites(repo.name(), 500, Duration.ZERO, 0);
    Answer redelivered = gitwatch.pushToMain(repo.url(), next, SECRET, delivery);

    assertThat(redelivered.status()).as(redelivered.body()).isEqualTo(200);
    assertThat(status(repo.name()).getWebhookCommit()).isEqualTo(next);
  }

  @Test
  void aPollWhoseWriteFailsIsRetriedUntilTheHeadLands() {
    Watched repo = watched();
    double writeFailures = gitwatch.metric("gitwatch_polls_total", "outcome=\"write_failed\"");

    api.breakWritesTo(repo.name());
    String next = git.commit(repo.repository(), "main");
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                gitwatch.metric("gitwatch_polls_total", "outcome=\"write_failed\"")
                    > writeFailures);
    assertThat(status(repo.name()).getCommit()).isEqualTo(repo.firstHead());
    api.heal(repo.name());

    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> next.equals(status(repo.name()).getCommit()));
    assertThat(gitPolling(repo.name()).orElseThrow().getStatus()).isEqualTo("True");
  }

  @Test
  void theApiServerGoesAwayAndComesBackWithoutLosingAnUpdate() {
    Watched pushed = watched();
    Watched polled = watched();
    String pushedHead = git.commit(pushed.repository(), "main");
    String delivery = UUID.randomUUID().toString();
    double threadsBefore = threads();

    api.disappear();
    try {
      Answer refused = gitwatch.pushToMain(pushed.url(), pushedHead, SECRET, delivery);
      assertThat(refused.status()).as(refused.body()).isEqualTo(503);
      await()
          .atMost(Duration.ofSeconds(20))
          .until(() -> gitwatch.get("health/ready").status() == 503);
      assertThat(gitwatch.get("health/live").status()).isEqualTo(200);
    } finally {
      api.comeBack();
    }
    String polledHead = git.commit(polled.repository(), "main");

    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> gitwatch.get("health/ready").status() == 200);
    Answer redelivered = gitwatch.pushToMain(pushed.url(), pushedHead, SECRET, delivery);
    assertThat(redelivered.status()).as(redelivered.body()).isEqualTo(200);
    assertThat(status(pushed.name()).getWebhookCommit()).isEqualTo(pushedHead);
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> pushedHead.equals(status(pushed.name()).getCommit()));
    await()
        .atMost(Duration.ofSeconds(40))
        .alias("polling resumes once the Lease can be held again")
        .until(() -> polledHead.equals(status(polled.name()).getCommit()));
    awaitNoThreadLeak(threadsBefore);
  }

  @Test
  void aHangingGitServerTimesOutPollsAndPollingRecovers() {
    Watched repo = watched();
    double threadsBefore = threads();

    git.hang(repo.repository());
    String next;
    try {
      next = git.commit(repo.repository(), "main");
      await()
          .atMost(Duration.ofSeconds(40))
          .until(
              () -> gitPolling(repo.name()).map(c -> "False".equals(c.getStatus())).orElse(false));
      assertThat(gitPolling(repo.name()).orElseThrow().getMessage())
          .contains("no answer within 5 s");
      assertThat(status(repo.name()).getCommit()).isEqualTo(repo.firstHead());
      assertThat(gitwatch.get("health/live").status()).isEqualTo(200);
      assertThat(gitwatch.get("health/ready").status()).isEqualTo(200);
    } finally {
      git.answer(repo.repository());
    }

    await()
        .atMost(Duration.ofSeconds(60))
        .until(() -> next.equals(status(repo.name()).getCommit()));
    assertThat(gitPolling(repo.name()).orElseThrow().getStatus()).isEqualTo("True");
    awaitNoThreadLeak(threadsBefore);
  }
}
