package io.gitwatch.polling;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Event;
import io.gitwatch.gitrepo.GitRepo;
import io.gitwatch.gitrepo.GitRepoCondition;
import io.gitwatch.testing.Gitwatch;
import io.gitwatch.testing.LoopbackGitServer;
import io.gitwatch.testing.OnTestServer;
import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

/**
 * What a tenant's GitRepo can make the poller do, on the managed Liberty in Kubernetes mode (mock
 * API server): no local files, no denied address, no Secret that is not a git credential, no remote
 * text in conditions or Events, and no slow remote that stalls the others or fails liveness. The
 * test server polls every 3 s, with a 5 s timeout, and denies 127.0.0.2 besides the defaults.
 */
class PollingSafetyIT extends OnTestServer.Deployed {

  @AutoClose static final LoopbackGitServer git = LoopbackGitServer.startInTemporaryDirectory();

  static String newRepository() {
    String name = "safe-" + UUID.randomUUID().toString().substring(0, 8);
    git.createRepository(name);
    git.commit(name, "main");
    return name;
  }

  Optional<GitRepoCondition> gitPolling(String namespace, String name) {
    return gitRepos.condition(namespace, name, "GitPolling");
  }

  GitRepoCondition awaitFailure(String namespace, String name, Duration within) {
    await()
        .atMost(within)
        .until(
            () ->
                gitPolling(namespace, name).map(c -> "False".equals(c.getStatus())).orElse(false));
    return gitPolling(namespace, name).orElseThrow();
  }

  String commit(String namespace, String name) {
    GitRepo gitRepo = gitRepos.get(namespace, name);
    return gitRepo == null || gitRepo.getStatus() == null ? null : gitRepo.getStatus().getCommit();
  }

  @Test
  void localPathsFileUrlsAndDeniedAddressesAreRefusedWithoutAConnection() throws Exception {
    String repo = newRepository();
    try (var internal = new EgressPolicyTest.Listener(InetAddress.getByName("127.0.0.2"))) {
      gitRepos.create("safe-refused", "file", git.fileUrl(repo), s -> s.setBranch("main"));
      gitRepos.create("safe-refused", "path", git.directory(repo).toString(), s -> {});
      gitRepos.create(
          "safe-refused",
          "internal",
          "http://127.0.0.2:" + internal.port() + "/git/r.git",
          s -> s.setBranch("main"));

      for (String name : new String[] {"file", "path", "internal"}) {
        GitRepoCondition condition = awaitFailure("safe-refused", name, Duration.ofSeconds(30));
        assertThat(condition.getReason()).as(name).isEqualTo("Refused");
      }
      assertThat(gitPolling("safe-refused", "internal").orElseThrow().getMessage())
          .contains("127.0.0.2 is in the denied network");
      assertThat(internal.connections()).isZero();
    }
  }

  @Test
  void anOpaqueSecretWithAPasswordIsNeverSent() {
    String repo = newRepository();
    git.requireBasicAuth(repo, "admin", "db-password");
    gitRepos.secret(
        "safe-opaque", "database", Map.of("username", "admin", "password", "db-password"));
    gitRepos.create(
        "safe-opaque",
        "app",
        git.url(repo),
        s -> {
          s.setBranch("main");
          s.setClientSecretName("database");
        });

    GitRepoCondition condition = awaitFailure("safe-opaque", "app", Duration.ofSeconds(30));
    assertThat(condition.getReason()).isEqualTo("CredentialsUnusable");
    assertThat(condition.getMessage()).contains("is of type Opaque").doesNotContain("db-password");
    assertThat(git.infoRefsRequests(repo)).as("nothing was sent anywhere").isZero();
  }

  @Test
  void whatARemoteAnswersReachesNeitherTheConditionNorTheEvent() {
    String repo = newRepository();
    git.answerText(repo, "Tenant B's secret banner\nGitPolling=True");
    gitRepos.create("safe-text", "app", git.url(repo), s -> s.setBranch("main"));

    GitRepoCondition condition = awaitFailure("safe-text", "app", Duration.ofSeconds(30));
    assertThat(condition.getReason()).isEqualTo("LsRemoteFailed");
    assertThat(condition.getMessage()).doesNotContain("banner");
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> !events("safe-text", "FailedToCheckCommit").isEmpty());
    assertThat(events("safe-text", "FailedToCheckCommit"))
        .allSatisfy(
            e ->
                assertThat(e.getMessage()).startsWith("LsRemoteFailed: ").doesNotContain("banner"));
  }

  @Test
  void aTricklingRemoteTimesOutWhileOthersKeepPollingAndLivenessStaysUp() {
    String slow = newRepository();
    git.trickle(slow);
    String healthy = newRepository();
    gitRepos.create("safe-trickle", "slow", git.url(slow), s -> s.setBranch("main"));
    gitRepos.create(
        "safe-trickle",
        "healthy",
        git.url(healthy),
        s -> {
          s.setBranch("main");
          s.setPollingInterval("1s");
        });
    await().atMost(Duration.ofSeconds(20)).until(() -> git.infoRefsRequests(slow) >= 1);
    long started = System.nanoTime();
    int healthyPolls = git.infoRefsRequests(healthy);

    GitRepoCondition condition = awaitFailure("safe-trickle", "slow", Duration.ofSeconds(30));
    assertThat(condition.getReason()).isEqualTo("Timeout");
    assertThat(condition.getMessage()).contains("no answer within 5 s");
    assertThat(Duration.ofNanos(System.nanoTime() - started))
        .as("the 5 s deadline, plus the write")
        .isLessThan(Duration.ofSeconds(20));
    assertThat(git.infoRefsRequests(healthy)).isGreaterThan(healthyPolls + 1);
    assertThat(gitwatch.get("health/live").status()).isEqualTo(200);
  }

  @Test
  void twentyGitReposOnOneHangingRepositoryDoNotDelayAnother() {
    String hanging = newRepository();
    git.hang(hanging);
    try {
      IntStream.range(0, 20)
          .forEach(
              i ->
                  gitRepos.create(
                      "safe-crowd", "waiting-" + i, git.url(hanging), s -> s.setBranch("main")));
      await().atMost(Duration.ofSeconds(20)).until(() -> git.infoRefsRequests(hanging) >= 1);

      String other = newRepository();
      String head = git.commit(other, "main");
      long created = System.nanoTime();
      gitRepos.create("safe-crowd", "other", git.url(other), s -> s.setBranch("main"));

      // A first poll is spread over one interval (3 s): on time means within it, plus the write.
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> head.equals(commit("safe-crowd", "other")));
      assertThat(Duration.ofNanos(System.nanoTime() - created)).isLessThan(Duration.ofSeconds(10));
      assertThat(git.infoRefsRequests(hanging))
          .as("the twenty share ls-remotes instead of sending twenty")
          .isLessThanOrEqualTo(3);
      assertThat(gitwatch.get("health/live").status()).isEqualTo(200);
    } finally {
      git.answer(hanging);
    }
  }

  @Test
  void pollsHangingOnRemotesHoldNoneOfTheThreadsThatServeRequests() {
    // Every poll slot (gitwatch.polling.max-concurrent, 16) on a remote that never answers.
    List<String> hanging = IntStream.range(0, 16).mapToObj(i -> newRepository()).toList();
    hanging.forEach(git::hang);
    try {
      for (int i = 0; i < hanging.size(); i++) {
        gitRepos.create(
            "safe-threads", "hanging-" + i, git.url(hanging.get(i)), s -> s.setBranch("main"));
      }
      await()
          .atMost(Duration.ofSeconds(20))
          .alias("16 polls in flight at once")
          .until(() -> gitwatch.metric("gitwatch_polling_in_flight") >= hanging.size());

      List<String> metrics = gitwatch.get("metrics").body().lines().toList();
      assertThat(metrics)
          .as("Liberty's vendor metric of its default executor")
          .anyMatch(
              l -> l.startsWith("threadpool_activeThreads") && l.contains("Default_Executor"));
      // A poll that ran on its EJB timer held one of the threads that serve HTTP requests and
      // probes; handed to Gitwatch's own workers, it holds none of them.
      assertThat(Gitwatch.metric(metrics, "threadpool_activeThreads", "Default_Executor"))
          .as("default executor threads busy while 16 polls hang")
          .isLessThan(8);
      assertThat(gitwatch.get("health/ready").status()).isEqualTo(200);
    } finally {
      hanging.forEach(git::answer);
    }
  }

  private java.util.List<Event> events(String namespace, String reason) {
    return api.client().v1().events().inNamespace(namespace).list().getItems().stream()
        .filter(e -> reason.equals(e.getReason()))
        .toList();
  }
}
