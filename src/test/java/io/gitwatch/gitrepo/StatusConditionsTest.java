package io.gitwatch.gitrepo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.gitwatch.testing.ApiServer;
import io.gitwatch.testing.GitRepos;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The Kubernetes store writes its own condition into the GitRepo's list, never a copy of the
 * others' conditions without a precondition, in fabric8's mock API server.
 *
 * <p>The mock applies a JSON merge patch by appending to lists (a real API server replaces them,
 * RFC 7386), so these tests read the patch the API server received; {@code FleetCrdRealApiIT}
 * checks the stored result, with a concurrent writer, on a real one.
 */
class StatusConditionsTest {

  final ApiServer api = ApiServer.start();
  final GitRepos gitRepos = new GitRepos(api.client());
  final KubernetesGitRepoStore store = store();

  @AfterEach
  void stop() {
    api.stop();
  }

  @Test
  void replacesItsOwnConditionInPlace() {
    gitRepos.create("team", "app", "https://github.com/team/app", spec -> {});
    fleetWrites(
        "[{\"type\":\"GitPolling\",\"status\":\"False\"},{\"type\":\"Ready\",\"status\":\"True\"}]");

    store.patchStatus(gitRepos.get("team", "app"), gitPolling("True"));

    var conditions = lastPatch().status().getConditions();
    assertThat(conditions)
        .as(api.writes().toString())
        .extracting(GitRepoCondition::getType)
        .containsExactly("GitPolling", "Ready");
    assertThat(conditions.get(0).getStatus()).isEqualTo("True");
  }

  @Test
  void writesFieldsWithoutConditionsWhateverTheCopysAge() {
    gitRepos.create("team", "app", "https://github.com/team/app", spec -> {});
    GitRepo copy = gitRepos.get("team", "app");
    fleetWrites("[{\"type\":\"Ready\",\"status\":\"True\"}]");
    var patch = new GitRepoStatus();
    patch.setWebhookCommit("abc");

    store.patchStatus(copy, patch);

    GitRepoStatus status = gitRepos.get("team", "app").status();
    assertThat(status.getWebhookCommit()).isEqualTo("abc");
    assertThat(status.getConditions())
        .extracting(GitRepoCondition::getType)
        .containsExactly("Ready");
  }

  @Test
  void aStaleCopysConditionIsMergedIntoWhatOthersWroteSince() {
    gitRepos.create("team", "app", "https://github.com/team/app", spec -> {});
    GitRepo copy = gitRepos.get("team", "app");
    fleetWrites(
        "[{\"type\":\"GitPolling\",\"status\":\"False\"},{\"type\":\"Ready\",\"status\":\"True\"}]");

    store.patchStatus(copy, gitPolling("True"));

    // The copy's resourceVersion is refused (409); the list is merged again into the stored one.
    var conditions = lastPatch().status().getConditions();
    assertThat(conditions)
        .as(api.writes().toString())
        .extracting(GitRepoCondition::getType, GitRepoCondition::getStatus)
        .containsExactly(tuple("GitPolling", "True"), tuple("Ready", "True"));
  }

  /** The last status patch the API server received, as a GitRepo. */
  private GitRepo lastPatch() {
    var writes = api.writes();

    return Serialization.unmarshal(writes.get(writes.size() - 1).body(), GitRepo.class);
  }

  private void fleetWrites(String conditions) {
    api.client()
        .resources(GitRepo.class)
        .inNamespace("team")
        .withName("app")
        .subresource("status")
        // A JSON Patch, which the mock applies correctly (see the class comment).
        .patch(
            PatchContext.of(PatchType.JSON),
            "[{\"op\":\"add\",\"path\":\"/status\",\"value\":{\"conditions\":"
                + conditions
                + "}}]");
  }

  private static GitRepoStatus gitPolling(String value) {
    var condition = new GitRepoCondition();
    condition.setType("GitPolling");
    condition.setStatus(value);
    var patch = new GitRepoStatus();
    patch.setConditions(List.of(condition));
    return patch;
  }

  private KubernetesGitRepoStore store() {
    var store = new KubernetesGitRepoStore();
    store.client = api.client();
    store.index = new GitRepoIndex();
    store.namespace = "gitwatch";
    store.watchNamespaces = Optional.of(List.of("team"));
    store.writeAttempts = 4;
    store.writeTimeout = Duration.ofSeconds(5);
    store.secretCacheSeconds = 10;
    store.start();
    return store;
  }
}
