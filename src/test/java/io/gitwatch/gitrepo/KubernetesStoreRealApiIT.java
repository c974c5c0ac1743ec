package io.gitwatch.gitrepo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.ListOptionsBuilder;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.api.model.coordination.v1.LeaseBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.gitwatch.polling.PollingLease;
import io.gitwatch.testing.GitRepos;
import io.gitwatch.testing.RealApiServer;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * KubernetesGitRepoStore against a real kube-apiserver and etcd: what fabric8's mock cannot show.
 */
class KubernetesStoreRealApiIT {

  @RegisterExtension static final RealApiServer api = new RealApiServer();

  static final String SERVICE_ACCOUNT = "system:serviceaccount:gitwatch:gitwatch";
  static final Duration LEASE = Duration.ofSeconds(2);

  final List<KubernetesGitRepoStore> stores = new ArrayList<>();

  @AfterEach
  void stopStores() {
    stores.forEach(KubernetesGitRepoStore::stop);
  }

  KubernetesGitRepoStore store(KubernetesClient client) {
    var store = KubernetesStores.start(client, new GitRepoIndex());
    stores.add(store);
    return store;
  }

  static Resource<GitRepo> gitRepo(KubernetesClient client, String namespace, String name) {
    return client.resources(GitRepo.class).inNamespace(namespace).withName(name);
  }

  static GitRepoStatus webhookPatch(String commit) {
    var status = new GitRepoStatus();
    status.setWebhookCommit(commit);
    status.setLastWebhookTime(Instant.now().truncatedTo(ChronoUnit.SECONDS).toString());
    return status;
  }

  static void assertHttp(int code, ThrowingCallable call) {
    assertThatThrownBy(call)
        .isInstanceOfSatisfying(
            KubernetesClientException.class, e -> assertThat(e.getCode()).isEqualTo(code));
  }

  @Test
  void aStatusPatchLandsOnStatusAndLeavesSpecAndGenerationAlone() {
    var repos = new GitRepos(api.client());
    GitRepo created =
        repos.create("status", "app", "https://git.example/app.git", s -> s.setBranch("main"));
    var events = new CopyOnWriteArrayList<GitRepo>();
    var watch =
        gitRepo(api.client(), "status", "app")
            .watch(
                new ListOptionsBuilder()
                    .withResourceVersion(created.getMetadata().getResourceVersion())
                    .build(),
                new Watcher<>() {
                  @Override
                  public void eventReceived(Action action, GitRepo resource) {
                    events.add(resource);
                  }

                  @Override
                  public void onClose(WatcherException cause) {}
                });

    boolean written = store(api.client()).patchStatus(created, webhookPatch("a1b2c3"));
    // A label written afterwards: once its event arrives, every event of the status write has too.
    gitRepo(api.client(), "status", "app")
        .patch(
            PatchContext.of(PatchType.JSON_MERGE), "{\"metadata\":{\"labels\":{\"done\":\"y\"}}}");
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> events.stream().anyMatch(g -> g.getMetadata().getLabels() != null));
    watch.close();

    assertThat(written).isTrue();
    List<GitRepo> statusWrites = events.subList(0, events.size() - 1);
    assertThat(statusWrites).as("versions the status write made").hasSize(1);
    GitRepo after = statusWrites.get(0);
    assertThat(after.getStatus().getWebhookCommit()).isEqualTo("a1b2c3");
    assertThat(after.getStatus().getLastWebhookTime()).isNotBlank();
    assertThat(after.getSpec().getBranch()).isEqualTo("main");
    assertThat(after.getSpec().getRepo()).isEqualTo("https://git.example/app.git");
    assertThat(after.getMetadata().getGeneration())
        .isEqualTo(created.getMetadata().getGeneration());
    assertThat(after.getMetadata().getResourceVersion())
        .isNotEqualTo(created.getMetadata().getResourceVersion());
  }

  @Test
  void aUsersSpecEditRacingStatusWritesIsNeverLost() throws Exception {
    var repos = new GitRepos(api.client());
    GitRepo created =
        repos.create("race", "app", "https://git.example/app.git", s -> s.setBranch("main"));
    KubernetesGitRepoStore store = store(api.client());
    var written = new AtomicInteger();
    ExecutorService writers = Executors.newFixedThreadPool(4);
    List<Future<?>> done = new ArrayList<>();
    try {
      for (int t = 0; t < 4; t++) {
        int thread = t;
        done.add(
            writers.submit(
                () -> {
                  for (int i = 0; i < 15; i++) {
                    assertThat(store.patchStatus(created, webhookPatch("t" + thread + "-" + i)))
                        .isTrue();
                    written.incrementAndGet();
                  }
                }));
      }
      await().atMost(Duration.ofSeconds(10)).until(() -> written.get() >= 8);
      // What kubectl edit / apply sends for a custom resource: a merge patch of the main resource.
      gitRepo(api.client(), "race", "app")
          .patch(PatchContext.of(PatchType.JSON_MERGE), "{\"spec\":{\"branch\":\"release\"}}");
      for (Future<?> writer : done) {
        writer.get();
      }
    } finally {
      writers.shutdownNow();
    }
    assertThat(store.patchStatus(created, webhookPatch("last"))).isTrue();

    GitRepo after = gitRepo(api.client(), "race", "app").get();
    assertThat(written.get()).isEqualTo(60);
    assertThat(after.getSpec().getBranch()).isEqualTo("release");
    assertThat(after.getStatus().getWebhookCommit()).isEqualTo("last");
    assertThat(after.getMetadata().getGeneration()).as("only the spec edit counts").isEqualTo(2);
  }

  @Test
  void aStaleStatusReplaceIsRefusedWithConflictWhichIsWhyGitwatchMergePatches() {
    var repos = new GitRepos(api.client());
    GitRepo stale = repos.create("conflict", "app", "https://git.example/app.git", s -> {});
    store(api.client()).patchStatus(stale, webhookPatch("newer"));

    stale.setStatus(webhookPatch("older"));
    assertHttp(
        409,
        () ->
            api.client()
                .resources(GitRepo.class)
                .inNamespace("conflict")
                .resource(stale)
                .updateStatus());

    assertThat(gitRepo(api.client(), "conflict", "app").get().getStatus().getWebhookCommit())
        .isEqualTo("newer");
  }

  @Test
  void theCrdSchemaRejectsAPollingIntervalWithoutAUnit() {
    var repos = new GitRepos(api.client());

    assertThatThrownBy(
            () ->
                repos.create(
                    "schema",
                    "no-unit",
                    "https://git.example/a.git",
                    s -> s.setPollingInterval("45")))
        .isInstanceOfSatisfying(
            KubernetesClientException.class,
            e -> {
              assertThat(e.getCode()).isEqualTo(422);
              assertThat(e.getMessage()).contains("spec.pollingInterval");
            });
    GitRepo withUnit =
        repos.create(
            "schema", "with-unit", "https://git.example/a.git", s -> s.setPollingInterval("45s"));
    assertThat(withUnit.getSpec().getPollingInterval()).isEqualTo("45s");
  }

  @Test
  void theProjectsRbacGrantsEveryCallTheStoreMakesAndNothingElse() {
    api.apply("namespace.yaml");
    api.apply("serviceaccount.yaml");
    api.apply("rbac.yaml");
    var repos = new GitRepos(api.client());
    repos.create("team-a", "app", "https://git.example/app.git", s -> {});
    repos.secret("team-a", "creds", Map.of("username", "git", "password", "s3cret"));
    KubernetesClient gitwatch = api.as(SERVICE_ACCOUNT);

    KubernetesGitRepoStore store = store(gitwatch);
    await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> store.isSynced() && store.index.get("team-a", "app").isPresent());
    GitRepo indexed = store.index.get("team-a", "app").orElseThrow();

    assertThat(store.patchStatus(indexed, webhookPatch("cafe01"))).isTrue();
    assertThat(gitRepo(api.client(), "team-a", "app").get().getStatus().getWebhookCommit())
        .isEqualTo("cafe01");
    assertThat(store.secret("team-a", "creds"))
        .contains(Map.of("username", "git", "password", "s3cret"));
    store.recordEvent(indexed, false, "NewCommit", "cafe01 found by polling");
    assertThat(api.client().v1().events().inNamespace("team-a").list().getItems())
        .anySatisfy(
            e -> {
              assertThat(e.getReason()).isEqualTo("NewCommit");
              assertThat(e.getInvolvedObject().getName()).isEqualTo("app");
            });
    var leading = new AtomicBoolean();
    var polling = new PollingLease("gitwatch", "gitwatch-polling", LEASE);
    polling.stand(gitwatch, () -> leading.set(true), () -> leading.set(false));
    await().atMost(Duration.ofSeconds(10)).untilTrue(leading);
    // Keeping the Lease means renewing it every retry period, well past one lease duration.
    await().during(LEASE.multipliedBy(2)).atMost(LEASE.multipliedBy(3)).untilTrue(leading);
    var lease = api.client().leases().inNamespace("gitwatch").withName("gitwatch-polling");
    assertThat(lease.get().getSpec().getHolderIdentity()).isNotBlank();
    polling.stop();
    store.stop();
    // fabric8 releases by patching the Lease to expire a second from now (its merge patch leaves
    // the
    // holder in place): that patch too must be allowed, or the next replica waits out the full
    // lease.
    await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> lease.get().getSpec().getLeaseDurationSeconds(), seconds -> seconds == 1);
    System.out.println("Lease after release: " + lease.get().getSpec());

    var gitRepos = gitwatch.resources(GitRepo.class).inNamespace("team-a");
    assertHttp(
        403,
        () ->
            gitRepos
                .withName("app")
                .patch(PatchContext.of(PatchType.JSON_MERGE), "{\"spec\":{\"branch\":\"x\"}}"));
    assertHttp(403, () -> gitRepos.resource(indexed).update());
    assertHttp(403, () -> gitRepos.withName("app").delete());
    assertHttp(403, () -> gitwatch.secrets().inNamespace("team-a").list());
    Lease elsewhere =
        new LeaseBuilder()
            .withNewMetadata()
            .withNamespace("team-a")
            .withName("gitwatch-polling")
            .endMetadata()
            .withNewSpec()
            .withHolderIdentity("gitwatch")
            .endSpec()
            .build();
    assertHttp(403, () -> gitwatch.leases().inNamespace("team-a").resource(elsewhere).create());
  }

  @Test
  void exactlyOneReplicaLeadsOnARealLeaseAndTheOtherTakesOverWhenItStops() {
    api.namespace("gitwatch");
    var polling = new AtomicInteger();
    var mostAtOnce = new AtomicInteger();
    List<AtomicBoolean> leading = List.of(new AtomicBoolean(), new AtomicBoolean());
    List<PollingLease> replicas = new ArrayList<>();
    for (AtomicBoolean flag : leading) {
      var replica = new PollingLease("gitwatch", "gitwatch-polling-election", LEASE);
      replica.stand(
          api.client(),
          () -> {
            flag.set(true);
            mostAtOnce.accumulateAndGet(polling.incrementAndGet(), Math::max);
          },
          () -> {
            flag.set(false);
            polling.decrementAndGet();
          });
      replicas.add(replica);
    }

    await().atMost(Duration.ofSeconds(10)).until(() -> polling.get() == 1);
    await()
        .during(LEASE.multipliedBy(2))
        .atMost(LEASE.multipliedBy(3))
        .until(() -> polling.get() == 1);
    int leader = leading.get(0).get() ? 0 : 1;
    int follower = 1 - leader;

    long stoppedAt = System.nanoTime();
    // A stop runs no callback (the beans that poll are going); it ends the term before it releases
    // the Lease, so the leader has stopped polling before the follower can start.
    leading.get(leader).set(false);
    polling.decrementAndGet();
    replicas.get(leader).stop();
    assertThat(replicas.get(leader).term()).isEqualTo(-1);
    await().atMost(LEASE.multipliedBy(3).dividedBy(2)).untilTrue(leading.get(follower));
    System.out.println(
        "Real Lease failover after the leader stopped: "
            + Duration.ofNanos(System.nanoTime() - stoppedAt).toMillis()
            + " ms");
    assertThat(mostAtOnce.get()).as("replicas leading at the same time").isEqualTo(1);
  }
}
