package io.gitwatch.gitrepo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.gitwatch.testing.Gitwatch;
import io.gitwatch.testing.LoopbackGitServer;
import io.gitwatch.testing.OnTestServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.shrinkwrap.api.asset.StringAsset;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

/**
 * Gitwatch with no cluster: the built WAR on the managed Liberty, switched to the file store by a
 * config source inside the deployment, polls a loopback repository and takes a signed webhook, and
 * both land in the manifest file.
 */
class FileModeIT extends OnTestServer {

  @AutoClose static final LoopbackGitServer GIT = LoopbackGitServer.startInTemporaryDirectory();
  static final Path MANIFESTS = temporaryDirectory();

  @Deployment(testable = false)
  static WebArchive war() {
    // Ordinal 500 outranks the test server's environment, which selects the Kubernetes store.
    String config =
        "config_ordinal=500\n"
            + "gitwatch.store=file\n"
            + "gitwatch.file.dir="
            + MANIFESTS
            + "\n"
            + "gitwatch.namespace=cattle-fleet-system\n";
    return builtWar()
        .addAsResource(new StringAsset(config), "META-INF/microprofile-config.properties");
  }

  @Test
  void pollsTheRepositoryAndTakesASignedWebhookIntoTheManifestFile() throws IOException {
    GIT.createRepository("demo");
    String first = GIT.commit("demo", "main");
    Path manifest = MANIFESTS.resolve("demo.yaml");
    Files.writeString(
        manifest,
        """
        # the user's own comment survives status writes
        apiVersion: fleet.cattle.io/v1alpha1
        kind: GitRepo
        metadata:
          name: demo
          namespace: default
        spec:
          repo: %s
          branch: main
          pollingInterval: 1s
        ---
        apiVersion: v1
        kind: Secret
        metadata:
          name: gitjob-webhook
          namespace: cattle-fleet-system
        stringData:
          github: file-s3cret
        """
            .formatted(GIT.url("demo")));

    await().atMost(Duration.ofSeconds(30)).until(() -> read(manifest).contains("commit: " + first));

    String pushed = GIT.commit("demo", "main");
    var answer = gitwatch.pushToMain(GIT.url("demo"), pushed, "file-s3cret");

    assertThat(answer.status()).as(answer.body()).isEqualTo(200);
    assertThat(answer.body()).contains("default/demo");
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> read(manifest).contains("webhookCommit: " + pushed));
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> read(manifest).contains("commit: " + pushed));
    assertThat(read(manifest))
        .contains("# the user's own comment survives status writes")
        .contains("pollingInterval: 1s");
    assertThat(gitwatch.get("health/ready").status()).isEqualTo(200);
  }

  @Test
  void aReceiverUrlIsPublishedInTheManifestAndFollowsATokenRotation() throws Exception {
    GIT.createRepository("ci");
    GIT.commit("ci", "main");
    Path manifest = MANIFESTS.resolve("ci.yaml");
    Files.writeString(manifest, ciManifest("first-t0ken"));
    String first = "/hook/" + digest("default/ci/first-t0ken");

    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> read(manifest).contains("message: POST " + first));
    String head = GIT.commit("ci", "main");
    byte[] body = new byte[0];
    var triggered = gitwatch.post(first.substring(1), null, body, signed("first-t0ken", body));

    assertThat(triggered.status()).as(triggered.body()).isEqualTo(200);
    assertThat(triggered.body()).isEqualTo("{\"triggered\":[\"default/ci\"]}");
    await().atMost(Duration.ofSeconds(10)).until(() -> read(manifest).contains("commit: " + head));

    // The Secret in the file changes: the new URL is published and the old one is gone at once.
    Files.writeString(manifest, ciManifest("second-t0ken"));
    String second = "/hook/" + digest("default/ci/second-t0ken");
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> read(manifest).contains("message: POST " + second));
    assertThat(gitwatch.post(first.substring(1), null, body, signed("first-t0ken", body)).status())
        .isEqualTo(404);
    assertThat(
            gitwatch.post(second.substring(1), null, body, signed("second-t0ken", body)).status())
        .isEqualTo(200);
  }

  static String ciManifest(String token) {
    return """
        apiVersion: fleet.cattle.io/v1alpha1
        kind: GitRepo
        metadata:
          name: ci
          namespace: default
        spec:
          repo: %s
          branch: main
          disablePolling: true
          webhookSecret: ci-hook
        ---
        apiVersion: v1
        kind: Secret
        metadata:
          name: ci-hook
          namespace: default
        stringData:
          token: %s
        """
        .formatted(GIT.url("ci"), token);
  }

  static String digest(String text) throws Exception {
    return java.util.HexFormat.of()
        .formatHex(
            java.security.MessageDigest.getInstance("SHA-256")
                .digest(text.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
  }

  static java.util.Map<String, String> signed(String token, byte[] body) {
    return java.util.Map.of("X-Signature", "sha256=" + Gitwatch.hmacSha256Hex(token, body));
  }

  static String read(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static Path temporaryDirectory() {
    try {
      return Files.createTempDirectory("gitwatch-file-mode");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
