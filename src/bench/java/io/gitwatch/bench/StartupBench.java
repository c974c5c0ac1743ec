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
import java.util.function.BooleanSupplier;
import org.jboss.arquillian.container.test.api.Deployer;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Start to ready with 10,000 GitRepos already in the API server, two ways. On the running test
 * server: the WAR is deployed by hand, and the clock stops when readiness reports every GitRepo
 * indexed (heap measured after a full GC, before and after). As whole starts: a second server of
 * the same installation with the test server's configuration (same features, same API server) is
 * started with no application and with the WAR in {@code dropins}, alternately, after one warm-up
 * start; each is timed from launching {@code server run} until {@code /health/ready} answers 200
 * (with the WAR: and reports all 10,000), and the best of two of each is compared.
 */
@ExtendWith({SupportJvm.Shared.class, ArquillianExtension.class})
class StartupBench {

  static final int GIT_REPOS = 10_000;
  static final String NAMESPACE = "bench-start";
  static final Duration POLL = Duration.ofMillis(20);

  static final String DEPLOY = "Deploy to ready on the running Liberty, 10,000 GitRepos";
  static final String HEAP = "Liberty heap after GC with 10,000 GitRepos indexed";
  static final String BARE = "Bare Liberty start to ready (same features and config, no app)";
  static final String START = "Start to ready with the WAR and 10,000 GitRepos / bare start";

  @ArquillianResource Deployer deployer;

  final SupportJvm support = SupportJvm.shared();
  final Gitwatch gitwatch = Gitwatch.testServer();

  @Deployment(name = "gitwatch", managed = false, testable = false)
  static WebArchive war() {
    return ShrinkWrap.createFromZipFile(WebArchive.class, new File(System.getProperty("it.war")));
  }

  @Test
  void tenThousandGitRepos() throws Exception {
    double[] deployed = {Double.NaN};
    try {
      NotMeasured.orSaySo(
          List.of(
              new Row(DEPLOY, "≤ 5 s"),
              new Row(HEAP, "≤ 256 MiB"),
              new Row(BARE, null),
              new Row(START, "≤ 1.2×")),
          () ->
              // polled once an hour, so what is measured is indexing, not polling
              support.createGitRepos(
                  NAMESPACE,
                  "s",
                  GIT_REPOS,
                  "https://git.example.com/team-{i}/app.git",
                  Map.of("branch", "main", "pollingInterval", "1h")));
      if (!BenchTable.written(DEPLOY)) {
        NotMeasured.orSaySo(
            List.of(new Row(DEPLOY, "≤ 5 s"), new Row(HEAP, "≤ 256 MiB")),
            () -> deployed[0] = deployOnTheRunningServer());
      }
      if (!BenchTable.written(START)) {
        NotMeasured.orSaySo(
            List.of(new Row(BARE, null), new Row(START, "≤ 1.2×")), () -> wholeStarts(deployed[0]));
      }
    } finally {
      support.deleteGitRepos(NAMESPACE);
    }
  }

  double deployOnTheRunningServer() throws InterruptedException {
    long pid = Machine.libertyPid(Machine.testServerName()).orElseThrow();
    int total = support.gitRepoCount();
    double heapBefore = Machine.heapAfterGcMiB(pid);
    long start = System.nanoTime();
    deployer.deploy("gitwatch");
    try {
      double deployed = (System.nanoTime() - start) / 1e9;
      Waits.indexed(gitwatch, total, POLL);
      double ready = (System.nanoTime() - start) / 1e9;
      double heapAfter = Machine.heapAfterGcMiB(pid);
      row(
          DEPLOY,
          format("%.1f s (application started after %.1f s)", ready, deployed),
          "≤ 5 s",
          ready <= 5);
      row(
          HEAP,
          format("%.0f MiB (%.0f MiB before the WAR was deployed)", heapAfter, heapBefore),
          "≤ 256 MiB",
          heapAfter <= 256);
      return ready;
    } finally {
      undeploy();
    }
  }

  /** Undeploys the WAR; a slow stop is the application's, noted, not a failed run. */
  void undeploy() {
    long start = System.nanoTime();
    try {
      deployer.undeploy("gitwatch");
    } catch (RuntimeException e) {
      System.out.printf(
          "WARNING: undeploying the WAR with %,d GitRepos failed after %.1f s: %s%n",
          GIT_REPOS, (System.nanoTime() - start) / 1e9, e);
    }
  }

  /** Whole starts of a second server, without and with the WAR; the best of two of each. */
  void wholeStarts(double deployToReady) throws InterruptedException {
    int total = support.gitRepoCount();
    // Ports of its own next to the test server's: the test server keeps running meanwhile.
    int http = Integer.getInteger("it.http.port") + 2;
    int https = Integer.getInteger("it.https.port", 19443) + 2;
    Duration max =
        Duration.ofSeconds(120 + (long) (Double.isNaN(deployToReady) ? 300 : 3 * deployToReady));
    double bare = Double.POSITIVE_INFINITY;
    double app = Double.POSITIVE_INFINITY;
    double appCpu = Double.NaN;
    try (LibertyProcess server =
        new LibertyProcess(Machine.testServerName() + "Start", http, https)) {
      Gitwatch started = server.http();
      BooleanSupplier bareReady = () -> status(started) == 200;
      BooleanSupplier appReady =
          () -> status(started) == 200 && Waits.indexedCount(started) == total;
      server.application(null);
      timedStart(server, bareReady, max); // warm-up: the first start builds Liberty's caches
      for (int round = 0; round < 2; round++) {
        server.application(null);
        bare = Math.min(bare, timedStart(server, bareReady, max)[0]);
        server.application(Path.of(System.getProperty("it.war")));
        double[] timed = timedStart(server, appReady, max);
        if (timed[0] < app) {
          app = timed[0];
          appCpu = timed[1];
        }
      }
      server.application(null);
    }
    row(BARE, format("%.2f s (best of 2)", bare), null, null);
    double ratio = app / bare;
    row(
        START,
        format("%.2f s = %.2f× (best of 2; %.1f CPU-s in Liberty by then)", app, ratio, appCpu),
        "≤ 1.2×",
        ratio <= 1.2);
  }

  /**
   * Seconds from launching the server until {@code ready}, and the CPU-s its JVM used. A start that
   * could not open its ports (another process's connection held one) is not a measurement: it is
   * made again, at most three times.
   */
  double[] timedStart(LibertyProcess server, BooleanSupplier ready, Duration max)
      throws InterruptedException {
    for (int attempt = 1; ; attempt++) {
      server.awaitFreePorts();
      long start = System.nanoTime();
      server.start();
      try {
        long end = start + max.toNanos();
        while (!ready.getAsBoolean()) {
          if (server.bindFailed()) {
            break;
          }
          if (System.nanoTime() > end) {
            throw new NotMeasured("a server start was not ready within " + max.toSeconds() + " s");
          }
          Thread.sleep(POLL.toMillis());
        }
        if (!server.bindFailed()) {
          double seconds = (System.nanoTime() - start) / 1e9;
          return new double[] {seconds, Machine.cpuSeconds(server.pid())};
        }
      } finally {
        server.stop();
      }
      System.out.printf(
          "WARNING: the second server could not open its ports (attempt %d)%n", attempt);
      if (attempt == 3) {
        throw new NotMeasured("a server start could not open its ports in 3 attempts");
      }
    }
  }

  static int status(Gitwatch server) {
    try {
      return server.get("health/ready").status();
    } catch (java.io.UncheckedIOException e) {
      return -1;
    }
  }
}
