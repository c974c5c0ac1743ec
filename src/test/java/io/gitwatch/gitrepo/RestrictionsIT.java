package io.gitwatch.gitrepo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
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
    restriction(
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

    assertThat(delivery.status()).isIn(200, 401);
    assertThat(gitRepos.get("tenant-a", "outside").status().getWebhookCommit()).isNull();
    assertThat(gitRepos.get("tenant-a", "outside").status().getCommit()).isNull();
    assertThat(git.infoRefsRequests("outside")).as("requests the restricted GitRepo made").isZero();
  }

  @Test
  void aPolicysDefaultSecretServesAGitRepoThatNamesNoneAndAllowedOnesPoll() {
    git.createRepository("private");
    git.requireBasicAuth("private", "tenant", "pa55");
    String head = git.commit("private", "main");
    policy(
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
    var conditions = gitRepos.get(namespace, name).status().getConditions();
    return conditions == null
        ? Optional.empty()
        : conditions.stream().filter(c -> "GitPolling".equals(c.getType())).findFirst();
  }

  private void restriction(String namespace, String name, Map<String, Object> fields) {
    create(RestrictionInformers.GIT_REPO_RESTRICTIONS, namespace, name, fields);
  }

  private void policy(String namespace, String name, Map<String, Object> gitRepoFields) {
    create(RestrictionInformers.POLICIES, namespace, name, Map.of("gitRepo", gitRepoFields));
  }

  private void create(
      io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext kind,
      String namespace,
      String name,
      Map<String, Object> fields) {
    gitRepos.ensureNamespace(namespace);
    GenericKubernetesResource resource =
        new GenericKubernetesResourceBuilder()
            .withApiVersion("fleet.cattle.io/v1alpha1")
            .withKind(kind.getKind())
            .withNewMetadata()
            .withNamespace(namespace)
            .withName(name)
            .endMetadata()
            .build();
    resource.getAdditionalProperties().putAll(fields);
    api.client()
        .genericKubernetesResources(kind)
        .inNamespace(namespace)
        .resource(resource)
        .create();
  }
}
