package io.gitwatch.polling;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gitwatch.gitrepo.GitRepoSpec;
import io.gitwatch.testing.GitCli;
import io.gitwatch.testing.GitHttpBackendServer;
import io.gitwatch.testing.OpenSshServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link RemoteHeads} against real servers that are not our own libraries: C git's {@code
 * git-http-backend} and OpenSSH's {@code sshd}, serving repositories made by the git command line.
 * Each server's tests are skipped with a message when its programs are not installed ({@code
 * .ci/run} installs them).
 */
class RemoteHeadsInteropTest {

  private static final Duration TIMEOUT = Duration.ofSeconds(10);
  private static final AtomicInteger NAMES = new AtomicInteger();

  @TempDir static Path root;

  private static GitCli git;

  /** The git command line; skips the calling test when it is not installed. */
  private static GitCli git() {
    if (git == null) {
      git = GitCli.in(root);
    }
    return git;
  }

  /**
   * A repository made by C git whose HEAD points to {@code trunk}, not {@code main}; {@code stable}
   * is at the same commit as trunk (so only the symref, not the commit, tells which branch HEAD
   * is), {@code feature/x} is another branch, {@code v1} a lightweight tag of {@code feature/x}'s
   * commit and {@code v2} an annotated tag of trunk's first commit, one commit behind trunk.
   */
  private record Repository(String name, String trunk, String feature, String tagged, String tag) {
    static Repository create() {
      String name = "repo-" + NAMES.incrementAndGet();
      git().createRepository(name, "trunk");
      String tagged = git().commit(name, "trunk");
      String trunk = git().commit(name, "trunk");
      git().branch(name, "stable", trunk);
      String feature = git().commit(name, "feature/x");
      git().tag(name, "v1", feature);
      String tag = git().annotatedTag(name, "v2", tagged);
      return new Repository(name, trunk, feature, tagged, tag);
    }

    Path directory() {
      return git().directory(name);
    }
  }

  @Nested
  @TestInstance(TestInstance.Lifecycle.PER_CLASS)
  class GitHttpBackend {

    private GitHttpBackendServer server;
    private Repository repo;

    /** In each test, so that each one is reported as skipped, with the reason, without git. */
    @BeforeEach
    void startServer() {
      if (server == null) {
        repo = Repository.create();
        server = GitHttpBackendServer.start(root);
      }
    }

    @AfterAll
    void stopServer() {
      if (server != null) {
        server.close();
      }
    }

    @AfterEach
    void allowProtocolV2Again() {
      if (server != null) {
        server.allowProtocolV2(true);
      }
    }

    @ParameterizedTest(name = "protocol v2 allowed: {0}")
    @ValueSource(booleans = {true, false})
    void followsTheDefaultBranchThroughHeadWhenItIsNotMain(boolean v2) {
      server.allowProtocolV2(v2);
      assertThat(resolve(spec(server.url(repo.name())), anonymous()))
          .isEqualTo(new Head(repo.trunk(), "refs/heads/trunk"));
      assertThat(server.gitProtocolHeaders()).last().isEqualTo(v2 ? "version=2" : "");
    }

    @ParameterizedTest(name = "protocol v2 allowed: {0}")
    @ValueSource(booleans = {true, false})
    void resolvesTagsLightweightAndAnnotatedToTheirCommits(boolean v2) {
      server.allowProtocolV2(v2);
      assertThat(resolve(revision(server.url(repo.name()), "v1"), anonymous()))
          .isEqualTo(new Head(repo.feature(), "refs/tags/v1"));
      assertThat(repo.tag()).isNotEqualTo(repo.tagged());
      assertThat(resolve(revision(server.url(repo.name()), "v2"), anonymous()))
          .isEqualTo(new Head(repo.tagged(), "refs/tags/v2"));
    }

    @Test
    void readsABranchOtherThanTheDefault() {
      assertThat(resolve(branch(server.url(repo.name()), "feature/x"), anonymous()))
          .isEqualTo(new Head(repo.feature(), "refs/heads/feature/x"));
    }

    @ParameterizedTest(name = "protocol v2 allowed: {0}")
    @ValueSource(booleans = {true, false})
    void reportsAnEmptyRepositoryAsHavingNoHead(boolean v2) {
      server.allowProtocolV2(v2);
      String empty = "empty-" + NAMES.incrementAndGet();
      git().createRepository(empty, "trunk");
      assertThatThrownBy(() -> resolve(spec(server.url(empty)), anonymous()))
          .isInstanceOf(RemoteHeadsException.class)
          .hasMessageContaining("has no HEAD");
    }

    /**
     * Gitea, Forgejo and GitLab can host SHA-256 repositories; JGit 7.8 cannot read their refs. The
     * poll must fail as a polling failure naming the repository, not crash.
     */
    @ParameterizedTest(name = "protocol v2 allowed: {0}")
    @ValueSource(booleans = {true, false})
    void reportsASha256RepositoryAsAPollingFailure(boolean v2) {
      server.allowProtocolV2(v2);
      String sha256 = "sha256-" + NAMES.incrementAndGet();
      git().createRepository(sha256, "trunk", "sha256");
      assertThat(git().commit(sha256, "trunk")).hasSize(64);
      assertThatThrownBy(() -> resolve(spec(server.url(sha256)), anonymous()))
          .isInstanceOf(RemoteHeadsException.class)
          .hasMessageStartingWith(server.url(sha256) + ": ");
    }

    @Test
    void reportsARepositoryThatDoesNotExist() {
      assertThatThrownBy(() -> resolve(spec(server.url("does-not-exist")), anonymous()))
          .isInstanceOf(RemoteHeadsException.class)
          .hasMessageContaining("repository not found");
    }

    @Test
    void authenticatesWithBasicAuth() {
      Repository guarded = Repository.create();
      server.requireBasicAuth(guarded.name(), "alice", "correct horse battery staple");
      Credentials alice = basicAuth("alice", "correct horse battery staple");
      assertThat(resolve(spec(server.url(guarded.name())), alice).commit())
          .isEqualTo(guarded.trunk());
    }

    @Test
    void refusesWrongBasicAuthCredentialsWithoutShowingThem() {
      Repository guarded = Repository.create();
      server.requireBasicAuth(guarded.name(), "alice", "correct horse battery staple");
      assertThatThrownBy(
              () -> resolve(spec(server.url(guarded.name())), basicAuth("alice", "Tr0ub4dor&3")))
          .isInstanceOf(RemoteHeadsException.class)
          .hasMessageContaining("authentication failed")
          .hasMessageNotContaining("Tr0ub4dor")
          .hasMessageNotContaining("correct horse");
      assertThatThrownBy(() -> resolve(spec(server.url(guarded.name())), anonymous()))
          .isInstanceOf(RemoteHeadsException.class)
          .hasMessageContaining("authentication required");
    }
  }

  @Nested
  @TestInstance(TestInstance.Lifecycle.PER_CLASS)
  class OpenSsh {

    private OpenSshServer server;
    private Repository repo;
    private String clientKey;

    /** In each test, so that each one is reported as skipped, with the reason, without sshd. */
    @BeforeEach
    void startServer() {
      if (server == null) {
        repo = Repository.create();
        server = OpenSshServer.start(root.resolve("sshd"));
        clientKey = server.authorizedKey("ed25519");
      }
    }

    @AfterAll
    void stopServer() {
      if (server != null) {
        server.close();
      }
    }

    /** {@code -m PEM}: the RSA key format Fleet's documentation shows for GitRepo Secrets. */
    @ParameterizedTest(name = "ssh-keygen -t {0} {1}")
    @CsvSource({"ed25519, ''", "rsa, ''", "rsa, -m PEM", "ecdsa, ''"})
    void followsTheDefaultBranchThroughHeadWithEachKindOfClientKey(String type, String format) {
      String key = server.authorizedKey(type, format.isEmpty() ? new String[0] : format.split(" "));
      Credentials credentials = sshKey(key, server.knownHostsLine("ed25519"));
      assertThat(resolve(spec(server.url(repo.directory())), credentials))
          .as(() -> server.log())
          .isEqualTo(new Head(repo.trunk(), "refs/heads/trunk"));
    }

    @Test
    void acceptsTheServerByItsRsaHostKeyAlone() {
      Credentials credentials = sshKey(clientKey, server.knownHostsLine("rsa"));
      assertThat(resolve(spec(server.url(repo.directory())), credentials).commit())
          .as(() -> server.log())
          .isEqualTo(repo.trunk());
    }

    @ParameterizedTest(name = "sshd accepts GIT_PROTOCOL: {0}")
    @ValueSource(booleans = {true, false})
    void followsHeadAndPeelsAnnotatedTagsInBothProtocolVersions(boolean v2) {
      Credentials credentials = sshKey(clientKey, server.knownHostsLine("ed25519"));
      String url =
          v2 ? server.url(repo.directory()) : server.urlWithoutProtocolV2(repo.directory());
      assertThat(resolve(spec(url), credentials))
          .isEqualTo(new Head(repo.trunk(), "refs/heads/trunk"));
      assertThat(server.gitProtocols()).last().isEqualTo(v2 ? "version=2" : "");
      assertThat(resolve(revision(url, "v2"), credentials))
          .isEqualTo(new Head(repo.tagged(), "refs/tags/v2"));
    }

    /** What Fleet's documentation has users put into the Secret: ssh-keyscan's output. */
    @ParameterizedTest(name = "hashed host names: {0}")
    @ValueSource(booleans = {false, true})
    void acceptsKnownHostsAsSshKeyscanPrintsThem(boolean hashed) {
      Credentials credentials = sshKey(clientKey, server.keyscan(hashed));
      assertThat(resolve(spec(server.url(repo.directory())), credentials).commit())
          .isEqualTo(repo.trunk());
    }

    @Test
    void refusesAServerWhoseHostKeyIsNotTheOneInKnownHosts() {
      String listed = server.otherPublicKey("ed25519");
      String knownHosts = "[127.0.0.1]:" + server.port() + " " + listed;
      assertThatThrownBy(
              () -> resolve(spec(server.url(repo.directory())), sshKey(clientKey, knownHosts)))
          .isInstanceOf(RemoteHeadsException.class)
          .hasMessageContaining("is not in known_hosts")
          .hasMessageContaining("SHA256:")
          .hasMessageNotContaining(listed.split(" ")[1])
          .hasMessageNotContaining(server.hostPublicKey("ed25519").split(" ")[1])
          .hasMessageNotContaining(server.hostPublicKey("rsa").split(" ")[1])
          .hasMessageNotContaining("PRIVATE KEY");
    }

    @Test
    void refusesAServerThatKnownHostsListsOnlyUnderOtherNames() {
      String key = server.hostPublicKey("ed25519");
      String knownHosts =
          String.join(
              "\n",
              "127.0.0.1 " + key, // port 22 only
              "[localhost]:" + server.port() + " " + key,
              "github.com " + key);
      assertThatThrownBy(
              () -> resolve(spec(server.url(repo.directory())), sshKey(clientKey, knownHosts)))
          .isInstanceOf(RemoteHeadsException.class)
          .hasMessageContaining("is not in known_hosts");
    }

    @Test
    void refusesAClientKeyTheServerDoesNotAuthorize() {
      String stranger = server.unauthorizedKey("ed25519");
      Credentials credentials = sshKey(stranger, server.knownHostsLine("ed25519"));
      assertThatThrownBy(() -> resolve(spec(server.url(repo.directory())), credentials))
          .isInstanceOf(RemoteHeadsException.class)
          .hasMessageContaining("authentication failed")
          .hasMessageNotContaining("PRIVATE KEY");
    }

    @Test
    void reportsARepositoryThatDoesNotExist() {
      Credentials credentials = sshKey(clientKey, server.knownHostsLine("ed25519"));
      String url = server.url(root.resolve("does-not-exist.git"));
      assertThatThrownBy(() -> resolve(spec(url), credentials))
          .isInstanceOf(RemoteHeadsException.class)
          .hasMessageContaining("repository not found");
    }
  }

  /** The one call into {@link RemoteHeads}: adapt it here when its API changes. */
  private static Head resolve(GitRepoSpec spec, Credentials credentials) {
    return new RemoteHeads(TIMEOUT).resolve(spec, credentials);
  }

  private static Credentials anonymous() {
    return Credentials.none();
  }

  private static Credentials basicAuth(String username, String password) {
    return Credentials.basic(username, password);
  }

  private static Credentials sshKey(String privateKey, String knownHosts) {
    return Credentials.ssh(privateKey, knownHosts);
  }

  private static GitRepoSpec spec(String url) {
    GitRepoSpec spec = new GitRepoSpec();
    spec.setRepo(url);
    return spec;
  }

  private static GitRepoSpec branch(String url, String branch) {
    GitRepoSpec spec = spec(url);
    spec.setBranch(branch);
    return spec;
  }

  private static GitRepoSpec revision(String url, String revision) {
    GitRepoSpec spec = spec(url);
    spec.setRevision(revision);
    return spec;
  }
}
