package io.gitwatch.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.gitwatch.gitrepo.GitRepoId;
import io.gitwatch.gitrepo.GitRepoIndex;
import io.gitwatch.gitrepo.KubernetesGitRepoStore;
import io.gitwatch.gitrepo.KubernetesStores;
import io.gitwatch.testing.GitRepos;
import io.gitwatch.testing.RealApiServer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The receiver URL published on a real kube-apiserver with Fleet's own CRD, whose status schema
 * prunes unknown fields: the {@code WebhookReceiver} condition survives, and reading it as {@code
 * kubectl get gitrepo app -o jsonpath='{.status.conditions[?(@.type=="WebhookReceiver")].message}'}
 * does gives the path, which follows the token.
 */
class ReceiverConditionRealApiIT {

  @RegisterExtension static final RealApiServer api = new RealApiServer(RealApiServer.Crds.FLEET);

  static final GitRepoId APP = new GitRepoId("receivers", "app");

  final GitRepoIndex index = new GitRepoIndex();
  final GitRepos gitRepos = new GitRepos(api.client());
  final Receivers receivers = new Receivers();
  KubernetesGitRepoStore store;

  @BeforeEach
  void start() {
    store = KubernetesStores.start(api.client(), index);
    var secrets = new WebhookSecrets();
    secrets.store = store;
    secrets.namespace = "gitwatch";
    receivers.gitRepos = index;
    receivers.secrets = secrets;
    receivers.writer = new ReceiverStatusWriter();
    receivers.writer.store = store;
    receivers.leading = true;
  }

  @AfterEach
  void stop() {
    store.stop();
  }

  @Test
  void theConditionSurvivesFleetsSchemaAndFollowsTheToken() {
    gitRepos.secret("receivers", "hook", Map.of("token", "first-t0ken"));
    gitRepos.create("receivers", "app", "https://git.example/app", s -> s.setWebhookSecret("hook"));
    await().atMost(Duration.ofSeconds(20)).until(() -> index.get(APP).isPresent());

    receivers.refresh(APP);

    String first = ReceiverIndex.digest(APP, "first-t0ken");
    assertThat(receiverCondition().orElseThrow())
        .containsEntry("status", "True")
        .containsEntry("reason", "Published")
        .containsEntry("message", "POST /hook/" + first);

    gitRepos.secret("receivers", "hook", Map.of("token", "second-t0ken"));
    awaitIndexed();
    receivers.refresh(APP);

    String second = ReceiverIndex.digest(APP, "second-t0ken");
    assertThat(receiverCondition().orElseThrow()).containsEntry("message", "POST /hook/" + second);
    assertThat(receivers.find(first)).isEmpty();
    assertThat(receivers.find(second)).isPresent();

    gitRepos.secret("receivers", "hook", Map.of("github", "no-token-now"));
    awaitIndexed();
    receivers.refresh(APP);

    assertThat(receiverCondition().orElseThrow())
        .containsEntry("status", "False")
        .containsEntry("reason", "NoToken");
    assertThat(receivers.find(second)).isEmpty();
  }

  /** Waits until the index holds the GitRepo as the API server has it now. */
  private void awaitIndexed() {
    String version = gitRepos.get(APP.namespace(), APP.name()).getMetadata().getResourceVersion();
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () -> version.equals(index.get(APP).orElseThrow().getMetadata().getResourceVersion()));
  }

  /** The stored condition, read untyped: what {@code kubectl} shows, not what our model keeps. */
  @SuppressWarnings("unchecked")
  private Optional<Map<String, Object>> receiverCondition() {
    GenericKubernetesResource raw =
        api.client()
            .genericKubernetesResources("fleet.cattle.io/v1alpha1", "GitRepo")
            .inNamespace(APP.namespace())
            .withName(APP.name())
            .get();
    Object status = raw.getAdditionalProperties().get("status");
    if (!(status instanceof Map<?, ?> fields)
        || !(fields.get("conditions") instanceof List<?> conditions)) {
      return Optional.empty();
    }
    return conditions.stream()
        .map(c -> (Map<String, Object>) c)
        .filter(c -> "WebhookReceiver".equals(c.get("type")))
        .findFirst();
  }
}
