package io.gitwatch.bench;

import static io.gitwatch.bench.BenchTable.format;
import static io.gitwatch.bench.BenchTable.row;

import io.gitwatch.bench.LoadDriver.Shot;
import io.gitwatch.bench.NotMeasured.Row;
import io.gitwatch.bench.support.SupportJvm;
import io.gitwatch.testing.Gitwatch;
import java.io.File;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * How many ls-remote a burst of webhooks costs, counted as {@code info/refs} requests at the git
 * server: 100 deliveries of one new commit for one GitRepo, all sent at once (the repository moved
 * once; the bodies differ in trailing whitespace and the delivery ids differ, so no delivery is a
 * repeat of another), and one push that matches 50 GitRepos on one repository. The GitRepos poll
 * once an hour, and each has had a first delivery, so nothing else asks the remote meanwhile.
 */
@ExtendWith({SupportJvm.Shared.class, ArquillianExtension.class})
class LsRemoteBurstBench {

  static final String NAMESPACE = "bench-burst";
  static final String BURST = "ls-remote for 100 deliveries of one new commit within one second";
  static final String FAN = "ls-remote for one push matching 50 GitRepos on one repository";

  static PushedRepos burst;
  static PushedRepos fan;

  final SupportJvm support = SupportJvm.shared();
  final Gitwatch gitwatch = Gitwatch.testServer();
  final LoadDriver driver = new LoadDriver();

  @Deployment(testable = false)
  static WebArchive war() {
    return ShrinkWrap.createFromZipFile(WebArchive.class, new File(System.getProperty("it.war")));
  }

  @BeforeAll
  static void gitRepos() {
    URI webhook = BenchConfig.webhookUrl();
    burst = new PushedRepos(SupportJvm.shared(), NAMESPACE, "burst-", 1, webhook);
    burst.create(Map.of("pollingInterval", "1h"));
    // 50 GitRepos on the one repository "fan-0"
    fan = new PushedRepos(SupportJvm.shared(), NAMESPACE, "fan-", 1, webhook);
    fan.create(Map.of("pollingInterval", "1h"));
    SupportJvm.shared()
        .createGitRepos(
            NAMESPACE,
            "fan-also-",
            49,
            "{git}fan-0.git",
            Map.of("branch", "main", "pollingInterval", "1h"));
  }

  @AfterAll
  static void deleteGitRepos() {
    SupportJvm.shared().deleteGitRepos(NAMESPACE);
  }

  @Test
  void aBurstForOneRepositoryAndOnePushForFiftyGitRepos() throws Exception {
    Duration settle = BenchConfig.settle();
    NotMeasured.orSaySo(
        List.of(new Row(BURST, "≤ 2"), new Row(FAN, "1")),
        () -> {
          Waits.indexed(gitwatch, support.gitRepoCount());
          FinalState primed = burst.prime(driver, settle);
          if (!primed.holds()
              || !fan.prime(driver, settle).holds()
              || !Waits.until(fanAtHead(), settle)) {
            throw new NotMeasured("the GitRepos did not reach their heads after a first delivery");
          }
        });
    if (BenchTable.written(BURST)) {
      return;
    }
    NotMeasured.orSaySo(
        List.of(new Row(BURST, "≤ 2")),
        () -> {
          long before = burst.lsRemotes();
          burst.push(0); // the repository moves once; its delivery is not sent
          List<Shot> shots = new ArrayList<>();
          for (int i = 0; i < 100; i++) {
            shots.add(burst.unchanged(0, i));
          }
          CpuWindow cpu = CpuWindow.start();
          LoadResult result = driver.burst(shots);
          String cpuShares = cpu.end();
          boolean landed = burst.awaitFinalState(settle).holds();
          long lsRemotes = quietCount(() -> burst.lsRemotes()) - before;
          row(
              BURST,
              format(
                  "%d ls-remote (100 sent within %.0f ms, all answered within %.0f ms: %d × 200);"
                      + " commit %s",
                  lsRemotes,
                  result.sendSpanMillis(),
                  result.slowestServiceMillis(),
                  result.withStatus(200),
                  landed ? "reached the head" : "did NOT reach the head"),
              "≤ 2",
              lsRemotes <= 2 && landed && result.failures() == 0,
              cpuShares);
        });
    NotMeasured.orSaySo(
        List.of(new Row(FAN, "1")),
        () -> {
          long before = fan.lsRemotes();
          CpuWindow cpu = CpuWindow.start();
          LoadResult result = driver.burst(List.of(fan.push(0)));
          boolean landed = Waits.until(fanAtHead(), settle);
          long lsRemotes = quietCount(() -> fan.lsRemotes()) - before;
          row(
              FAN,
              format(
                  "%d ls-remote (answered %s in %.0f ms); all 50 commits %s",
                  lsRemotes,
                  result.failures() == 0 ? "200" : "not 200",
                  result.slowestServiceMillis(),
                  landed ? "reached the head" : "did NOT reach the head"),
              "1",
              lsRemotes == 1 && landed && result.failures() == 0,
              cpu.end());
        });
  }

  /** Whether all 50 GitRepos on the fan repository have its head as their commit. */
  BooleanSupplier fanAtHead() {
    return () -> {
      String head = support.heads("fan-", 1).get(0);
      return support.statuses(NAMESPACE).entrySet().stream()
              .filter(e -> e.getKey().startsWith("fan-"))
              .filter(e -> e.getValue()[1].equals(head))
              .count()
          == 50;
    };
  }

  /** A counter once it has not moved for 3 s (at most 30 s): polls still running are counted. */
  static long quietCount(java.util.function.LongSupplier counter) throws InterruptedException {
    long last = counter.getAsLong();
    int still = 0;
    for (int waited = 0; still < 3 && waited < 30; waited++) {
      Thread.sleep(1000);
      long now = counter.getAsLong();
      still = now == last ? still + 1 : 0;
      last = now;
    }
    return last;
  }
}
