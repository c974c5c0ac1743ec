package io.gitwatch;

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
    return new KubernetesClientBuilder().build();
  }

  void close(@Disposes KubernetesClient client) {
    client.close();
  }
}
