package io.gitwatch;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Inject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The one Kubernetes client, configured the standard fabric8 way (in-cluster service account,
 * {@code KUBECONFIG}, {@code ~/.kube/config}, {@code KUBERNETES_MASTER}) unless {@code
 * gitwatch.kubernetes.kubeconfig} names a kubeconfig file; created only when the Kubernetes store
 * is in use.
 */
@ApplicationScoped
public class KubernetesClients {

  @Inject
  @ConfigProperty(name = "gitwatch.kubernetes.kubeconfig")
  Optional<String> kubeconfig;

  @Produces
  @ApplicationScoped
  KubernetesClient client() throws IOException {
    Config config =
        kubeconfig.isPresent()
            ? Config.fromKubeconfig(Files.readString(Path.of(kubeconfig.get())))
            : Config.autoConfigure(null);
    // Writers retry a bounded number of times themselves and then answer 503; the client's own
    // backoff would hold a provider's delivery for minutes.
    config.setRequestRetryBackoffLimit(0);
    return new KubernetesClientBuilder().withConfig(config).build();
  }

  void close(@Disposes KubernetesClient client) {
    client.close();
  }
}
