package io.gitwatch.polling;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gitwatch.gitrepo.GitRepoSpec;
import io.gitwatch.testing.LoopbackGitServer;
import io.gitwatch.testing.LoopbackSshServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a tenant's {@code spec.repo} can make the poller contact: only allowed schemes, and never an
 * address in a denied network, checked before anything connects. A listener on 127.0.0.2 (a second
 * loopback address) stands in for an internal service and counts every connection.
 */
class EgressPolicyTest {

  private static final Duration TIMEOUT = Duration.ofSeconds(10);

  @TempDir static Path root;
  private static LoopbackGitServer git;
  private static LoopbackSshServer ssh;

  private Listener internal;
  private String repo;

  @BeforeAll
  static void startServers() {
    git = LoopbackGitServer.start(root);
    ssh = LoopbackSshServer.start(root);
  }

  @AfterAll
  static void stopServers() {
    git.close();
    ssh.close();
  }

  @BeforeEach
  void internalServiceAndRepository() throws IOException {
    internal = new Listener(InetAddress.getByName("127.0.0.2"));
    repo = "egress-" + System.nanoTime();
    git.createRepository(repo);
    git.commit(repo, "main");
  }

  @AfterEach
  void stopInternalService() throws IOException {
    internal.close();
  }

  /** The policy Kubernetes mode runs with, denying the internal service's address too. */
  private static RemoteHeads cluster(String deniedNetworks) {
    return new RemoteHeads(
        RemoteHeads.Limits.of(TIMEOUT),
        EgressPolicy.of(EgressPolicy.defaultSchemes(false), deniedNetworks),
        Proxies.none());
  }

  @Test
  void refusesFileUrlsLocalPathsAndGitProtocolInKubernetesMode() {
    RemoteHeads remoteHeads = cluster(EgressPolicy.DEFAULT_DENIED_NETWORKS);
    for (String url :
        new String[] {
          git.fileUrl(repo),
          git.directory(repo).toString(),
          "git://127.0.0.2:" + internal.port() + "/r.git"
        }) {
      assertThatThrownBy(() -> remoteHeads.resolve(spec(url), Credentials.none()))
          .as(url)
          .isInstanceOf(RemoteHeadsException.class)
          .hasMessageContaining("gitwatch.polling.allowed-schemes")
          .extracting(e -> ((RemoteHeadsException) e).reason())
          .isEqualTo(FailureReason.REFUSED);
    }
    assertThat(internal.connections()).isZero();
  }

  @Test
  void fileModeAllowsFileUrlsAndAnExplicitListAllowsGit() {
    RemoteHeads fileMode =
        new RemoteHeads(
            RemoteHeads.Limits.of(TIMEOUT),
            EgressPolicy.of(EgressPolicy.defaultSchemes(true), ""),
            Proxies.none());
    assertThat(fileMode.resolve(spec(git.fileUrl(repo)), Credentials.none()).ref())
        .isEqualTo("refs/heads/main");
    EgressPolicy withGit = EgressPolicy.of("https,git", "");
    assertThat(withGit.toString()).contains("git,https");
    assertThatThrownBy(() -> EgressPolicy.of("https,ftp", ""))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("ftp");
  }

  @Test
  void neverConnectsToADeniedAddressOverHttpHttpsOrSsh() throws Exception {
    RemoteHeads remoteHeads = cluster("127.0.0.2/32");
    String host = "127.0.0.2:" + internal.port();
    Credentials key = Credentials.ssh(RemoteHeadsTest.openSsh(LoopbackSshServer.ecKey()), null);
    assertRefused(remoteHeads, "http://" + host + "/git/r.git", Credentials.none());
    assertRefused(remoteHeads, "https://" + host + "/git/r.git", Credentials.none());
    assertRefused(remoteHeads, "ssh://git@" + host + "/r.git", key);
    assertRefused(remoteHeads, "git@127.0.0.2:r.git", key);
    assertThat(internal.connections()).as("connections to the denied address").isZero();
  }

  @Test
  void checksTheAddressANameResolvesTo() {
    // localhost resolves to 127.0.0.1 (and ::1): deny both, and the name is refused too.
    RemoteHeads remoteHeads = cluster("127.0.0.1/32,::1/128");
    String url = git.url(repo).replace("127.0.0.1", "localhost");
    assertThatThrownBy(() -> remoteHeads.resolve(spec(url), Credentials.none()))
        .isInstanceOf(RemoteHeadsException.class)
        .hasMessageContaining("is in the denied network")
        .extracting(e -> ((RemoteHeadsException) e).reason())
        .isEqualTo(FailureReason.REFUSED);
    assertThat(git.infoRefsRequests(repo)).isZero();
  }

  @Test
  void refusesARedirectToADeniedAddress() {
    RemoteHeads remoteHeads = cluster("127.0.0.2/32");
    git.redirect(
        repo,
        "http://127.0.0.2:" + internal.port() + "/git/r.git/info/refs?service=git-upload-pack");
    assertThatThrownBy(() -> remoteHeads.resolve(spec(git.url(repo)), Credentials.none()))
        .isInstanceOf(RemoteHeadsException.class)
        .extracting(e -> ((RemoteHeadsException) e).reason())
        .isEqualTo(FailureReason.REFUSED);
    assertThat(git.infoRefsRequests(repo)).isOne();
    assertThat(internal.connections()).isZero();
  }

  @Test
  void checksTheAddressAgainOnTheSocketAnHttpsConnectionOpens() throws Exception {
    // What stops a DNS answer that changed after the first check: the socket itself refuses.
    var sockets =
        new CheckedSocketFactory(
            (javax.net.ssl.SSLSocketFactory) javax.net.ssl.SSLSocketFactory.getDefault(),
            EgressPolicy.of(EgressPolicy.CLUSTER_SCHEMES, "127.0.0.2/32"),
            "https://example.com/r.git");
    try (Socket socket = sockets.createSocket()) {
      assertThatThrownBy(
              () -> socket.connect(new InetSocketAddress("127.0.0.2", internal.port()), 1000))
          .isInstanceOf(RemoteHeadsException.class);
    }
    assertThat(internal.connections()).isZero();
  }

  @Test
  void deniesCloudMetadataByDefaultAlsoAsAnIpv4MappedAddress() {
    EgressPolicy policy =
        EgressPolicy.of(EgressPolicy.CLUSTER_SCHEMES, EgressPolicy.DEFAULT_DENIED_NETWORKS);
    for (String address :
        new String[] {"169.254.169.254", "::ffff:169.254.169.254", "fe80::1", "fd00:ec2::254"}) {
      assertThatThrownBy(() -> policy.checkAddress(InetAddress.getByName(address), "u"))
          .as(address)
          .isInstanceOf(RemoteHeadsException.class);
    }
    for (String address :
        new String[] {"140.82.112.3", "10.0.0.1", "fd00:ec2::253", "2001:db8::1"}) {
      org.junit.jupiter.api.Assertions.assertDoesNotThrow(
          () -> policy.checkAddress(InetAddress.getByName(address), "u"), address);
    }
  }

  @Test
  void parsesNetworksStrictly() {
    assertThat(Network.parse("10.1.2.3/8").contains(addr("10.200.0.1"))).isTrue();
    assertThat(Network.parse("10.1.2.3/8").contains(addr("11.0.0.1"))).isFalse();
    assertThat(Network.parse("192.168.1.7").contains(addr("192.168.1.7"))).isTrue();
    assertThat(Network.parse("192.168.1.7").contains(addr("192.168.1.8"))).isFalse();
    assertThat(Network.parse("fe80::/10").contains(addr("febf::1"))).isTrue();
    assertThat(Network.parse("fe80::/10").contains(addr("fec0::1"))).isFalse();
    assertThat(Network.parse("10.0.0.0/8").contains(addr("::ffff:10.9.9.9"))).isTrue();
    for (String bad : new String[] {"metadata.google.internal", "10.0.0.0/33", "10.0.0.0/x", ""}) {
      assertThatThrownBy(() -> Network.parse(bad))
          .as(bad)
          .isInstanceOf(IllegalArgumentException.class);
    }
  }

  private void assertRefused(RemoteHeads remoteHeads, String url, Credentials credentials) {
    assertThatThrownBy(() -> remoteHeads.resolve(spec(url), credentials))
        .as(url)
        .isInstanceOf(RemoteHeadsException.class)
        .hasMessageContaining("127.0.0.2 is in the denied network 127.0.0.2/32")
        .hasMessageContaining("it was not contacted")
        .extracting(e -> ((RemoteHeadsException) e).reason())
        .isEqualTo(FailureReason.REFUSED);
  }

  private static InetAddress addr(String literal) {
    try {
      return InetAddress.getByName(literal);
    } catch (IOException e) {
      throw new IllegalArgumentException(e);
    }
  }

  static GitRepoSpec spec(String url) {
    GitRepoSpec spec = new GitRepoSpec();
    spec.setRepo(url);
    return spec;
  }

  /** Accepts and counts connections on one address, answering nothing. */
  static final class Listener implements AutoCloseable {
    private final ServerSocket socket;
    private final AtomicInteger connections = new AtomicInteger();

    Listener(InetAddress address) throws IOException {
      socket = new ServerSocket();
      socket.bind(new InetSocketAddress(address, 0));
      Thread accepting =
          new Thread(
              () -> {
                while (!socket.isClosed()) {
                  try (Socket accepted = socket.accept()) {
                    connections.incrementAndGet();
                  } catch (IOException e) {
                    return;
                  }
                }
              },
              "internal-service");
      accepting.setDaemon(true);
      accepting.start();
    }

    int port() {
      return socket.getLocalPort();
    }

    int connections() {
      return connections.get();
    }

    @Override
    public void close() throws IOException {
      socket.close();
    }
  }
}
