package io.gitwatch.polling;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.gitwatch.testing.ApiServer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The election of the one replica that polls, on a Kubernetes Lease in fabric8's mock API server:
 * two replicas, never both polling, and the other takes over when the poller stops; a term that
 * ended is never held again.
 */
class LeaderElectionTest {

  static final Duration LEASE = Duration.ofSeconds(2);

  final ApiServer api = ApiServer.start();
  final List<PollingLease> leases = new CopyOnWriteArrayList<>();
  final AtomicInteger mostAtOnce = new AtomicInteger();

  /** One replica's lease, and whether it currently polls. */
  record Replica(PollingLease lease, AtomicBoolean leading) {}

  @AfterEach
  void stopApiServer() {
    api.stop();
  }

  Replica replica() {
    var lease = new PollingLease("gitwatch", "gitwatch-polling", LEASE);
    leases.add(lease);
    var leading = new AtomicBoolean();
    lease.stand(
        api.client(),
        () -> {
          leading.set(true);
          mostAtOnce.accumulateAndGet(holders(), Math::max);
        },
        () -> leading.set(false));
    return new Replica(lease, leading);
  }

  /** How many replicas hold a term now: the ones whose polls may write. */
  int holders() {
    return (int) leases.stream().filter(l -> l.term() >= 0).count();
  }

  @Test
  void exactlyOneReplicaPollsAndTheOtherTakesOverWhenItStops() {
    Replica first = replica();
    Replica second = replica();

    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> first.leading().get() || second.leading().get());
    await().during(LEASE.multipliedBy(2)).atMost(LEASE.multipliedBy(3)).until(() -> holders() == 1);
    Replica leader = first.leading().get() ? first : second;
    Replica follower = leader == first ? second : first;
    long term = leader.lease().term();
    assertThat(term).isNotNegative();
    assertThat(follower.lease().term()).isNegative();
    Lease lease = api.client().leases().inNamespace("gitwatch").withName("gitwatch-polling").get();
    assertThat(lease.getSpec().getHolderIdentity()).isNotBlank();

    long stoppedAt = System.nanoTime();
    leader.lease().stop();
    await().atMost(LEASE.multipliedBy(3)).until(() -> follower.leading().get());
    Duration failover = Duration.ofNanos(System.nanoTime() - stoppedAt);
    System.out.println("Polling failover after the leader stopped: " + failover.toMillis() + " ms");

    assertThat(leader.lease().holds(term)).as("a poll of the old term may not write").isFalse();
    assertThat(mostAtOnce.get()).as("replicas polling at the same time").isEqualTo(1);
    follower.lease().stop();
  }
}
