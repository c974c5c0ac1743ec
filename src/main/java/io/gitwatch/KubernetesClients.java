package io.gitwatch;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;

/**
 * The one Kubernetes client, configured the standard fabric8 way (in-cluster service account,
 * {@code KUBECONFIG}, {@code ~/.kube/config}, {@code KUBERNETES_MASTER}); created only when the
 * Kubernetes store is in use.
 */
@ApplicationScoped
public class KubernetesClients {

  @Produces
  @ApplicationScoped
  KubernetesClient client() {
    Config config = Config.autoConfigure(null);
    // Writers retry a bounded number of times themselves and then answer 503; the client's own
    // backoff would hold a provider's delivery for minutes.
    config.setRequestRetryBackoffLimit(0);
    return new KubernetesClientBuilder().withConfig(config).build();
  }

  void close(@Disposes KubernetesClient client) {
    client.close();
  }
}
