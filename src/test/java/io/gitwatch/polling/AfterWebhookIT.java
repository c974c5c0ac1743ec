package io.gitwatch.polling;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.gitwatch.gitrepo.GitRepo;
import io.gitwatch.testing.Gitwatch;
import io.gitwatch.testing.LoopbackGitServer;
import io.gitwatch.testing.OnTestServer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

/**
 * After a verified webhook the remote decides: on the managed Liberty, with a real git server on
 * loopback whose requests are counted. The test server re-polls every second and gives a commit the
 * remote does not show 6 s. Every GitRepo here polls hourly, so what polls is the webhook.
 */
class AfterWebhookIT extends OnTestServer.Deployed {

  static final String SECRET = "after-s3cret";
  static final Pattern COMMIT = Pattern.compile("\"commit\"\\s*:\\s*\"([0-9a-f]{40})\"");

  @AutoClose static final LoopbackGitServer git = LoopbackGitServer.startInTemporaryDirectory();

  @Test
  void aCommitTheRemoteShowsSecondsLaterLandsInCommitWithinSeconds() {
    String repo = repository("lagging");
    git.commit(repo, "main");
    gitRepo("after-lag", "app", repo);
    // The pushed commit exists, but main reaches it only later, as on a lagging replica.
    String pushed = git.commit(repo, "staging");

    assertThat(push(repo, pushed).status()).isEqualTo(200);
    await()
        .during(Duration.ofSeconds(3))
        .atMost(Duration.ofSeconds(4))
        .until(() -> !pushed.equals(status("after-lag", "app").getCommit()));
    git.moveBranch(repo, "main", pushed);

    await()
        .atMost(Duration.ofSeconds(8))
        .until(() -> pushed.equals(status("after-lag", "app").getCommit()));
    assertThat(status("after-lag", "app").getWebhookCommit()).isEqualTo(pushed);
    assertThat(events("after-lag", "WebhookCommitNotVisible")).isEmpty();
  }

  @Test
  void aCommitTheRemoteNeverShowsIsRealignedToTheRemoteAndSaidInAWarning() {
    String repo = repository("never");
    String head = git.commit(repo, "main");
    gitRepo("after-never", "app", repo);
    String phantom = "0123456789abcdef0123456789abcdef01234567";

    assertThat(push(repo, phantom).status()).isEqualTo(200);
    assertThat(status("after-never", "app").getWebhookCommit()).isEqualTo(phantom);

    await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> head.equals(status("after-never", "app").getWebhookCommit()));
    assertThat(status("after-never", "app").getCommit()).isEqualTo(head);
    assertThat(events("after-never", "WebhookCommitNotVisible"))
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.getType()).isEqualTo("Warning");
              assertThat(e.getMessage()).contains(phantom).contains(head);
            });
  }

  @Test
  void aDeliveryOfTheCurrentCommitAsksTheRemoteNothing() {
    String repo = repository("current");
    String head = git.commit(repo, "main");
    gitRepo("after-current", "app", repo);
    assertThat(push(repo, head).status()).isEqualTo(200);
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> head.equals(status("after-current", "app").getCommit()));
    int asked = git.infoRefsRequests(repo);
    double skipped = gitwatch.metric("gitwatch_webhook_polls_skipped_total");

    assertThat(push(repo, head).status()).isEqualTo(200);

    await()
        .during(Duration.ofSeconds(3))
        .atMost(Duration.ofSeconds(4))
        .until(() -> git.infoRefsRequests(repo) == asked);
    assertThat(gitwatch.metric("gitwatch_webhook_polls_skipped_total")).isEqualTo(skipped + 1);
  }

  @Test
  void aPushForThreeGitReposOfOneRepositoryCostsOneLsRemote() {
    String repo = repository("shared");
    String first = git.commit(repo, "main");
    for (String name : List.of("one", "two", "three")) {
      gitRepo("after-shared", name, repo);
    }
    // The first polls of new GitRepos (within the default interval) are done, so only the
    // webhook's poll is counted below.
    await()
        .atMost(Duration.ofSeconds(45))
        .until(
            () ->
                Stream.of("one", "two", "three")
                    .allMatch(n -> first.equals(status("after-shared", n).getCommit())));
    String pushed = git.commit(repo, "main");
    int before = git.infoRefsRequests(repo);

    var answer = push(repo, pushed);

    assertThat(answer.json().getJsonArray("updated")).hasSize(3);
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                Stream.of("one", "two", "three")
                    .allMatch(n -> pushed.equals(status("after-shared", n).getCommit())));
    assertThat(git.infoRefsRequests(repo) - before).isEqualTo(1);
  }

  @Test
  void anOlderHeadWhoseWriteIsSlowNeverLandsAfterANewerOne() {
    String repo = repository("order");
    String first = git.commit(repo, "main");
    gitRepo("after-order", "order-app", repo, "1s");
    await()
        .atMost(Duration.ofSeconds(15))
        .until(() -> first.equals(status("after-order", "order-app").getCommit()));
    // The next write to the GitRepo is answered 500 after 1.5 s (within the test server's 2 s
    // request timeout), then retried: the scheduled poll that found `older` is still writing it
    // when the webhook of `newer` has its own poll.
    int faults = api.faultsServed();
    api.slowNextWrites("order-app", 500, Duration.ofMillis(1500), 1);
    String older = git.commit(repo, "main");
    await().atMost(Duration.ofSeconds(10)).until(() -> api.faultsServed() > faults);
    String newer = git.commit(repo, "main");

    assertThat(push(repo, newer).status()).isEqualTo(200);

    await()
        .atMost(Duration.ofSeconds(15))
        .until(() -> newer.equals(status("after-order", "order-app").getCommit()));
    await()
        .during(Duration.ofSeconds(3))
        .atMost(Duration.ofSeconds(4))
        .until(() -> newer.equals(status("after-order", "order-app").getCommit()));
    List<String> written = commitsWritten("after-order", "order-app");
    assertThat(written).containsSubsequence(first, older, newer);
    assertThat(written.subList(written.indexOf(newer), written.size())).doesNotContain(older);
  }

  @Test
  void aCommitAnotherWriterPutsBackAfterTheFollowUpIsPolledAgain() {
    PolledRepo polled = polledGitRepo("after-overwritten", "overwritten");
    String repo = polled.repo();
    String previous = polled.head();
    String pushed = git.commit(repo, "main");
    assertThat(push(repo, pushed).status()).isEqualTo(200);
    await()
        .atMost(Duration.ofSeconds(8))
        .until(() -> pushed.equals(status("after-overwritten", "app").getCommit()));
    double overwritten = gitwatch.metric("gitwatch_webhook_commit_overwritten_total");

    // Another writer (Fleet's own poller, a stale write applied late) puts the older commit back.
    api.client()
        .resources(GitRepo.class)
        .inNamespace("after-overwritten")
        .withName("app")
        .subresource("status")
        .patch(
            PatchContext.of(PatchType.JSON_MERGE),
            "{\"status\":{\"commit\":\"" + previous + "\"}}");
    assertThat(status("after-overwritten", "app").getCommit()).isEqualTo(previous);

    // Polled hourly: only the follow-up's watch can put the remote's head back this soon.
    await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> pushed.equals(status("after-overwritten", "app").getCommit()));
    assertThat(gitwatch.metric("gitwatch_webhook_commit_overwritten_total"))
        .isEqualTo(overwritten + 1);
  }

  @Test
  void aPushDeliveredWhileThePushBeforeItIsPolledIsFollowedToo() {
    String repo = polledGitRepo("after-overtaken", "overtaken").repo();
    String older = git.commit(repo, "main");
    String newer = git.commit(repo, "staging");
    // The follow-up of `older` is held in its ls-remote while `newer` is delivered.
    git.hang(repo);
    int asked = git.infoRefsRequests(repo);
    assertThat(push(repo, older).status()).isEqualTo(200);
    await().atMost(Duration.ofSeconds(5)).until(() -> git.infoRefsRequests(repo) > asked);
    assertThat(push(repo, newer).status()).isEqualTo(200);

    // The held poll answers `older`, what it waited for: that must not end the wait for `newer`.
    git.answer(repo);
    await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> older.equals(status("after-overtaken", "app").getCommit()));
    git.moveBranch(repo, "main", newer);

    // Polled hourly: only the follow-up of `newer` can bring its commit this soon.
    await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> newer.equals(status("after-overtaken", "app").getCommit()));
    assertThat(status("after-overtaken", "app").getWebhookCommit()).isEqualTo(newer);
  }

  /** A repository and its head on main. */
  private record PolledRepo(String repo, String head) {}

  /**
   * A new repository with one commit on main, and a GitRepo {@code app} on it whose first poll
   * (within the default interval) has landed: the next is in 1 h.
   */
  private PolledRepo polledGitRepo(String namespace, String prefix) {
    String repo = repository(prefix);
    String head = git.commit(repo, "main");
    gitRepo(namespace, "app", repo);
    await()
        .atMost(Duration.ofSeconds(15))
        .until(() -> head.equals(status(namespace, "app").getCommit()));
    return new PolledRepo(repo, head);
  }

  private String repository(String prefix) {
    String name = prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    git.createRepository(name);
    return name;
  }

  /** A GitRepo on main that polls hourly and verifies webhooks with its own Secret. */
  private void gitRepo(String namespace, String name, String repo) {
    gitRepo(namespace, name, repo, "1h");
  }

  private void gitRepo(String namespace, String name, String repo, String pollingInterval) {
    gitRepos.secret(namespace, "hook-" + name, Map.of("github", SECRET));
    gitRepos.create(
        namespace,
        name,
        git.url(repo),
        s -> {
          s.setBranch("main");
          s.setPollingInterval(pollingInterval);
          s.setWebhookSecret("hook-" + name);
        });
  }

  private Gitwatch.Answer push(String repo, String commit) {
    gitwatch.awaitGitRepos(gitRepos.count());
    return gitwatch.pushToMain(git.url(repo), commit, SECRET);
  }

  private io.gitwatch.gitrepo.GitRepoStatus status(String namespace, String name) {
    GitRepo gitRepo = gitRepos.get(namespace, name);
    return gitRepo.status();
  }

  /** The commits the API server was asked to write to the GitRepo's status, in order. */
  private List<String> commitsWritten(String namespace, String name) {
    return api.writes().stream()
        .filter(w -> w.isStatusPatchOf(namespace, name))
        .map(w -> COMMIT.matcher(w.body()))
        .filter(Matcher::find)
        .map(m -> m.group(1))
        .toList();
  }

  private List<Event> events(String namespace, String reason) {
    return api.client().v1().events().inNamespace(namespace).list().getItems().stream()
        .filter(e -> reason.equals(e.getReason()))
        .toList();
  }
}
