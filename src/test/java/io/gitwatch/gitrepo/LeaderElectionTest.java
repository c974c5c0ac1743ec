package io.gitwatch.gitrepo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.gitwatch.testing.ApiServer;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The election of the one replica that polls, on a Kubernetes Lease in fabric8's mock API server:
 * two replicas, never both polling, and the other takes over when the poller stops.
 */
class LeaderElectionTest {

  static final Duration LEASE = Duration.ofSeconds(2);

  final ApiServer api = ApiServer.start();
  final AtomicInteger polling = new AtomicInteger();
  final AtomicInteger mostAtOnce = new AtomicInteger();

  /** One replica's store, and whether it currently polls. */
  record Replica(KubernetesGitRepoStore store, AtomicBoolean leading) {}

  @AfterEach
  void stopApiServer() {
    api.stop();
  }

  Replica replica() {
    var store = new KubernetesGitRepoStore();
    store.client = api.client();
    store.index = new GitRepoIndex();
    store.namespace = "gitwatch";
    store.watchNamespaces = Optional.of(List.of("gitwatch"));
    var leading = new AtomicBoolean();
    store.elect(
        "gitwatch-polling",
        LEASE,
        () -> {
          leading.set(true);
          mostAtOnce.accumulateAndGet(polling.incrementAndGet(), Math::max);
        },
        () -> {
          leading.set(false);
          polling.decrementAndGet();
        });
    return new Replica(store, leading);
  }

  @Test
  void exactlyOneReplicaPollsAndTheOtherTakesOverWhenItStops() {
    Replica first = replica();
    Replica second = replica();

    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> first.leading().get() || second.leading().get());
    await().pollDelay(LEASE.multipliedBy(2)).atMost(LEASE.multipliedBy(3)).until(() -> true);
    assertThat(polling.get()).isEqualTo(1);
    Replica leader = first.leading().get() ? first : second;
    Replica follower = leader == first ? second : first;
    Lease lease = api.client().leases().inNamespace("gitwatch").withName("gitwatch-polling").get();
    assertThat(lease.getSpec().getHolderIdentity()).isNotBlank();

    long stoppedAt = System.nanoTime();
    leader.store().stop();
    await().atMost(LEASE.multipliedBy(3)).until(() -> follower.leading().get());
    Duration failover = Duration.ofNanos(System.nanoTime() - stoppedAt);
    System.out.println("Polling failover after the leader stopped: " + failover.toMillis() + " ms");

    assertThat(mostAtOnce.get()).as("replicas polling at the same time").isEqualTo(1);
    follower.store().stop();
  }
}
