package io.gitwatch.gitrepo;

import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedThreadFactory;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Typed;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.logging.Logger;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * GitRepos from the Kubernetes API: an informer per watched namespace (or one for all) feeds the
 * index; status is written with JSON merge patches on {@code /status}; Secrets are read with a GET
 * and cached briefly, so Gitwatch needs no cluster-wide Secret list or watch.
 */
@ApplicationScoped
@Typed(KubernetesGitRepoStore.class)
public class KubernetesGitRepoStore implements GitRepoStore {

  private static final Logger LOG = Logger.getLogger(KubernetesGitRepoStore.class.getName());

  @Inject KubernetesClient client;
  @Resource ManagedThreadFactory threads;
  @Inject GitRepoIndex index;

  @Inject
  @ConfigProperty(name = "gitwatch.watch-namespaces")
  Optional<List<String>> watchNamespaces;

  @Inject
  @ConfigProperty(name = "gitwatch.kubernetes.write-attempts", defaultValue = "4")
  int writeAttempts;

  // Retries stop this long after the first try, so a delivery waiting on a write is answered.
  @Inject
  @ConfigProperty(name = "gitwatch.kubernetes.write-timeout", defaultValue = "5s")
  Duration writeTimeout;

  @Inject
  @ConfigProperty(name = "gitwatch.kubernetes.secret-cache-seconds", defaultValue = "10")
  int secretCacheSeconds;

  @Inject
  @ConfigProperty(name = "gitwatch.namespace", defaultValue = "cattle-fleet-system")
  String namespace;

  private final List<SharedIndexInformer<GitRepo>> informers = new ArrayList<>();
  private RestrictionInformers restrictions;
  private static final Duration REACHABILITY_TTL = Duration.ofSeconds(2);
  private volatile long reachabilityCheckedAt = System.nanoTime() - Duration.ofHours(1).toNanos();
  private volatile boolean reachable;
  private volatile boolean stopped;
  private StatusPatches statusPatches;
  private CallDeadline calls;
  private CachedReads reads;

  @PostConstruct
  void start() {
    // A second past the client's own request timeout, which answers first when it can.
    calls =
        new CallDeadline(
            Duration.ofMillis(client.getConfiguration().getRequestTimeout() + 1000L),
            // plain tests start the store without a container
            threads != null ? threads : Executors.defaultThreadFactory());
    statusPatches = new StatusPatches(client, writeAttempts, writeTimeout, calls);
    reads = new CachedReads(client, Duration.ofSeconds(secretCacheSeconds), calls);
    var gitRepos = client.resources(GitRepo.class);
    List<String> namespaces = watchNamespaces.orElse(List.of());
    if (namespaces.isEmpty()) {
      informers.add(gitRepos.inAnyNamespace().runnableInformer(0));
    } else {
      namespaces.forEach(ns -> informers.add(gitRepos.inNamespace(ns.trim()).runnableInformer(0)));
    }
    for (SharedIndexInformer<GitRepo> informer : informers) {
      informer.addEventHandler(new IndexUpdater());
      // Keep retrying the initial list when the API server is not reachable yet: readiness says so.
      informer.exceptionHandler(
          (started, t) -> {
            LOG.warning("GitRepo informer: " + t.getMessage() + " (retrying)");
            return true;
          });
      informer.start();
    }
    restrictions = new RestrictionInformers(client);
    restrictions.start(namespaces.stream().map(String::trim).toList());
    LOG.info("Watching GitRepos in " + (namespaces.isEmpty() ? "all namespaces" : namespaces));
  }

  @PreDestroy
  @Override
  public void stop() {
    if (stopped) {
      return;
    }
    stopped = true;
    informers.forEach(SharedIndexInformer::stop);
    if (calls != null) {
      calls.stop();
    }
    if (restrictions != null) {
      restrictions.stop();
    }
  }

  @Override
  public boolean isSynced() {
    return informers.stream().allMatch(SharedIndexInformer::hasSynced) && restrictions.isSynced();
  }

  @Override
  public Restrictions restrictions(String namespace) {
    return restrictions.of(namespace);
  }

  @Override
  public boolean isReachable() {
    // A watch that is still open says little about a server that stopped answering: ask it, at
    // most every few seconds however often the probe comes.
    long now = System.nanoTime();
    if (now - reachabilityCheckedAt > REACHABILITY_TTL.toNanos()) {
      reachabilityCheckedAt = now;
      try {
        client.getKubernetesVersion();
        reachable = informers.stream().allMatch(SharedIndexInformer::isWatching);
      } catch (KubernetesClientException e) {
        reachable = false;
      }
    }
    return reachable;
  }

  @Override
  public boolean patchStatus(GitRepo gitRepo, GitRepoStatus patch) {
    return statusPatches.patch(gitRepo, patch);
  }

  @Override
  public void recordEvent(GitRepo gitRepo, boolean warning, String reason, String message) {
    String now = Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
    var event =
        new EventBuilder()
            .withNewMetadata()
            .withNamespace(gitRepo.getMetadata().getNamespace())
            .withGenerateName(gitRepo.getMetadata().getName() + ".")
            .endMetadata()
            .withNewInvolvedObject()
            .withApiVersion(gitRepo.getApiVersion())
            .withKind(gitRepo.getKind())
            .withNamespace(gitRepo.getMetadata().getNamespace())
            .withName(gitRepo.getMetadata().getName())
            .withUid(gitRepo.getMetadata().getUid())
            .endInvolvedObject()
            .withType(warning ? "Warning" : "Normal")
            .withReason(reason)
            .withMessage(message)
            .withFirstTimestamp(now)
            .withLastTimestamp(now)
            .withCount(1)
            .withNewSource()
            .withComponent("gitwatch")
            .endSource()
            .build();
    try {
      calls.call(
          "recording an event on " + gitRepo.id(),
          () ->
              client
                  .v1()
                  .events()
                  .inNamespace(gitRepo.getMetadata().getNamespace())
                  .resource(event)
                  .create());
    } catch (StoreUnavailable e) {
      LOG.fine(() -> "Could not record event " + reason + " on " + gitRepo.id() + ": " + e);
    } catch (KubernetesClientException e) {
      LOG.fine(
          () ->
              "Could not record event " + reason + " on " + gitRepo.id() + ": HTTP " + e.getCode());
    }
  }

  @Override
  public Optional<StoredSecret> storedSecret(String namespace, String name) {
    return reads.secret(namespace, name);
  }

  @Override
  public Optional<Map<String, String>> configMap(String namespace, String name) {
    return reads.configMap(namespace, name);
  }

  @Override
  public boolean isLocal() {
    return false;
  }

  // A callback already queued when the application stops must not reach beans that are going; one
  // that was running when they went finds them gone (see ApplicationStopping).
  private void unlessStopped(Runnable callback) {
    if (stopped) {
      return;
    }
    try {
      callback.run();
    } catch (RuntimeException e) {
      if (!stopped && !ApplicationStopping.caused(e)) {
        throw e;
      }
      LOG.fine(() -> "A GitRepo change met the application stopping: " + e);
    }
  }

  private class IndexUpdater implements ResourceEventHandler<GitRepo> {
    @Override
    public void onAdd(GitRepo gitRepo) {
      unlessStopped(() -> index.put(gitRepo));
    }

    @Override
    public void onUpdate(GitRepo oldGitRepo, GitRepo gitRepo) {
      unlessStopped(() -> index.put(gitRepo));
    }

    @Override
    public void onDelete(GitRepo gitRepo, boolean deletedFinalStateUnknown) {
      unlessStopped(() -> index.remove(gitRepo));
    }
  }
}
