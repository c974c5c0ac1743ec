package io.gitwatch.bench.echopatch;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * A Kubernetes client set up exactly as {@code io.gitwatch.KubernetesClients} sets up Gitwatch's:
 * the standard configuration (the test server's {@code KUBERNETES_MASTER}, the mock API server),
 * fabric8's JDK HTTP client, no client-side retry backoff.
 */
@ApplicationScoped
public class CeilingClient {

  private KubernetesClient client;

  @PostConstruct
  void open() {
    Config config = Config.autoConfigure(null);
    config.setRequestRetryBackoffLimit(0);
    client = new KubernetesClientBuilder().withConfig(config).build();
  }

  KubernetesClient client() {
    return client;
  }

  @PreDestroy
  void close() {
    client.close();
  }
}
