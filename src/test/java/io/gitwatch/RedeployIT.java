package io.gitwatch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.gitwatch.testing.Gitwatch;
import io.gitwatch.testing.LoopbackGitServer;
import io.gitwatch.testing.OnTestServer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A rolling update as Liberty sees it: the WAR is stopped while it polls, holds the Lease, receives
 * GitRepo changes and reads deliveries, then started again. The stop must leave no error in
 * Liberty's log (timers firing into a stopped EJB module, informers calling beans that are gone)
 * and the new instance must work.
 */
class RedeployIT extends OnTestServer.DeployedByTest {

  static final String NAMESPACE = "redeploy";
  // An error or fatal message in messages.log: "... SourceClass   E CODE1234E: text".
  static final Pattern ERROR_LINE =
      Pattern.compile("\\s[EF] (?:[A-Z]{4,5}\\d{4}[EW]?:|.*Exception)");

  static final byte[] PING = "{\"zen\":\"hi\",\"hook_id\":1}".getBytes(StandardCharsets.UTF_8);

  @TempDir Path repositories;

  @Test
  void stopsWithoutAnErrorWhilePollingAndWatchingAndStartsAgain() throws Exception {
    try (LoopbackGitServer git = LoopbackGitServer.start(repositories)) {
      git.createRepository("app");
      String first = git.commit("app", "main");
      for (int i = 0; i < 20; i++) {
        gitRepos.create(NAMESPACE, "app-" + i, git.url("app"), s -> s.setPollingInterval("1s"));
      }
      deployer.deploy(WAR);
      await()
          .atMost(Duration.ofSeconds(60))
          .until(() -> first.equals(commit("app-19")) && first.equals(commit("app-0")));

      long logBefore = Files.size(messagesLog());
      // Deliveries answered just before it stops: their workers and deadlines go with the
      // application, none fires into it afterwards.
      for (int i = 0; i < 10; i++) {
        assertThat(
                gitwatch
                    .postJson(
                        PING,
                        Map.of(
                            "X-GitHub-Event",
                            "ping",
                            "X-GitHub-Delivery",
                            "redeploy-" + i,
                            "X-Hub-Signature-256",
                            Gitwatch.githubSignature("unused", PING)))
                    .status())
            .isEqualTo(200);
      }
      // GitRepo changes keep arriving while the application stops, as in a busy cluster.
      AtomicBoolean editing = new AtomicBoolean(true);
      ExecutorService editor = Executors.newSingleThreadExecutor();
      Future<?> edits =
          editor.submit(
              () -> {
                for (int i = 0; editing.get(); i++) {
                  gitRepos.label(NAMESPACE, "app-" + (i % 20), Map.of("edit", "e" + i));
                }
                return null;
              });
      try {
        deployer.undeploy(WAR);
      } finally {
        editing.set(false);
        edits.get();
        editor.shutdown();
      }
      assertThat(linesSince(logBefore))
          .as("messages.log while the application stopped")
          .anySatisfy(line -> assertThat(line).contains("CWWKZ0009I"));
      // Nor afterwards: a task left scheduled by the application fails once it is gone (the test
      // server's queue wait is 2 s).
      await()
          .during(Duration.ofSeconds(4))
          .atMost(Duration.ofSeconds(6))
          .until(
              () ->
                  linesSince(logBefore).stream()
                      .noneMatch(line -> ERROR_LINE.matcher(line).find()));

      String second = git.commit("app", "main");
      deployer.deploy(WAR);
      try {
        await().atMost(Duration.ofSeconds(60)).until(() -> second.equals(commit("app-7")));
      } finally {
        deployer.undeploy(WAR);
        gitRepos.deleteAll(NAMESPACE);
      }
    }
  }

  private String commit(String name) {
    var gitRepo = gitRepos.get(NAMESPACE, name);
    return gitRepo == null ? null : gitRepo.status().getCommit();
  }

  private static List<String> linesSince(long offset) throws IOException {
    byte[] all = Files.readAllBytes(messagesLog());
    return new String(all, (int) offset, all.length - (int) offset, StandardCharsets.UTF_8)
        .lines()
        .toList();
  }

  private static Path messagesLog() {
    return Path.of(
        System.getProperty("gitwatch.basedir", "."),
        "target/liberty/wlp/usr/servers",
        System.getProperty("it.server.name", "itServer"),
        "logs/messages.log");
  }
}
