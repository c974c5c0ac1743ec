package io.gitwatch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.gitwatch.testing.ApiServer;
import io.gitwatch.testing.GitRepos;
import io.gitwatch.testing.LibertyRunServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The environment reaches the application however Gitwatch is started: the server that {@code mvn
 * liberty:run} creates, started with environment variables, does what they say, and without them
 * watches a copy of the samples, never the samples themselves.
 */
class ServerEnvironmentIT {

  private static final Path BASEDIR = Path.of(System.getProperty("gitwatch.basedir", "."));

  @TempDir Path temp;

  @Test
  void anEnvironmentVariableOutranksTheDefaultsOfLibertyRun() throws IOException {
    Path manifests = Files.createDirectories(temp.resolve("manifests"));
    Files.writeString(
        manifests.resolve("only.yaml"),
        """
        apiVersion: fleet.cattle.io/v1alpha1
        kind: GitRepo
        metadata:
          name: only
          namespace: default
        spec:
          repo: https://git.example.com/only
          disablePolling: true
        """);

    try (var server = LibertyRunServer.start(Map.of("GITWATCH_FILE_DIR", manifests.toString()))) {
      server.awaitGitRepos(1);
    }
  }

  @Test
  void withoutEnvironmentItWatchesACopyOfTheSamplesAndLeavesTheSamplesAlone() throws IOException {
    Path sample = BASEDIR.resolve("gitrepos/demo.yaml");
    Path copy = BASEDIR.resolve("target/gitrepos/demo.yaml");
    String pristine = Files.readString(sample);
    assertThat(pristine).doesNotContain("status:");

    try (var server = LibertyRunServer.start(Map.of())) {
      server.awaitGitRepos(2);
      // the demo repository does not exist (or does): either way the first poll writes its status
      await()
          .atMost(Duration.ofSeconds(60))
          .until(() -> Files.readString(copy).contains("GitPolling"));
    }
    assertThat(Files.readString(sample)).isEqualTo(pristine);
  }

  @Test
  void settingOnlyTheKubeconfigKeySelectsTheKubernetesStore() throws IOException {
    ApiServer cluster = ApiServer.start();
    try {
      var gitRepos = new GitRepos(cluster.client());
      for (String name : new String[] {"a", "b", "c"}) {
        gitRepos.create(
            "team", name, "https://git.example.com/" + name, s -> s.setDisablePolling(true));
      }
      Path kubeconfig = temp.resolve("kubeconfig");
      Files.writeString(
          kubeconfig,
          """
          apiVersion: v1
          kind: Config
          clusters:
          - name: mock
            cluster:
              server: %s
          contexts:
          - name: mock
            context:
              cluster: mock
              user: mock
              namespace: default
          users:
          - name: mock
            user: {}
          current-context: mock
          """
              .formatted(cluster.client().getMasterUrl()));

      // An empty GITWATCH_STORE is "unset" in MicroProfile Config and hides liberty:run's default
      // (file), as in the container or on another Liberty, where detection decides.
      var environment =
          Map.of("GITWATCH_STORE", "", "GITWATCH_KUBERNETES_KUBECONFIG", kubeconfig.toString());
      try (var server = LibertyRunServer.start(environment)) {
        server.awaitGitRepos(3);
        assertThat(server.messages()).contains("GitRepo store: kubernetes (detected)");
      }
    } finally {
      cluster.stop();
    }
  }
}
