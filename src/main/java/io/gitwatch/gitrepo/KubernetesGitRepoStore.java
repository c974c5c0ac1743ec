package io.gitwatch.gitrepo;

import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderElectionConfig;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderElectionConfigBuilder;
import io.fabric8.kubernetes.client.extended.leaderelection.resourcelock.LeaseLock;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.utils.Serialization;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Typed;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
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
  @Inject GitRepoIndex index;

  @Inject
  @ConfigProperty(name = "gitwatch.watch-namespaces")
  Optional<List<String>> watchNamespaces;

  @Inject
  @ConfigProperty(name = "gitwatch.kubernetes.write-attempts", defaultValue = "4")
  int writeAttempts;

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
  private volatile CompletableFuture<?> election;
  private volatile boolean stopped;
  private final Map<String, Cached<StoredSecret>> secrets = new ConcurrentHashMap<>();
  private final Map<String, Cached<Map<String, String>>> configMaps = new ConcurrentHashMap<>();

  private record Cached<T>(Optional<T> value, long expiresAtNanos) {}

  @PostConstruct
  void start() {
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
    if (election != null) {
      election.cancel(true); // releases the Lease, so another replica takes over at once
    }
    informers.forEach(SharedIndexInformer::stop);
    if (restrictions != null) {
      restrictions.stop();
    }
  }

  @Override
  public void elect(String name, Duration leaseDuration, Runnable onStart, Runnable onStop) {
    String identity =
        Optional.ofNullable(System.getenv("HOSTNAME")).orElse("gitwatch")
            + "-"
            + UUID.randomUUID().toString().substring(0, 8);
    Duration retry =
        leaseDuration.dividedBy(5).compareTo(Duration.ofMillis(500)) < 0
            ? Duration.ofMillis(500)
            : leaseDuration.dividedBy(5);
    var config =
        new LeaderElectionConfigBuilder()
            .withName(name)
            .withLock(new LeaseLock(namespace, name, identity))
            .withLeaseDuration(leaseDuration)
            .withRenewDeadline(leaseDuration.multipliedBy(2).dividedBy(3))
            .withRetryPeriod(retry)
            .withReleaseOnCancel(true)
            .withLeaderCallbacks(
                new LeaderCallbacks(
                    () -> unlessStopped(onStart),
                    () -> unlessStopped(onStop),
                    leader -> LOG.info("Lease " + namespace + "/" + name + " held by " + leader)))
            .build();
    campaign(config, retry);
  }

  // A lost lease ends an election: stand again, until the application stops.
  private void campaign(LeaderElectionConfig config, Duration retry) {
    if (stopped) {
      return;
    }
    election = client.leaderElector().withConfig(config).build().start();
    election.whenComplete(
        (done, failure) ->
            CompletableFuture.delayedExecutor(retry.toMillis(), TimeUnit.MILLISECONDS)
                .execute(() -> campaign(config, retry)));
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
    var resource =
        client
            .resources(GitRepo.class)
            .inNamespace(gitRepo.getMetadata().getNamespace())
            .withName(gitRepo.getMetadata().getName());
    GitRepo base = gitRepo;
    for (int attempt = 1; ; attempt++) {
      try {
        resource
            .subresource("status")
            .patch(PatchContext.of(PatchType.JSON_MERGE), body(base, patch));
        return true;
      } catch (KubernetesClientException e) {
        if (e.getCode() == 404) {
          return false;
        }
        if (!isTransient(e) || attempt >= writeAttempts) {
          throw new StoreUnavailable(
              "status write of " + gitRepo.id() + " failed (HTTP " + e.getCode() + ")", e);
        }
        LOG.fine(() -> "Retrying status write of " + gitRepo.id() + ": HTTP " + e.getCode());
        if (e.getCode() == 409 && patch.getConditions() != null) {
          // Someone wrote the GitRepo since our copy: merge into what it holds now.
          base = current(resource, gitRepo);
          if (base == null) {
            return false;
          }
        } else {
          pause(Duration.ofMillis(100L << (attempt - 1)));
        }
      }
    }
  }

  /**
   * A merge patch replaces a list whole, so conditions are merged by type into {@code base}'s and
   * sent with its resourceVersion: if anyone (Fleet) wrote the GitRepo since, the API server
   * answers 409 instead of letting a stale copy of their conditions overwrite theirs.
   */
  @SuppressWarnings("unchecked")
  private static String body(GitRepo base, GitRepoStatus patch) {
    if (patch.getConditions() == null) {
      return Serialization.asJson(Map.of("status", patch));
    }
    Map<String, Object> status =
        new HashMap<>(Serialization.unmarshal(Serialization.asJson(patch), Map.class));
    status.put(
        "conditions", GitRepoCondition.merge(base.status().getConditions(), patch.getConditions()));
    Map<String, Object> body = new HashMap<>();
    body.put("status", status);
    String resourceVersion = base.getMetadata().getResourceVersion();
    if (resourceVersion != null) {
      body.put("metadata", Map.of("resourceVersion", resourceVersion));
    }
    return Serialization.asJson(body);
  }

  private static GitRepo current(Resource<GitRepo> resource, GitRepo gitRepo) {
    try {
      return resource.get();
    } catch (KubernetesClientException e) {
      throw new StoreUnavailable(
          "reading " + gitRepo.id() + " to merge its conditions failed (HTTP " + e.getCode() + ")",
          e);
    }
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
      client
          .v1()
          .events()
          .inNamespace(gitRepo.getMetadata().getNamespace())
          .resource(event)
          .create();
    } catch (KubernetesClientException e) {
      LOG.fine(
          () ->
              "Could not record event " + reason + " on " + gitRepo.id() + ": HTTP " + e.getCode());
    }
  }

  @Override
  public Optional<Map<String, String>> secret(String namespace, String name) {
    return storedSecret(namespace, name).map(StoredSecret::data);
  }

  @Override
  public Optional<StoredSecret> storedSecret(String namespace, String name) {
    return cached(
        secrets,
        namespace,
        name,
        "Secret",
        () ->
            Optional.ofNullable(client.secrets().inNamespace(namespace).withName(name).get())
                .map(s -> new StoredSecret(s.getType(), decode(s))));
  }

  @Override
  public Optional<Map<String, String>> configMap(String namespace, String name) {
    return cached(
        configMaps,
        namespace,
        name,
        "ConfigMap",
        () ->
            Optional.ofNullable(client.configMaps().inNamespace(namespace).withName(name).get())
                .map(
                    c -> c.getData() == null ? Map.<String, String>of() : Map.copyOf(c.getData())));
  }

  @Override
  public boolean isLocal() {
    return false;
  }

  // Read by name with a GET and reused briefly: no cluster-wide list or watch, and no GET per poll.
  private <T> Optional<T> cached(
      Map<String, Cached<T>> cache,
      String namespace,
      String name,
      String kind,
      java.util.function.Supplier<Optional<T>> read) {
    String id = namespace + "/" + name;
    Cached<T> cached = cache.get(id);
    if (cached != null && System.nanoTime() - cached.expiresAtNanos() < 0) {
      return cached.value();
    }
    Optional<T> value;
    try {
      value = read.get();
    } catch (KubernetesClientException e) {
      throw new StoreUnavailable(
          "reading " + kind + " " + id + " failed (HTTP " + e.getCode() + ")", e);
    }
    cache.put(
        id,
        new Cached<>(value, System.nanoTime() + Duration.ofSeconds(secretCacheSeconds).toNanos()));
    return value;
  }

  private static Map<String, String> decode(Secret secret) {
    var data = new HashMap<String, String>();
    if (secret.getData() != null) {
      Base64.Decoder base64 = Base64.getMimeDecoder();
      secret
          .getData()
          .forEach((k, v) -> data.put(k, new String(base64.decode(v), StandardCharsets.UTF_8)));
    }
    if (secret.getStringData() != null) {
      data.putAll(secret.getStringData());
    }
    return Map.copyOf(data);
  }

  // 409 (a conflicting writer), 429 and 5xx pass; 0 is a connection that never got an answer.
  private static boolean isTransient(KubernetesClientException e) {
    int code = e.getCode();
    return code == 0 || code == 409 || code == 429 || code >= 500;
  }

  private static void pause(Duration duration) {
    try {
      Thread.sleep(duration.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new StoreUnavailable("interrupted while retrying a status write", e);
    }
  }

  // A callback already queued when the application stops must not reach beans that are going.
  private void unlessStopped(Runnable callback) {
    if (!stopped) {
      callback.run();
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
