package io.gitwatch.gitrepo;

import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.util.Optional;

/**
 * A real Kubernetes store on a client, for tests of other features that read and write GitRepos.
 */
public final class KubernetesStores {

  private KubernetesStores() {}

  /**
   * Starts a store watching every namespace, reading Secrets afresh each time; close it with {@link
   * KubernetesGitRepoStore#stop}.
   */
  public static KubernetesGitRepoStore start(KubernetesClient client, GitRepoIndex index) {
    var store = new KubernetesGitRepoStore();
    store.client = client;
    store.index = index;
    store.watchNamespaces = Optional.empty();
    store.writeAttempts = 10;
    store.writeTimeout = Duration.ofSeconds(5);
    store.secretCacheSeconds = 0;
    store.namespace = "gitwatch";
    store.start();
    return store;
  }
}
