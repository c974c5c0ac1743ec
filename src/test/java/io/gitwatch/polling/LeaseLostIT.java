package io.gitwatch.polling;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.gitwatch.testing.LoopbackGitServer;
import io.gitwatch.testing.OnTestServer;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZonedDateTime;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A poll that is in flight when this replica loses the polling Lease writes nothing: the new holder
 * polls and writes, never both. The Lease is taken over by "another replica" (this test) while the
 * git server holds the poll's request.
 */
class LeaseLostIT extends OnTestServer.Deployed {

  static final String LEASE_NAMESPACE = "gitwatch-system";
  static final String LEASE = "gitwatch-polling";

  @TempDir Path repositories;

  @Test
  void aPollInFlightWhenTheLeaseIsLostWritesNothing() {
    try (LoopbackGitServer git = LoopbackGitServer.start(repositories)) {
      git.createRepository("app");
      git.commit("app", "main");
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> gitwatch.metric("gitwatch_polling_leader") == 1);
      git.hang("app");
      gitRepos.create(
          "lease-lost",
          "app",
          git.url("app"),
          s -> {
            s.setBranch("main");
            s.setPollingInterval("1s");
          });
      await().atMost(Duration.ofSeconds(20)).until(() -> git.infoRefsRequests("app") >= 1);

      await().atMost(Duration.ofSeconds(5)).ignoreExceptions().until(this::takeOverTheLease);
      try {
        await()
            .atMost(Duration.ofSeconds(20))
            .until(() -> gitwatch.metric("gitwatch_polling_leader") == 0);
        int writesBefore = writesTo("app");
        double lost = gitwatch.metric("gitwatch_polls_total", "outcome=\"lease_lost\"");
        git.answer("app");

        await()
            .during(Duration.ofSeconds(4))
            .atMost(Duration.ofSeconds(5))
            .until(() -> writesTo("app") == writesBefore);
        assertThat(gitRepos.get("lease-lost", "app").status().getCommit()).isNull();
        assertThat(gitwatch.metric("gitwatch_polls_total", "outcome=\"lease_lost\""))
            .isGreaterThan(lost);
      } finally {
        // Give the Lease back, so the next test's deployment can poll.
        api.client().leases().inNamespace(LEASE_NAMESPACE).withName(LEASE).delete();
        gitRepos.delete("lease-lost", "app");
      }
    }
  }

  /**
   * Another replica holds the Lease now, for a minute; throws (409) when a renewal came between.
   */
  private boolean takeOverTheLease() {
    api.client()
        .leases()
        .inNamespace(LEASE_NAMESPACE)
        .withName(LEASE)
        .edit(
            (Lease lease) -> {
              lease.getSpec().setHolderIdentity("another-replica");
              lease.getSpec().setLeaseDurationSeconds(60);
              lease.getSpec().setAcquireTime(ZonedDateTime.now());
              lease.getSpec().setRenewTime(ZonedDateTime.now());
              return lease;
            });
    return true;
  }

  private int writesTo(String name) {
    return (int) api.writes().stream().filter(w -> w.isStatusPatchOf("lease-lost", name)).count();
  }
}
