package io.gitwatch.polling;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.gitwatch.gitrepo.GitRepo;
import io.gitwatch.gitrepo.GitRepoCondition;
import io.gitwatch.testing.LoopbackGitServer;
import io.gitwatch.testing.OnTestServer;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

/**
 * Polling on the managed Liberty, against fabric8's mock API server and a real git server on
 * loopback whose ls-remote requests are counted. The test server polls every 3 s by default and
 * every hour after a webhook.
 */
class PollingIT extends OnTestServer.Deployed {

  @AutoClose static final LoopbackGitServer git = LoopbackGitServer.startInTemporaryDirectory();

  static String newRepository() {
    String name = "repo-" + UUID.randomUUID().toString().substring(0, 8);
    git.createRepository(name);
    return name;
  }

  String commit(String namespace, String name) {
    GitRepo gitRepo = gitRepos.get(namespace, name);
    return gitRepo == null || gitRepo.getStatus() == null ? null : gitRepo.getStatus().getCommit();
  }

  Optional<GitRepoCondition> gitPolling(String namespace, String name) {
    return gitRepos.condition(namespace, name, "GitPolling");
  }

  long statusWrites(String namespace, String name) {
    return api.writes().stream().filter(w -> w.isStatusPatchOf(namespace, name)).count();
  }

  @Test
  void firstPollWritesTheHeadAndAPollingCondition() {
    String repo = newRepository();
    String head = git.commit(repo, "main");
    gitRepos.create("poll-first", "app", git.url(repo), s -> s.setBranch("main"));

    await().atMost(Duration.ofSeconds(20)).until(() -> head.equals(commit("poll-first", "app")));

    GitRepo gitRepo = gitRepos.get("poll-first", "app");
    assertThat(gitRepo.getStatus().getPollingCommit()).isEqualTo(head);
    assertThat(gitRepo.getStatus().getLastPollingTriggered()).isNotBlank();
    assertThat(gitPolling("poll-first", "app"))
        .hasValueSatisfying(c -> assertThat(c.getStatus()).isEqualTo("True"));
    assertThat(gitRepo.getSpec().getPollingInterval()).isNull();
  }

  @Test
  void aNewCommitIsPickedUpAndAnUnchangedHeadWritesNothing() {
    String repo = newRepository();
    String first = git.commit(repo, "main");
    gitRepos.create(
        "poll-new",
        "app",
        git.url(repo),
        s -> {
          s.setBranch("main");
          s.setPollingInterval("1s");
        });
    await().atMost(Duration.ofSeconds(20)).until(() -> first.equals(commit("poll-new", "app")));

    long writes = statusWrites("poll-new", "app");
    int polls = git.infoRefsRequests(repo);
    await().atMost(Duration.ofSeconds(20)).until(() -> git.infoRefsRequests(repo) >= polls + 3);
    assertThat(statusWrites("poll-new", "app")).isEqualTo(writes);

    String second = git.commit(repo, "main");
    await().atMost(Duration.ofSeconds(20)).until(() -> second.equals(commit("poll-new", "app")));
    assertThat(statusWrites("poll-new", "app")).isEqualTo(writes + 1);
  }

  @Test
  void aGitReposOwnPollingIntervalWinsOverTheDefault() {
    String slow = newRepository();
    git.commit(slow, "main");
    gitRepos.create(
        "poll-rate",
        "slow",
        git.url(slow),
        s -> {
          s.setBranch("main");
          s.setPollingInterval("1h");
        });
    String fast = newRepository();
    git.commit(fast, "main");
    gitRepos.create(
        "poll-rate",
        "fast",
        git.url(fast),
        s -> {
          s.setBranch("main");
          s.setPollingInterval("1s");
        });
    await().atMost(Duration.ofSeconds(20)).until(() -> commit("poll-rate", "fast") != null);

    String next = git.commit(fast, "main");
    await().atMost(Duration.ofSeconds(8)).until(() -> next.equals(commit("poll-rate", "fast")));
    // The 3 s default would have polled it twice by now; an hour's first poll lands anywhere in
    // the hour.
    await()
        .during(Duration.ofSeconds(5))
        .atMost(Duration.ofSeconds(6))
        .until(() -> git.infoRefsRequests(slow) <= 1);
  }

  @Test
  void aVerifiedWebhookPollsAtOnceAndThenTheWebhookIntervalApplies() {
    String repo = newRepository();
    git.commit(repo, "main");
    gitRepos.secret("poll-hook", "hook", Map.of("github", "hook-s3cret"));
    gitRepos.create(
        "poll-hook",
        "app",
        git.url(repo),
        s -> {
          s.setBranch("main");
          s.setWebhookSecret("hook");
        });
    await().atMost(Duration.ofSeconds(20)).until(() -> commit("poll-hook", "app") != null);

    String pushed = git.commit(repo, "main");
    var answer = gitwatch.pushToMain(git.url(repo), pushed, "hook-s3cret");

    assertThat(answer.status()).as(answer.body()).isEqualTo(200);
    await().atMost(Duration.ofSeconds(3)).until(() -> pushed.equals(commit("poll-hook", "app")));
    int polls = git.infoRefsRequests(repo);
    // No poll at the 3 s default once webhooks arrive.
    await()
        .during(Duration.ofSeconds(7))
        .atMost(Duration.ofSeconds(8))
        .until(() -> git.infoRefsRequests(repo) == polls);
  }

  @Test
  void disabledPollingNeverPollsAndADeletedGitRepoStopsBeingPolled() {
    String quiet = newRepository();
    git.commit(quiet, "main");
    String deleted = newRepository();
    git.commit(deleted, "main");
    gitRepos.create(
        "poll-stop",
        "quiet",
        git.url(quiet),
        s -> {
          s.setBranch("main");
          s.setDisablePolling(true);
        });
    gitRepos.create(
        "poll-stop",
        "deleted",
        git.url(deleted),
        s -> {
          s.setBranch("main");
          s.setPollingInterval("1s");
        });
    await().atMost(Duration.ofSeconds(20)).until(() -> git.infoRefsRequests(deleted) >= 2);

    gitRepos.delete("poll-stop", "deleted");
    gitwatch.awaitGitRepos(gitRepos.count());
    int polls = git.infoRefsRequests(deleted);
    // A poll already in flight at the delete may still reach the server; nothing after it.
    await()
        .during(Duration.ofSeconds(5))
        .atMost(Duration.ofSeconds(6))
        .until(
            () -> git.infoRefsRequests(deleted) <= polls + 1 && git.infoRefsRequests(quiet) == 0);
  }

  @Test
  void anUnreachableRepositoryGivesAFalseConditionAndTheServiceStaysReady() {
    gitRepos.create(
        "poll-broken", "app", "http://127.0.0.1:1/nothing.git", s -> s.setBranch("main"));

    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                gitPolling("poll-broken", "app")
                    .map(c -> "False".equals(c.getStatus()))
                    .orElse(false));

    GitRepoCondition condition = gitPolling("poll-broken", "app").orElseThrow();
    assertThat(condition.getMessage()).contains("127.0.0.1:1");
    assertThat(gitwatch.get("health/ready").status()).isEqualTo(200);
  }

  @Test
  void aRepositoryBehindBasicAuthPollsWithItsSecret() {
    String repo = newRepository();
    String head = git.commit(repo, "main");
    git.requireBasicAuth(repo, "reader", "p4ssword");
    gitRepos.basicAuth("poll-auth", "git-credentials", "reader", "p4ssword");
    gitRepos.create(
        "poll-auth",
        "app",
        git.url(repo),
        s -> {
          s.setBranch("main");
          s.setClientSecretName("git-credentials");
        });

    await().atMost(Duration.ofSeconds(20)).until(() -> head.equals(commit("poll-auth", "app")));
  }

  @Test
  void healthAndMetricsReportPolling() {
    String repo = newRepository();
    String head = git.commit(repo, "main");
    gitRepos.create("poll-health", "app", git.url(repo), s -> s.setBranch("main"));
    await().atMost(Duration.ofSeconds(20)).until(() -> head.equals(commit("poll-health", "app")));

    var live = gitwatch.get("health/live");
    assertThat(live.status()).isEqualTo(200);
    assertThat(live.body())
        .contains("\"gitreposScheduled\"")
        .contains("\"lastSuccessfulPollAgeSeconds\"");
    String metrics = gitwatch.get("metrics?scope=application").body();
    assertThat(metrics)
        .contains("gitwatch_polls_total{")
        .contains("gitwatch_ls_remote_calls_total")
        .contains("gitwatch_poll_duration_seconds")
        .contains("gitwatch_polling_gitrepos_scheduled");
  }
}
