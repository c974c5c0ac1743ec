package io.gitwatch.gitrepo;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.BeforeDestroyed;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Inject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.logging.Logger;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Chooses the GitRepo store, the one place that knows which is in use: {@code gitwatch.store}, or
 * when unset, Kubernetes if a cluster is configured (including {@code
 * gitwatch.kubernetes.kubeconfig}) and the file store otherwise.
 */
@ApplicationScoped
public class GitRepoStores {

  private static final Logger LOG = Logger.getLogger(GitRepoStores.class.getName());

  @Inject
  @ConfigProperty(name = "gitwatch.store")
  Optional<String> configured;

  /** The kubeconfig KubernetesClients uses instead of the standard lookup: a cluster too. */
  @Inject
  @ConfigProperty(name = "gitwatch.kubernetes.kubeconfig")
  Optional<String> kubeconfig;

  @Inject Instance<KubernetesGitRepoStore> kubernetes;
  @Inject Instance<FileGitRepoStore> file;

  @Produces
  @ApplicationScoped
  GitRepoStore store() {
    String kind = configured.map(String::trim).orElseGet(() -> detect(kubeconfig.isPresent()));
    LOG.info("GitRepo store: " + kind + (configured.isPresent() ? "" : " (detected)"));
    return switch (kind) {
      case "kubernetes" -> kubernetes.get();
      case "file" -> file.get();
      default ->
          throw new IllegalStateException(
              "gitwatch.store must be 'kubernetes' or 'file', not '" + kind + "'");
    };
  }

  /** Starts the store with the application, so GitRepos are loaded before the first delivery. */
  void startWithApplication(
      @Observes @Initialized(ApplicationScoped.class) Object ignored, GitRepoStore store) {
    store.isSynced();
  }

  /**
   * Stops the store first when the application stops: its watchers and Lease callbacks call into
   * the polling beans, which must not see a change once they are going away.
   */
  void stopFirst(
      @Observes @BeforeDestroyed(ApplicationScoped.class) Object ignored, GitRepoStore store) {
    store.stop();
  }

  static String detect(boolean kubeconfigConfigured) {
    boolean inCluster = System.getenv("KUBERNETES_SERVICE_HOST") != null;
    boolean master =
        System.getenv("KUBERNETES_MASTER") != null
            || System.getProperty("kubernetes.master") != null;
    boolean kubeconfig =
        kubeconfigConfigured
            || System.getenv("KUBECONFIG") != null
            || Files.isReadable(Path.of(System.getProperty("user.home"), ".kube", "config"));
    return inCluster || master || kubeconfig ? "kubernetes" : "file";
  }
}
