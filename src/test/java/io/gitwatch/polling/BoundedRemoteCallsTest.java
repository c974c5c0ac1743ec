package io.gitwatch.polling;

import static io.gitwatch.polling.EgressPolicyTest.spec;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.gitwatch.testing.LoopbackGitServer;
import io.gitwatch.testing.LoopbackSshServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.io.TempDir;

/**
 * No remote can hold a poll longer than the timeout, make it read more than the byte cap, put its
 * words into a condition, or hold other GitRepos' polls: against a real git server on loopback that
 * trickles, hangs, or answers with text that is not git's.
 */
class BoundedRemoteCallsTest {

  private static final Duration TIMEOUT = Duration.ofSeconds(2);

  @TempDir static Path root;
  private static LoopbackGitServer git;

  private String repo;
  private String head;

  @BeforeAll
  static void startServer() {
    git = LoopbackGitServer.start(root);
  }

  @AfterAll
  static void stopServer() {
    git.close();
  }

  @BeforeEach
  void createRepository(TestInfo test) {
    repo = test.getTestMethod().orElseThrow().getName() + "-" + System.nanoTime();
    git.createRepository(repo);
    head = git.commit(repo, "main");
  }

  private static RemoteHeads remoteHeads(long maxBytes, int maxConcurrent) {
    return new RemoteHeads(
        new RemoteHeads.Limits(TIMEOUT, maxBytes, maxConcurrent, 1 << 20),
        EgressPolicy.permissive(),
        Proxies.none());
  }

  @Test
  void aRemoteTricklingOneBytePerSecondEndsInTimeoutWithinTheDeadline() {
    git.trickle(repo);
    RemoteHeads remoteHeads = remoteHeads(1 << 20, 4);
    long start = System.nanoTime();
    // Without a deadline on the whole call every read gets its byte in time: it would never end.
    RemoteHeadsException failure =
        assertTimeoutPreemptively(
            Duration.ofSeconds(30),
            () -> catchFailure(() -> remoteHeads.resolve(spec(git.url(repo)), Credentials.none())));
    assertThat(failure.reason()).isEqualTo(FailureReason.TIMEOUT);
    assertThat(failure).hasMessageContaining("no answer within 2 s");
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(15));
  }

  @Test
  void anSshRemoteTricklingOneBytePerSecondEndsInTimeoutWithinTheDeadline() throws Exception {
    try (LoopbackSshServer ssh = LoopbackSshServer.start(root)) {
      ssh.trickle();
      java.security.KeyPair client = LoopbackSshServer.ecKey();
      ssh.authorize(client.getPublic());
      Credentials key = Credentials.ssh(RemoteHeadsTest.openSsh(client), ssh.knownHostsLine());
      RemoteHeadsException failure =
          assertTimeoutPreemptively(
              Duration.ofSeconds(30),
              () -> catchFailure(() -> remoteHeads(1 << 20, 4).resolve(spec(ssh.url(repo)), key)));
      assertThat(failure.reason()).isEqualTo(FailureReason.TIMEOUT);
      assertThat(ssh.uploadPacks()).isOne();
    }
  }

  @Test
  void aRefAdvertisementLargerThanTheCapEndsInTooLarge() {
    for (int i = 0; i < 100; i++) {
      git.tag(repo, "release-with-a-long-name-to-fill-the-advertisement-" + i, head);
    }
    RemoteHeadsException failure =
        catchFailure(() -> remoteHeads(4096, 4).resolve(spec(git.url(repo)), Credentials.none()));
    assertThat(failure.reason()).isEqualTo(FailureReason.TOO_LARGE);
    assertThat(failure).hasMessageContaining("larger than 4096 bytes");
    assertThat(remoteHeads(1 << 20, 4).resolve(spec(git.url(repo)), Credentials.none()).commit())
        .isEqualTo(head);
  }

  @Test
  void whatARemoteAnswersNeverReachesTheMessage() {
    git.answerText(repo, "<h1>Sign in</h1>\u001b[2J\nFAKE: GitPolling=True, all good\r\n");
    RemoteHeadsException failure =
        catchFailure(
            () -> remoteHeads(1 << 20, 4).resolve(spec(git.url(repo)), Credentials.none()));
    assertThat(failure.reason()).isEqualTo(FailureReason.LS_REMOTE_FAILED);
    assertThat(failure.getMessage())
        .startsWith(git.url(repo) + ": ")
        .doesNotContain("Sign in")
        .doesNotContain("FAKE")
        .doesNotContain("\u001b");
    assertThat(failure.detail()).doesNotContain("\u001b").doesNotContain("\n").doesNotContain("\r");
  }

  @Test
  void spellingsOfOneRepositoryShareOneLsRemote() {
    RemoteHeads remoteHeads = remoteHeads(1 << 20, 4);
    String withGit = git.url(repo);
    String withoutGit = withGit.substring(0, withGit.length() - ".git".length());
    long since = System.nanoTime();
    assertThat(remoteHeads.poll(spec(withGit), Credentials.none(), since).commit()).isEqualTo(head);
    assertThat(remoteHeads.poll(spec(withoutGit), Credentials.none(), since).commit())
        .isEqualTo(head);
    assertThat(remoteHeads.poll(spec(withGit + "/"), Credentials.none(), since).commit())
        .isEqualTo(head);
    assertThat(git.infoRefsRequests(repo)).isOne();

    // Other credentials are another key: never someone else's answer.
    assertThat(remoteHeads.poll(spec(withGit), Credentials.basic("u", "p"), since).commit())
        .isEqualTo(head);
    assertThat(git.infoRefsRequests(repo)).isEqualTo(2);
    // An answer that started before the instant given is not shared: the remote is asked now.
    remoteHeads.poll(spec(withGit), Credentials.none(), System.nanoTime());
    assertThat(git.infoRefsRequests(repo)).isEqualTo(3);
  }

  @Test
  void aSharedAnswerIsAsOldAsTheCallItCameFrom() {
    RemoteHeads remoteHeads = remoteHeads(1 << 20, 4);
    long since = System.nanoTime();
    RemoteHeads.Answer asked = remoteHeads.poll(spec(git.url(repo)), Credentials.none(), since);

    RemoteHeads.Answer shared = remoteHeads.poll(spec(git.url(repo)), Credentials.none(), since);
    RemoteHeads.Answer fresh =
        remoteHeads.poll(spec(git.url(repo)), Credentials.none(), System.nanoTime());

    // The order of two answers for one GitRepo is the order their ls-remotes started in.
    assertThat(asked.askedNanos() - since).isNotNegative();
    assertThat(shared.askedNanos()).isEqualTo(asked.askedNanos());
    assertThat(fresh.askedNanos() - asked.askedNanos()).isPositive();
    assertThat(git.infoRefsRequests(repo)).isEqualTo(2);
  }

  @Test
  void gitReposOfOneSlowRepositoryHoldOneSlotBetweenThemAndShareItsAnswer() throws Exception {
    git.hang(repo);
    String healthy = repo + "-healthy";
    git.createRepository(healthy);
    String healthyHead = git.commit(healthy, "main");
    RemoteHeads remoteHeads = remoteHeads(1 << 20, 2);
    long since = System.nanoTime();
    CompletableFuture<Object> first =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                return remoteHeads.poll(spec(git.url(repo)), Credentials.none(), since);
              } catch (RuntimeException e) {
                return e;
              }
            });
    try {
      await().atMost(Duration.ofSeconds(10)).until(() -> git.infoRefsRequests(repo) >= 1);

      // Nineteen more GitRepos of the repository: none queues a call or waits holding a thread.
      for (int i = 0; i < 19; i++) {
        assertThatThrownBy(() -> remoteHeads.poll(spec(git.url(repo)), Credentials.none(), since))
            .isInstanceOf(RemoteHeads.Busy.class);
      }
      // Two slots: the slow repository holds one, however many GitRepos it has.
      RemoteHeads.Answer other =
          assertTimeoutPreemptively(
              Duration.ofSeconds(10),
              () ->
                  remoteHeads.poll(spec(git.url(healthy)), Credentials.none(), System.nanoTime()));
      assertThat(other.commit()).isEqualTo(healthyHead);

      assertThat(first.get())
          .isInstanceOfSatisfying(
              RemoteHeadsException.class,
              e -> assertThat(e.reason()).isEqualTo(FailureReason.TIMEOUT));
      // Coming back, they share that answer: the same failure, and no second call.
      assertThatThrownBy(() -> remoteHeads.poll(spec(git.url(repo)), Credentials.none(), since))
          .isInstanceOfSatisfying(
              RemoteHeadsException.class,
              e -> assertThat(e.reason()).isEqualTo(FailureReason.TIMEOUT));
      assertThat(git.infoRefsRequests(repo)).as("one ls-remote for all twenty").isOne();
    } finally {
      git.answer(repo);
    }
  }

  @Test
  void aCallThatFindsEverySlotTakenIsBusyAndAsksNothing() throws Exception {
    git.hang(repo);
    String other = repo + "-other";
    git.createRepository(other);
    git.commit(other, "main");
    RemoteHeads remoteHeads = remoteHeads(1 << 20, 1);
    CompletableFuture<Void> hanging =
        CompletableFuture.runAsync(
            () -> {
              try {
                remoteHeads.poll(spec(git.url(repo)), Credentials.none(), System.nanoTime());
              } catch (RemoteHeadsException e) {
                // the timeout: expected
              }
            });
    try {
      await().atMost(Duration.ofSeconds(10)).until(() -> git.infoRefsRequests(repo) >= 1);
      assertThatThrownBy(
              () -> remoteHeads.poll(spec(git.url(other)), Credentials.none(), System.nanoTime()))
          .isInstanceOf(RemoteHeads.Busy.class);
      assertThat(git.infoRefsRequests(other)).isZero();
    } finally {
      git.answer(repo);
      hanging.get();
    }
  }

  private static RemoteHeadsException catchFailure(Runnable call) {
    try {
      call.run();
    } catch (RemoteHeadsException e) {
      return e;
    }
    throw new AssertionError("expected a RemoteHeadsException");
  }
}
