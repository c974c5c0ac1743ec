package io.gitwatch.polling;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gitwatch.gitrepo.Admission;
import io.gitwatch.gitrepo.FileGitRepoStore;
import io.gitwatch.gitrepo.FileStores;
import io.gitwatch.gitrepo.GitRepo;
import io.gitwatch.gitrepo.GitRepoIndex;
import io.gitwatch.gitrepo.Restrictions;
import io.gitwatch.testing.LoopbackGitServer;
import io.gitwatch.testing.LoopbackSshServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Which credentials a GitRepo is polled with, read as Fleet reads them, from a real file store:
 * manifests of GitRepos, Secrets and Fleet's {@code known-hosts} ConfigMap in a directory.
 */
class PollCredentialsTest {

  @TempDir Path dir;
  @TempDir Path repositories;

  private final GitRepoIndex index = new GitRepoIndex();
  private FileGitRepoStore store;

  @AfterEach
  void stopStore() {
    if (store != null) {
      FileStores.stop(store);
    }
  }

  private PollCredentials credentials(String manifests) throws IOException {
    Files.writeString(dir.resolve("all.yaml"), manifests);
    store = FileStores.start(dir, index);
    PollCredentials credentials = new PollCredentials();
    credentials.store = store;
    credentials.namespace = "cattle-fleet-system";
    credentials.gitHubApiUrl = "https://api.github.com";
    credentials.timeout = Duration.ofSeconds(5);
    credentials.init();
    return credentials;
  }

  private GitRepo gitRepo(String name) {
    return index.get("team", name).orElseThrow();
  }

  /** Without restriction objects: the GitRepo's own clientSecretName or none. */
  private Credentials unrestricted(PollCredentials credentials, String name) {
    GitRepo gitRepo = gitRepo(name);
    return credentials.of(gitRepo, Restrictions.NONE.admit(gitRepo.spec()));
  }

  private static String gitRepo(String name, String repo, String clientSecretName) {
    return """
        apiVersion: fleet.cattle.io/v1alpha1
        kind: GitRepo
        metadata: {name: %s, namespace: team}
        spec:
          repo: %s
        %s
        ---
        """
        .formatted(
            name, repo, clientSecretName == null ? "" : "  clientSecretName: " + clientSecretName);
  }

  private static String secret(String name, String type, String data) {
    return """
        apiVersion: v1
        kind: Secret
        metadata: {name: %s, namespace: team}
        %s
        stringData:
        %s
        ---
        """
        .formatted(name, type == null ? "" : "type: " + type, data.indent(2));
  }

  @Test
  void usesTheKnownHostsConfigMapWhenTheSshSecretHasNone() throws Exception {
    try (LoopbackSshServer ssh = LoopbackSshServer.start(repositories);
        LoopbackGitServer git = LoopbackGitServer.start(repositories)) {
      git.createRepository("app");
      String head = git.commit("app", "main");
      KeyPair client = LoopbackSshServer.ecKey();
      ssh.authorize(client.getPublic());
      PollCredentials credentials =
          credentials(
              gitRepo("app", ssh.url("app"), "ssh-key")
                  + secret(
                      "ssh-key",
                      "kubernetes.io/ssh-auth",
                      "ssh-privatekey: |\n" + RemoteHeadsTest.openSsh(client).indent(2))
                  + """
                  apiVersion: v1
                  kind: ConfigMap
                  metadata: {name: known-hosts, namespace: cattle-fleet-system}
                  data:
                    known_hosts: |
                      github.com ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl
                      %s
                  """
                      .formatted(ssh.knownHostsLine()));

      Credentials found = unrestricted(credentials, "app");
      assertThat(found.knownHosts()).contains(ssh.knownHostsLine());
      assertThat(
              new RemoteHeads(Duration.ofSeconds(10))
                  .resolve(gitRepo("app").spec(), found)
                  .commit())
          .isEqualTo(head);
    }
  }

  @Test
  void theSecretsKnownHostsWinOverTheConfigMap() throws IOException {
    PollCredentials credentials =
        credentials(
            gitRepo("app", "git@example.com:o/r.git", "ssh-key")
                + secret(
                    "ssh-key",
                    "kubernetes.io/ssh-auth",
                    "ssh-privatekey: k\nknown_hosts: example.com ssh-ed25519 AAAA")
                + """
                apiVersion: v1
                kind: ConfigMap
                metadata: {name: known-hosts, namespace: cattle-fleet-system}
                data: {known_hosts: "github.com ssh-ed25519 BBBB"}
                """);
    assertThat(unrestricted(credentials, "app").knownHosts())
        .isEqualTo("example.com ssh-ed25519 AAAA");
  }

  @Test
  void anOpaqueSecretWithAPasswordIsRefusedNotSent() throws IOException {
    PollCredentials credentials =
        credentials(
            gitRepo("app", "https://example.com/r.git", "db")
                + secret("db", null, "username: admin\npassword: hunter2"));
    assertThatThrownBy(() -> unrestricted(credentials, "app"))
        .isInstanceOf(RemoteHeadsException.class)
        .hasMessageContaining("the credentials Secret db is of type Opaque")
        .hasMessageNotContaining("hunter2")
        .extracting(e -> ((RemoteHeadsException) e).reason())
        .isEqualTo(FailureReason.CREDENTIALS_UNUSABLE);
  }

  @Test
  void aMissingNamedSecretFails() throws IOException {
    PollCredentials credentials =
        credentials(gitRepo("named", "https://example.com/r.git", "nope"));
    assertThatThrownBy(() -> unrestricted(credentials, "named"))
        .hasMessageContaining("clientSecretName nope does not exist in namespace team")
        .extracting(e -> ((RemoteHeadsException) e).reason())
        .isEqualTo(FailureReason.CREDENTIALS_UNUSABLE);
  }

  @Test
  void theRestrictionsDefaultSecretServesAGitRepoThatNamesNone() throws IOException {
    PollCredentials credentials =
        credentials(
            gitRepo("app", "https://example.com/r.git", null)
                + secret("team-git", "kubernetes.io/basic-auth", "username: u\npassword: p"));
    var restrictions =
        Restrictions.combine(
            List.of(Map.of("metadata", Map.of("name", "r"), "defaultClientSecretName", "team-git")),
            List.of());
    Admission admission = restrictions.admit(gitRepo("app").spec());

    Credentials found = credentials.of(gitRepo("app"), admission);

    assertThat(found.kind()).isEqualTo(Credentials.Kind.BASIC);
    assertThat(found.username()).isEqualTo("u");
  }

  @Test
  void withoutAClientSecretNameAGitRepoPollsAnonymously() throws IOException {
    PollCredentials credentials =
        credentials(
            gitRepo("app", "https://example.com/r.git", null)
                + secret("gitcredential", "kubernetes.io/basic-auth", "username: u\npassword: p"));
    assertThat(unrestricted(credentials, "app")).isEqualTo(Credentials.none());
  }
}
