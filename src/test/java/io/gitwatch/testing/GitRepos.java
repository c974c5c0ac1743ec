package io.gitwatch.testing;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.gitwatch.gitrepo.GitRepo;
import io.gitwatch.gitrepo.GitRepoCondition;
import io.gitwatch.gitrepo.GitRepoSpec;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/** Creates GitRepos and Secrets in an API server the way a user would apply them. */
public final class GitRepos {

  private final KubernetesClient client;

  public GitRepos(KubernetesClient client) {
    this.client = client;
  }

  public GitRepo create(String namespace, String name, String repo, Consumer<GitRepoSpec> more) {
    ensureNamespace(namespace);
    var spec = new GitRepoSpec();
    spec.setRepo(repo);
    more.accept(spec);
    var gitRepo = new GitRepo();
    gitRepo.setMetadata(new ObjectMetaBuilder().withNamespace(namespace).withName(name).build());
    gitRepo.setSpec(spec);
    return client.resources(GitRepo.class).inNamespace(namespace).resource(gitRepo).create();
  }

  public GitRepo get(String namespace, String name) {
    return client.resources(GitRepo.class).inNamespace(namespace).withName(name).get();
  }

  /** The GitRepo's condition of this type; empty while the GitRepo or the condition is absent. */
  public Optional<GitRepoCondition> condition(String namespace, String name, String type) {
    GitRepo gitRepo = get(namespace, name);
    if (gitRepo == null || gitRepo.status().getConditions() == null) {
      return Optional.empty();
    }
    return gitRepo.status().getConditions().stream()
        .filter(c -> type.equals(c.getType()))
        .findFirst();
  }

  /**
   * Sets labels as {@code kubectl label} does: a merge patch without a resourceVersion, so a status
   * write by Gitwatch in between is no conflict.
   */
  public void label(String namespace, String name, Map<String, String> labels) {
    client
        .resources(GitRepo.class)
        .inNamespace(namespace)
        .withName(name)
        .patch(
            PatchContext.of(PatchType.JSON_MERGE),
            Serialization.asJson(Map.of("metadata", Map.of("labels", labels))));
  }

  public void delete(String namespace, String name) {
    client.resources(GitRepo.class).inNamespace(namespace).withName(name).delete();
  }

  /** A {@code kubernetes.io/basic-auth} Secret, as polling credentials. */
  public void basicAuth(String namespace, String name, String username, String password) {
    ensureNamespace(namespace);
    client
        .secrets()
        .inNamespace(namespace)
        .resource(
            new SecretBuilder()
                .withNewMetadata()
                .withNamespace(namespace)
                .withName(name)
                .endMetadata()
                .withType("kubernetes.io/basic-auth")
                .withStringData(Map.of("username", username, "password", password))
                .build())
        .create();
  }

  /** Deletes every GitRepo in {@code namespace}, one by one as a user's script would. */
  public void deleteAll(String namespace) {
    for (GitRepo gitRepo :
        client.resources(GitRepo.class).inNamespace(namespace).list().getItems()) {
      delete(namespace, gitRepo.getMetadata().getName());
    }
  }

  public int count() {
    return client.resources(GitRepo.class).inAnyNamespace().list().getItems().size();
  }

  public void secret(String namespace, String name, Map<String, String> data) {
    ensureNamespace(namespace);
    client
        .secrets()
        .inNamespace(namespace)
        .resource(
            new SecretBuilder()
                .withNewMetadata()
                .withNamespace(namespace)
                .withName(name)
                .endMetadata()
                .withStringData(data)
                .build())
        .createOr(existing -> existing.update());
  }

  public void ensureNamespace(String namespace) {
    if (client.namespaces().withName(namespace).get() == null) {
      client
          .namespaces()
          .resource(
              new NamespaceBuilder().withNewMetadata().withName(namespace).endMetadata().build())
          .create();
    }
  }
}
