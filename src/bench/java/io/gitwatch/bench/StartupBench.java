package io.gitwatch.bench;

import static io.gitwatch.bench.BenchTable.format;
import static io.gitwatch.bench.BenchTable.row;
import static org.assertj.core.api.Assertions.assertThat;

import io.gitwatch.testing.ApiServer;
import io.gitwatch.testing.GitRepos;
import io.gitwatch.testing.Gitwatch;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Pattern;
import org.jboss.arquillian.container.test.api.Deployer;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Start to ready with 10,000 GitRepos already in the API server: the WAR is deployed by hand onto
 * the running Liberty, and the clock stops when readiness reports every GitRepo indexed. Heap is
 * measured after a full GC, before and after.
 */
@ExtendWith({ApiServer.Shared.class, ArquillianExtension.class})
class StartupBench {

  static final int GIT_REPOS = 10_000;
  static final String NAMESPACE = "bench-start";

  @ArquillianResource Deployer deployer;

  final ApiServer api = ApiServer.shared();
  final GitRepos gitRepos = new GitRepos(api.client());
  final Gitwatch gitwatch = Gitwatch.testServer();

  @Deployment(name = "gitwatch", managed = false, testable = false)
  static WebArchive war() {
    return ShrinkWrap.createFromZipFile(WebArchive.class, new File(System.getProperty("it.war")));
  }

  @Test
  void tenThousandGitRepos() throws Exception {
    long pid = Machine.libertyPid("itServer").orElseThrow();
    int before = gitRepos.count();
    for (int i = 0; i < GIT_REPOS; i++) {
      // polled once an hour, so what is measured is indexing, not polling
      gitRepos.create(
          NAMESPACE,
          "s" + i,
          "https://git.example.com/team-" + (i % 100) + "/app-" + i + ".git",
          s -> {
            s.setBranch("main");
            s.setPollingInterval("1h");
          });
    }
    double heapBefore = Machine.heapAfterGcMiB(pid);

    long start = System.nanoTime();
    deployer.deploy("gitwatch");
    double deployed = (System.nanoTime() - start) / 1e9;
    String expected = "\"gitrepos\":" + (before + GIT_REPOS);
    for (var ready = gitwatch.get("health/ready");
        ready.status() != 200 || !ready.body().contains(expected);
        ready = gitwatch.get("health/ready")) {
      Thread.sleep(20);
    }
    double ready = (System.nanoTime() - start) / 1e9;
    double heapAfter = Machine.heapAfterGcMiB(pid);
    try {
      row(
          "Deploy to ready, 10,000 GitRepos in the API server",
          format("%.1f s (application started after %.1f s)", ready, deployed),
          "≤ 5 s",
          ready <= 5);
      row(
          "Liberty heap after GC with 10,000 GitRepos indexed",
          format("%.0f MiB (%.0f MiB before the WAR was deployed)", heapAfter, heapBefore),
          "≤ 256 MiB",
          heapAfter <= 256);
      libertyStart().ifPresent(s -> row("Liberty server start (no application)", s, null, null));
    } finally {
      deployer.undeploy("gitwatch");
      gitRepos.deleteAll(NAMESPACE);
    }
    assertThat(ready).isPositive();
  }

  /** What Liberty logged for its own start, before any application. */
  static java.util.Optional<String> libertyStart() throws IOException {
    Path log =
        Path.of(
            System.getProperty("gitwatch.basedir", "."),
            "target/liberty/wlp/usr/servers/itServer/logs/messages.log");
    if (!Files.exists(log)) {
      return java.util.Optional.empty();
    }
    var matcher =
        Pattern.compile("CWWKF0011I: .* started in ([0-9.]+) seconds")
            .matcher(Files.readString(log));
    return matcher.find()
        ? java.util.Optional.of(matcher.group(1) + " s")
        : java.util.Optional.empty();
  }
}
