package io.gitwatch.polling;

import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderElectionConfig;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderElectionConfigBuilder;
import io.fabric8.kubernetes.client.extended.leaderelection.resourcelock.LeaseLock;
import io.gitwatch.gitrepo.GitRepoStore;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.BeforeDestroyed;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Logger;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Which replica polls on a schedule: the holder of the Lease {@code gitwatch.polling.lease-name} in
 * {@code gitwatch.namespace} (fabric8's LeaderElector); without a cluster there is one replica, and
 * it polls. Every stretch of holding the Lease is a term: a poll that started in a term that has
 * ended writes nothing, so a replica that lost the Lease never writes over the new holder.
 */
@ApplicationScoped
public class PollingLease {

  private static final Logger LOG = Logger.getLogger(PollingLease.class.getName());

  @Inject GitRepoStore store;
  @Inject Instance<KubernetesClient> clients;

  @Inject
  @ConfigProperty(name = "gitwatch.namespace", defaultValue = "cattle-fleet-system")
  String namespace;

  @Inject
  @ConfigProperty(name = "gitwatch.polling.lease-name", defaultValue = "gitwatch-polling")
  String name;

  @Inject
  @ConfigProperty(name = "gitwatch.polling.lease-duration", defaultValue = "15s")
  Duration duration;

  private final AtomicLong terms = new AtomicLong();
  private volatile long holding = -1; // the term being held, or -1
  private volatile boolean stopped;
  private volatile CompletableFuture<?> election;
  private volatile KubernetesClient client;
  private volatile String identity;

  /** For CDI. */
  public PollingLease() {}

  /** A Lease of its own, for tools and tests that stand outside the application. */
  public PollingLease(String namespace, String name, Duration duration) {
    this.namespace = namespace;
    this.name = name;
    this.duration = duration;
  }

  /**
   * Stands for the Lease until the application stops: {@code onStart} runs (on another thread) each
   * time this replica becomes the poller, {@code onStop} each time it stops being it.
   */
  public void stand(Runnable onStart, Runnable onStop) {
    if (store.isLocal()) {
      CompletableFuture.runAsync(() -> started(onStart));
    } else {
      stand(clients.get(), onStart, onStop);
    }
  }

  /**
   * As {@link #stand(Runnable, Runnable)}, for the Lease in the cluster {@code client} talks to.
   */
  public void stand(KubernetesClient client, Runnable onStart, Runnable onStop) {
    this.client = client;
    identity =
        Optional.ofNullable(System.getenv("HOSTNAME")).orElse("gitwatch")
            + "-"
            + UUID.randomUUID().toString().substring(0, 8);
    Duration retry =
        duration.dividedBy(5).compareTo(Duration.ofMillis(500)) < 0
            ? Duration.ofMillis(500)
            : duration.dividedBy(5);
    var config =
        new LeaderElectionConfigBuilder()
            .withName(name)
            .withLock(new LeaseLock(namespace, name, identity))
            .withLeaseDuration(duration)
            .withRenewDeadline(duration.multipliedBy(2).dividedBy(3))
            .withRetryPeriod(retry)
            .withReleaseOnCancel(false) // released by stop(), which says why when it cannot
            .withLeaderCallbacks(
                new LeaderCallbacks(
                    () -> started(onStart),
                    () -> ended(onStop),
                    leader ->
                        LOG.info(
                            "Lease "
                                + namespace
                                + "/"
                                + name
                                + (leader == null || leader.isEmpty()
                                    ? " released"
                                    : " held by " + leader))))
            .build();
    campaign(client, config, retry);
  }

  /** The term now held, or -1 when this replica does not hold the Lease. */
  public long term() {
    return holding;
  }

  /** Whether this replica still holds the Lease in {@code term}. */
  public boolean holds(long term) {
    return term >= 0 && holding == term;
  }

  /** Gives the Lease up at once (another replica takes over), before the beans that poll go. */
  void stopFirst(@Observes @BeforeDestroyed(ApplicationScoped.class) Object ignored) {
    stop();
  }

  /** Gives the Lease up and stands no more; callbacks that come later are not run. */
  @PreDestroy
  public void stop() {
    if (stopped) {
      return;
    }
    stopped = true;
    holding = -1;
    if (election != null) {
      election.cancel(true);
      release();
    }
  }

  /**
   * Gives the Lease up, as fabric8's elector would on cancel (no holder, a one-second duration), so
   * another replica takes over at once. If the API server does not answer in time, the Lease runs
   * out by itself: that is for the log as information, not as the error fabric8 would log.
   */
  private void release() {
    try {
      var resource = client.leases().inNamespace(namespace).withName(name);
      Lease lease = resource.get();
      if (lease == null
          || lease.getSpec() == null
          || !identity.equals(lease.getSpec().getHolderIdentity())) {
        return; // taken over already
      }
      ZonedDateTime now = ZonedDateTime.now();
      lease.getSpec().setHolderIdentity(""); // as client-go releases: no holder
      lease.getSpec().setLeaseDurationSeconds(1);
      lease.getSpec().setAcquireTime(now);
      lease.getSpec().setRenewTime(now);
      // With its resourceVersion, as fabric8's lock writes: a replica that took it meanwhile wins.
      resource.patch(PatchContext.of(PatchType.JSON_MERGE), lease);
    } catch (KubernetesClientException e) {
      LOG.info(
          () ->
              "Lease "
                  + namespace
                  + "/"
                  + name
                  + " not released ("
                  + e.getMessage()
                  + "): another replica takes it over within "
                  + duration);
    }
  }

  private void started(Runnable onStart) {
    if (!stopped) {
      holding = terms.incrementAndGet();
      onStart.run();
    }
  }

  private void ended(Runnable onStop) {
    holding = -1;
    terms.incrementAndGet();
    if (!stopped) {
      onStop.run();
    }
  }

  // A lost lease ends an election: stand again, until the application stops.
  private void campaign(KubernetesClient client, LeaderElectionConfig config, Duration retry) {
    if (stopped) {
      return;
    }
    election = client.leaderElector().withConfig(config).build().start();
    election.whenComplete(
        (done, failure) ->
            CompletableFuture.delayedExecutor(retry.toMillis(), TimeUnit.MILLISECONDS)
                .execute(() -> campaign(client, config, retry)));
  }
}
