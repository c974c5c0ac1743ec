package io.gitwatch.bench;

import static io.gitwatch.bench.BenchTable.format;
import static io.gitwatch.bench.BenchTable.row;

import io.gitwatch.bench.NotMeasured.Row;
import io.gitwatch.bench.support.SupportJvm;
import io.gitwatch.testing.Gitwatch;
import java.io.File;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * How many GitRepos one replica polls on time: N GitRepos at {@code pollingInterval: 15s} against a
 * smart-HTTP git server on loopback (JGit's GitServlet in Jetty, in the support JVM), measured over
 * two intervals after the first polls have spread: polls/s, ls-remote/s, timer lag, Liberty's CPU
 * and heap. Waiting for the GitRepos to load scales with their number ({@link Waits}); a size that
 * cannot be measured says so in its rows.
 */
@ExtendWith({SupportJvm.Shared.class, ArquillianExtension.class})
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PollingCapacityBench {

  static final String NAMESPACE = "bench-poll";
  static final Duration INTERVAL = Duration.ofSeconds(15);
  static final String REPOSITORY = "polled0";

  final SupportJvm support = SupportJvm.shared();
  final Gitwatch gitwatch = Gitwatch.testServer();

  @Deployment(testable = false)
  static WebArchive war() {
    return ShrinkWrap.createFromZipFile(WebArchive.class, new File(System.getProperty("it.war")));
  }

  @BeforeAll
  static void gitServer() {
    SupportJvm.shared().createRepositories("polled", 1);
  }

  @Test
  @Order(1)
  void aHundredGitReposOnOneRepository() throws Exception {
    measure(100, 1);
  }

  @Test
  @Order(2)
  void aThousandRepositories() throws Exception {
    measure(1000, 1000);
  }

  @Test
  @Order(3)
  void fiveThousandRepositories() throws Exception {
    measure(5000, 5000);
  }

  static String title(int count, int urls) {
    return format("Polling %,d GitRepos on %,d URL%s at 15 s", count, urls, urls == 1 ? "" : "s");
  }

  /** {@code count} GitRepos spread over {@code urls} repository URLs, measured for 2 intervals. */
  void measure(int count, int urls) throws Exception {
    String what = title(count, urls);
    List<Row> rows =
        List.of(
            new Row(what + ": polls/s", null),
            new Row(what + ": timer lag", "p99 ≤ 1 s"),
            new Row(what + ": Liberty CPU, heap after GC", null),
            new Row(format("%d GitRepos on one URL: ls-remote per interval", count), "1"));
    try {
      NotMeasured.orSaySo(urls == 1 ? rows : rows.subList(0, 3), () -> measure(count, urls, what));
    } finally {
      int left = support.deleteGitRepos(NAMESPACE);
      if (left > 0) {
        System.out.printf("WARNING: %d GitRepos of %s could not be deleted%n", left, NAMESPACE);
      }
      // the next size starts once Gitwatch has let go of these
      NotMeasured.orSaySo(List.of(), () -> Waits.indexed(gitwatch, support.gitRepoCount()));
    }
  }

  void measure(int count, int urls, String what) throws InterruptedException {
    long pid = Machine.libertyPid(Machine.testServerName()).orElse(-1L);
    support.createGitRepos(
        NAMESPACE,
        "p",
        count,
        urls == 1 ? "{git}" + REPOSITORY + ".git" : "{git}" + REPOSITORY + "~{i}.git",
        Map.of("branch", "main", "pollingInterval", INTERVAL.toSeconds() + "s"));
    try {
      Waits.indexed(gitwatch, support.gitRepoCount());
    } catch (NotMeasured e) {
      // what Liberty was doing instead of answering, for whoever reads the row
      Path dump = Machine.threadDump(pid, "liberty-threads-" + count + ".txt");
      throw new NotMeasured(e.getMessage() + " (Liberty's threads then: " + dump + ")");
    }
    // first polls are spread over one interval: measure the steady state after it
    Thread.sleep(INTERVAL.plusSeconds(5).toMillis());

    long infoRefsBefore = support.infoRefs(REPOSITORY);
    MetricsSnapshot start = MetricsSnapshot.of(gitwatch);
    CpuWindow cpu = CpuWindow.start();
    Thread.sleep(INTERVAL.multipliedBy(2).toMillis());
    MetricsSnapshot end = MetricsSnapshot.of(gitwatch);
    double libertyCpu = cpu.libertyPercent();
    String cpuShares = cpu.end();
    long infoRefs = support.infoRefs(REPOSITORY) - infoRefsBefore;

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
    double heap = pid > 0 ? Machine.heapAfterGcMiB(pid) : Double.NaN;
    double expected = count * seconds / INTERVAL.toSeconds();

    row(
        what + ": polls/s",
        format(
            "%.1f polls/s (%.0f %% of schedule), %.0f failed, %.1f ls-remote/s",
            polls / seconds, 100 * polls / expected, failed, lsRemote / seconds),
        null,
        null,
        cpuShares);
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
        format("%.0f %% of one core, %.0f MiB", libertyCpu, heap),
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
  }
}
