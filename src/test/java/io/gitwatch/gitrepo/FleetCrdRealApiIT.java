package io.gitwatch.gitrepo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.gitwatch.testing.GitRepos;
import io.gitwatch.testing.RealApiServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The Kubernetes store against a real kube-apiserver with Fleet's own CRDs (from its chart): what
 * Gitwatch writes survives Fleet's status schema, Fleet's conditions survive Gitwatch's writes, and
 * Fleet's restriction objects are read.
 */
class FleetCrdRealApiIT {

  @RegisterExtension static final RealApiServer api = new RealApiServer(RealApiServer.Crds.FLEET);

  final List<KubernetesGitRepoStore> stores = new ArrayList<>();

  @AfterEach
  void stopStores() {
    stores.forEach(KubernetesGitRepoStore::stop);
  }

  @Test
  void everyStatusFieldGitwatchWritesSurvivesFleetsSchema() {
    GitRepo created =
        new GitRepos(api.client()).create("fields", "app", "https://git.example/app", s -> {});
    var patch = new GitRepoStatus();
    patch.setWebhookCommit("0123456789abcdef0123456789abcdef01234567");
    patch.setLastWebhookTime("2026-11-30T10:00:00Z");
    patch.setCommit("89abcdef0123456789abcdef0123456789abcdef");
    patch.setPollingCommit("89abcdef0123456789abcdef0123456789abcdef");
    patch.setLastPollingTriggered("2026-11-30T10:00:01Z");
    patch.setConditions(List.of(condition("GitPolling", "False", "Timeout", "no answer in 30s")));

    assertThat(store().patchStatus(created, patch)).isTrue();

    GitRepoStatus stored = get("fields", "app").status();
    assertThat(stored.getWebhookCommit()).isEqualTo(patch.getWebhookCommit());
    assertThat(stored.getLastWebhookTime()).isEqualTo(patch.getLastWebhookTime());
    assertThat(stored.getCommit()).isEqualTo(patch.getCommit());
    assertThat(stored.getPollingCommit()).isEqualTo(patch.getPollingCommit());
    assertThat(stored.getLastPollingTriggered()).isEqualTo(patch.getLastPollingTriggered());
    GitRepoCondition gitPolling = stored.getConditions().get(0);
    assertThat(gitPolling.getType()).isEqualTo("GitPolling");
    assertThat(gitPolling.getStatus()).isEqualTo("False");
    assertThat(gitPolling.getReason()).isEqualTo("Timeout");
    assertThat(gitPolling.getMessage()).isEqualTo("no answer in 30s");
    assertThat(gitPolling.getLastUpdateTime()).isEqualTo("2026-11-30T10:00:00Z");
  }

  @Test
  void fleetsConditionsWrittenConcurrentlyAreNeverLost() throws Exception {
    GitRepo created =
        new GitRepos(api.client()).create("race", "app", "https://git.example/app", s -> {});
    KubernetesGitRepoStore store = store();
    // Plays Fleet's controller: keeps rewriting its own conditions (Ready, Accepted, Stalled)
    // with merge patches of the whole list under its resourceVersion, as Fleet does, each one with
    // a new message, about 50 times a second.
    AtomicInteger fleetWrites = new AtomicInteger();
    AtomicInteger lastLanded = new AtomicInteger();
    ScheduledExecutorService fleet = Executors.newSingleThreadScheduledExecutor();
    // Far busier than Fleet, which writes a GitRepo's status a few times per sync.
    ScheduledFuture<?> fleetLoop =
        fleet.scheduleWithFixedDelay(
            () -> {
              int write = fleetWrites.incrementAndGet();
              if (fleetWritesItsConditions("race", "app", write)) {
                lastLanded.set(write);
              }
            },
            0,
            20,
            TimeUnit.MILLISECONDS);
    int gitwatchWrites = 0;
    try {
      await().atMost(Duration.ofSeconds(10)).until(() -> fleetWrites.get() > 3);
      for (int i = 0; i < 40; i++) {
        // Gitwatch writes from its (informer's) copy, which Fleet's writes keep making stale.
        GitRepo copy = i % 2 == 0 ? created : get("race", "app");
        var patch = new GitRepoStatus();
        patch.setConditions(
            List.of(condition("GitPolling", i % 2 == 0 ? "True" : "False", "Poll" + i, "m" + i)));
        store.patchStatus(copy, patch);
        gitwatchWrites++;
      }
    } finally {
      // Cancels the loop and lets its current write finish.
      fleet.shutdown();
      assertThat(fleet.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
    }
    // Only a write that failed (not one that met a 409) ends the loop before the shutdown.
    if (!fleetLoop.isCancelled()) {
      fleetLoop.get();
    }
    // Last, a write from the oldest copy, made before any of Fleet's conditions existed.
    var last = new GitRepoStatus();
    last.setConditions(List.of(condition("GitPolling", "True", "Poll" + gitwatchWrites, "last")));
    store.patchStatus(created, last);
    gitwatchWrites++;
    int lastFleetWrite = lastLanded.get();
    String lastGitwatchReason = "Poll" + (gitwatchWrites - 1);

    List<GitRepoCondition> conditions = get("race", "app").status().getConditions();
    assertThat(conditions)
        .extracting(GitRepoCondition::getType)
        .containsExactlyInAnyOrder("Ready", "Accepted", "Stalled", "GitPolling");
    assertThat(conditions)
        .filteredOn(c -> !c.getType().equals("GitPolling"))
        .allSatisfy(c -> assertThat(c.getMessage()).isEqualTo("fleet write " + lastFleetWrite));
    assertThat(conditions)
        .filteredOn(c -> c.getType().equals("GitPolling"))
        .singleElement()
        .satisfies(c -> assertThat(c.getReason()).isEqualTo(lastGitwatchReason));
  }

  @Test
  void readsFleetsRestrictionObjects() {
    api.namespace("tenant");
    RestrictionObjects.gitRepoRestriction(
        api.client(),
        "tenant",
        "only-github",
        Map.of(
            "allowedRepoPatterns",
            List.of("^https://github\\.com/tenant/"),
            "defaultClientSecretName",
            "tenant-git"));
    KubernetesGitRepoStore store = store();
    await().atMost(Duration.ofSeconds(20)).until(store::isSynced);

    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> !store.restrictions("tenant").admit(spec("https://evil.example/x")).allowed());
    Admission allowed = store.restrictions("tenant").admit(spec("https://github.com/tenant/app"));
    assertThat(allowed.allowed()).isTrue();
    assertThat(allowed.clientSecretName()).isEqualTo("tenant-git");
    assertThat(store.restrictions("other").admit(spec("https://evil.example/x")).allowed())
        .isTrue();
  }

  /** One write of Fleet's conditions; false when a concurrent write made it conflict (409). */
  private boolean fleetWritesItsConditions(String namespace, String name, int write) {
    String message = "fleet write " + write;
    // Fleet writes from its own copy too: the whole list, with our GitPolling as it last saw it.
    GitRepo current = get(namespace, name);
    List<GitRepoCondition> conditions = new ArrayList<>();
    for (String type : List.of("Ready", "Accepted", "Stalled")) {
      conditions.add(condition(type, "True", "Fleet", message));
    }
    if (current.status().getConditions() != null) {
      current.status().getConditions().stream()
          .filter(c -> c.getType().equals("GitPolling"))
          .findFirst()
          .ifPresent(conditions::add);
    }
    var body =
        Map.of(
            "metadata", Map.of("resourceVersion", current.getMetadata().getResourceVersion()),
            "status", Map.of("conditions", conditions));
    try {
      api.client()
          .resources(GitRepo.class)
          .inNamespace(namespace)
          .withName(name)
          .subresource("status")
          .patch(
              PatchContext.of(PatchType.JSON_MERGE),
              io.fabric8.kubernetes.client.utils.Serialization.asJson(body));
      return true;
    } catch (KubernetesClientException e) {
      if (e.getCode() != 409) {
        throw e;
      }
      return false;
    }
  }

  private KubernetesGitRepoStore store() {
    var store = KubernetesStores.start(api.client(), new GitRepoIndex());
    stores.add(store);
    return store;
  }

  private static GitRepo get(String namespace, String name) {
    return api.client().resources(GitRepo.class).inNamespace(namespace).withName(name).get();
  }

  private static GitRepoCondition condition(
      String type, String status, String reason, String message) {
    var condition = new GitRepoCondition();
    condition.setType(type);
    condition.setStatus(status);
    condition.setReason(reason);
    condition.setMessage(message);
    condition.setLastUpdateTime("2026-11-30T10:00:00Z");
    return condition;
  }

  private static GitRepoSpec spec(String repo) {
    var spec = new GitRepoSpec();
    spec.setRepo(repo);
    return spec;
  }
}
