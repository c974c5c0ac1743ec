package io.gitwatch.polling;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Event;
import io.gitwatch.gitrepo.GitRepo;
import io.gitwatch.testing.Gitwatch;
import io.gitwatch.testing.LoopbackGitServer;
import io.gitwatch.testing.OnTestServer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
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

  private String repository(String prefix) {
    String name = prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    git.createRepository(name);
    return name;
  }

  /** A GitRepo on main that polls hourly and verifies webhooks with its own Secret. */
  private void gitRepo(String namespace, String name, String repo) {
    gitRepos.secret(namespace, "hook-" + name, Map.of("github", SECRET));
    gitRepos.create(
        namespace,
        name,
        git.url(repo),
        s -> {
          s.setBranch("main");
          s.setPollingInterval("1h");
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

  private List<Event> events(String namespace, String reason) {
    return api.client().v1().events().inNamespace(namespace).list().getItems().stream()
        .filter(e -> reason.equals(e.getReason()))
        .toList();
  }
}
