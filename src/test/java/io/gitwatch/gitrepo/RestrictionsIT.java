package io.gitwatch.gitrepo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.gitwatch.testing.Gitwatch;
import io.gitwatch.testing.LoopbackGitServer;
import io.gitwatch.testing.OnTestServer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

/**
 * Fleet's tenant restrictions on the managed Liberty: a GitRepo outside its namespace's
 * GitRepoRestriction or Policy is neither polled (no connection is made) nor updated by webhooks,
 * and a restriction's defaultClientSecretName supplies the credentials of a GitRepo that names
 * none.
 */
class RestrictionsIT extends OnTestServer.Deployed {

  static final String SECRET = "tenant-s3cret";

  @AutoClose static final LoopbackGitServer git = LoopbackGitServer.startInTemporaryDirectory();

  @Test
  void aGitRepoOutsideItsNamespacesRestrictionIsNeitherPolledNorUpdatedByWebhooks() {
    git.createRepository("outside");
    String head = git.commit("outside", "main");
    gitRepos.ensureNamespace("tenant-a");
    RestrictionObjects.gitRepoRestriction(
        api.client(),
        "tenant-a",
        "only-github",
        Map.of("allowedRepoPatterns", List.of("^https://github\\.com/tenant-a/")));
    awaitRestricted("tenant-a");
    gitRepos.secret("tenant-a", "hook", Map.of("github", SECRET));
    gitRepos.create(
        "tenant-a",
        "outside",
        git.url("outside"),
        s -> {
          s.setBranch("main");
          s.setPollingInterval("1s");
          s.setWebhookSecret("hook");
        });

    await()
        .atMost(Duration.ofSeconds(20))
        .until(
            () -> gitPolling("tenant-a", "outside").map(GitRepoCondition::getReason),
            r -> r.filter("Restricted"::equals).isPresent());
    Gitwatch.Answer delivery = gitwatch.pushToMain(git.url("outside"), head, SECRET);

    // Not among the delivery's recipients, so the global secret decides, and it is not this one.
    assertThat(delivery.status()).isEqualTo(401);
    assertThat(gitRepos.get("tenant-a", "outside").status().getWebhookCommit()).isNull();
    assertThat(gitRepos.get("tenant-a", "outside").status().getCommit()).isNull();
    assertThat(git.infoRefsRequests("outside")).as("requests the restricted GitRepo made").isZero();
  }

  @Test
  void aPolicysDefaultSecretServesAGitRepoThatNamesNoneAndAllowedOnesPoll() {
    git.createRepository("private");
    git.requireBasicAuth("private", "tenant", "pa55");
    String head = git.commit("private", "main");
    gitRepos.ensureNamespace("tenant-b");
    RestrictionObjects.policy(
        api.client(),
        "tenant-b",
        "defaults",
        Map.of(
            "allowedRepoPatterns",
            List.of("http://127\\.0\\.0\\.1:[0-9]+/.*"),
            "defaultClientSecretName",
            "tenant-git"));
    gitRepos.basicAuth("tenant-b", "tenant-git", "tenant", "pa55");
    gitRepos.create(
        "tenant-b",
        "private",
        git.url("private"),
        s -> {
          s.setBranch("main");
          s.setPollingInterval("1s");
        });

    await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> head.equals(gitRepos.get("tenant-b", "private").status().getCommit()));
  }

  /**
   * Waits until Gitwatch applies the namespace's restriction objects: a probe GitRepo on another
   * repository is refused.
   */
  private void awaitRestricted(String namespace) {
    git.createRepository(namespace + "-probe");
    gitRepos.create(
        namespace,
        "probe",
        git.url(namespace + "-probe"),
        s -> {
          s.setBranch("main");
          s.setPollingInterval("1s");
        });
    await()
        .atMost(Duration.ofSeconds(20))
        .until(
            () -> gitPolling(namespace, "probe").map(GitRepoCondition::getReason),
            r -> r.filter("Restricted"::equals).isPresent());
  }

  private Optional<GitRepoCondition> gitPolling(String namespace, String name) {
    return gitRepos.condition(namespace, name, "GitPolling");
  }
}
