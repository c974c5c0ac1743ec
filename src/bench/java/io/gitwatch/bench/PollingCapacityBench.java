package io.gitwatch.bench;

import static io.gitwatch.bench.BenchTable.format;
import static io.gitwatch.bench.BenchTable.row;

import io.gitwatch.testing.ApiServer;
import io.gitwatch.testing.GitRepos;
import io.gitwatch.testing.Gitwatch;
import io.gitwatch.testing.LoopbackGitServer;
import java.io.File;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * How many GitRepos one replica polls on time: N GitRepos at {@code pollingInterval: 15s} against a
 * smart-HTTP git server on loopback (JGit's GitServlet in Jetty, in this JVM), measured over two
 * intervals after the first polls have spread: polls/s, ls-remote/s, timer lag, Liberty's CPU and
 * heap.
 */
@ExtendWith({ApiServer.Shared.class, ArquillianExtension.class})
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PollingCapacityBench {

  static final String NAMESPACE = "bench-poll";
  static final Duration INTERVAL = Duration.ofSeconds(15);

  @TempDir static Path repositories;
  static LoopbackGitServer git;

  final ApiServer api = ApiServer.shared();
  final GitRepos gitRepos = new GitRepos(api.client());
  final Gitwatch gitwatch = Gitwatch.testServer();

  @Deployment(testable = false)
  static WebArchive war() {
    return ShrinkWrap.createFromZipFile(WebArchive.class, new File(System.getProperty("it.war")));
  }

  @BeforeAll
  static void gitServer() {
    git = LoopbackGitServer.start(repositories);
    git.createRepository("polled");
    git.commit("polled", "main", Map.of("fleet.yaml", "defaultNamespace: demo\n"));
  }

  @AfterAll
  static void stopGitServer() {
    git.close();
  }

  @Test
  @Order(1)
  void aHundredGitReposOnOneRepository() throws InterruptedException {
    measure(100, 1);
  }

  @Test
  @Order(2)
  void aThousandRepositories() throws InterruptedException {
    measure(1000, 1000);
  }

  @Test
  @Order(3)
  void fiveThousandRepositories() throws InterruptedException {
    measure(5000, 5000);
  }

  /** {@code count} GitRepos spread over {@code urls} repository URLs, measured for 2 intervals. */
  void measure(int count, int urls) throws InterruptedException {
    long pid = Machine.libertyPid("itServer").orElse(-1L);
    int before = gitRepos.count();
    for (int i = 0; i < count; i++) {
      String url = urls == 1 ? git.url("polled") : git.url("polled", i % urls);
      gitRepos.create(
          NAMESPACE,
          "p" + i,
          url,
          s -> {
            s.setBranch("main");
            s.setPollingInterval(INTERVAL.toSeconds() + "s");
          });
    }
    gitwatch.awaitGitRepos(before + count);
    // first polls are spread over one interval: measure the steady state after it
    Thread.sleep(INTERVAL.plusSeconds(5).toMillis());

    int infoRefsBefore = git.infoRefsRequests("polled");
    MetricsSnapshot start = MetricsSnapshot.of(gitwatch);
    double cpuStart = pid > 0 ? Machine.cpuSeconds(pid) : Double.NaN;
    Thread.sleep(INTERVAL.multipliedBy(2).toMillis());
    MetricsSnapshot end = MetricsSnapshot.of(gitwatch);
    double cpuEnd = pid > 0 ? Machine.cpuSeconds(pid) : Double.NaN;
    int infoRefs = git.infoRefsRequests("polled") - infoRefsBefore;

    double seconds = (end.atNanos - start.atNanos) / 1e9;
    double polls = end.value("gitwatch_polls_total") - start.value("gitwatch_polls_total");
    double failed =
        end.value("gitwatch_polls_total", "outcome=\"failure\"")
            - start.value("gitwatch_polls_total", "outcome=\"failure\"");
    double lsRemote =
        end.value("gitwatch_ls_remote_calls_total") - start.value("gitwatch_ls_remote_calls_total");
    var lag = end.bucketsSince(start, "gitwatch_polling_timer_lag_seconds");
    double p99 = MetricsSnapshot.percentileBound(lag, 99);
    double lagged = lag.getOrDefault(Double.POSITIVE_INFINITY, 0.0);
    double withinOne = lag.getOrDefault(1.0, 0.0);
    double cpu = 100 * (cpuEnd - cpuStart) / seconds;
    double heap = pid > 0 ? Machine.heapAfterGcMiB(pid) : Double.NaN;
    double expected = count * seconds / INTERVAL.toSeconds();

    String what =
        format("Polling %,d GitRepos on %,d URL%s at 15 s", count, urls, urls == 1 ? "" : "s");
    row(
        what + ": polls/s",
        format(
            "%.1f polls/s (%.0f %% of schedule), %.0f failed, %.1f ls-remote/s",
            polls / seconds, 100 * polls / expected, failed, lsRemote / seconds),
        null,
        null);
    row(
        what + ": timer lag",
        format(
            "p99 ≤ %s s (%.1f %% within 1 s of %.0f polls)",
            p99 < 1 ? format("%.2f", p99) : format("%.1f", p99),
            lagged == 0 ? 100.0 : 100 * withinOne / lagged,
            lagged),
        "p99 ≤ 1 s",
        count < 5000 ? null : p99 <= 1.0);
    row(
        what + ": Liberty CPU, heap after GC",
        format("%.0f %% of one core, %.0f MiB", cpu, heap),
        null,
        null);
    if (urls == 1) {
      double perInterval = infoRefs / (seconds / INTERVAL.toSeconds());
      row(
          format("%d GitRepos on one URL: ls-remote per interval", count),
          format("%.1f", perInterval),
          "1",
          perInterval <= 1.5);
    }
    gitRepos.deleteAll(NAMESPACE);
    gitwatch.awaitGitRepos(before);
  }
}
