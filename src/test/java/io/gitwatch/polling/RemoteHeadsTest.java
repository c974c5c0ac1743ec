package io.gitwatch.polling;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.gitwatch.gitrepo.GitRepoSpec;
import io.gitwatch.testing.LoopbackGitServer;
import io.gitwatch.testing.LoopbackSshServer;
import io.gitwatch.testing.TestCertificate;
import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import javax.net.ssl.HostnameVerifier;
import javax.net.ssl.HttpsURLConnection;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.apache.sshd.common.config.keys.writer.openssh.OpenSSHKeyPairResourceWriter;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.io.TempDir;

class RemoteHeadsTest {

  private static final Duration TIMEOUT = Duration.ofSeconds(10);
  private static final AtomicInteger REPOSITORIES = new AtomicInteger();

  @TempDir static Path root;

  private static LoopbackGitServer git;
  private static LoopbackSshServer ssh;

  private final RemoteHeads remoteHeads = new RemoteHeads(TIMEOUT);

  /** This test's own repository, with {@code main} and {@code dev}; HEAD → main. */
  private String repo;

  private String main;
  private String dev;

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
  void createRepository(TestInfo test) {
    repo = test.getTestMethod().orElseThrow().getName() + "-" + REPOSITORIES.incrementAndGet();
    git.createRepository(repo);
    main = git.commit(repo, "main");
    dev = git.commit(repo, "dev");
  }

  @Test
  void followsTheRemotesDefaultBranchThroughHead() {
    assertThat(resolve(spec(git.url(repo)))).isEqualTo(new Head(main, "refs/heads/main"));
  }

  @Test
  void followsHeadWhenItPointsToAnotherBranch() {
    git.setHead(repo, "dev");
    assertThat(resolve(spec(git.url(repo)))).isEqualTo(new Head(dev, "refs/heads/dev"));
  }

  @Test
  void readsTheNewCommitAfterAPush() {
    String next = git.commit(repo, "main");
    assertThat(resolve(spec(git.url(repo))).commit()).isEqualTo(next).isNotEqualTo(main);
  }

  @Test
  void readsAnExplicitBranch() {
    GitRepoSpec spec = spec(git.url(repo));
    spec.setBranch("dev");
    assertThat(resolve(spec)).isEqualTo(new Head(dev, "refs/heads/dev"));
  }

  @Test
  void readsABranchWithSlashesInItsName() {
    String release = git.commit(repo, "release/v1.2");
    GitRepoSpec spec = spec(git.url(repo));
    spec.setBranch("release/v1.2");
    assertThat(resolve(spec)).isEqualTo(new Head(release, "refs/heads/release/v1.2"));
  }

  @Test
  void reportsAMissingBranch() {
    GitRepoSpec spec = spec(git.url(repo));
    spec.setBranch("nope");
    assertThatThrownBy(() -> resolve(spec))
        .isInstanceOf(RemoteHeadsException.class)
        .hasMessage("branch nope not found in " + git.url(repo));
  }

  @Test
  void refusesAnInvalidBranchNameWithoutContactingTheRemote() {
    GitRepoSpec spec = spec(git.url(repo));
    spec.setBranch("a..b");
    assertThatThrownBy(() -> resolve(spec))
        .isInstanceOf(RemoteHeadsException.class)
        .hasMessageContaining("spec.branch a..b is not a valid branch name");
    assertThat(git.infoRefsRequests(repo)).isZero();
  }

  @Test
  void resolvesALightweightTagToItsCommit() {
    git.tag(repo, "v1.0.0", dev);
    GitRepoSpec spec = spec(git.url(repo));
    spec.setRevision("v1.0.0");
    assertThat(resolve(spec)).isEqualTo(new Head(dev, "refs/tags/v1.0.0"));
  }

  @Test
  void resolvesAnAnnotatedTagToThePeeledCommit() {
    String tagObject = git.annotatedTag(repo, "v2.0.0", main);
    GitRepoSpec spec = spec(git.url(repo));
    spec.setRevision("v2.0.0");
    assertThat(tagObject).isNotEqualTo(main);
    assertThat(resolve(spec)).isEqualTo(new Head(main, "refs/tags/v2.0.0"));
  }

  @Test
  void prefersTheRevisionOverTheBranch() {
    git.tag(repo, "pinned", main);
    GitRepoSpec spec = spec(git.url(repo));
    spec.setBranch("dev");
    spec.setRevision("pinned");
    assertThat(resolve(spec)).isEqualTo(new Head(main, "refs/tags/pinned"));
  }

  @Test
  void reportsAMissingTag() {
    GitRepoSpec spec = spec(git.url(repo));
    spec.setRevision("v9.9.9");
    assertThatThrownBy(() -> resolve(spec))
        .isInstanceOf(RemoteHeadsException.class)
        .hasMessage("tag v9.9.9 not found in " + git.url(repo));
  }

  @Test
  void doesNotResolveAShortShaOrABranchNameAsARevision() {
    GitRepoSpec spec = spec(git.url(repo));
    spec.setRevision(main.substring(0, 7));
    assertThatThrownBy(() -> resolve(spec)).hasMessageContaining("tag " + main.substring(0, 7));
    spec.setRevision("dev");
    assertThatThrownBy(() -> resolve(spec)).hasMessageContaining("tag dev not found");
  }

  @Test
  void returnsAFullShaWithoutContactingTheRemote() {
    GitRepoSpec spec = spec(git.url(repo));
    spec.setRevision(dev.toUpperCase());
    assertThat(resolve(spec)).isEqualTo(new Head(dev, null));
    String sha256 = "ab".repeat(32);
    spec.setRevision(sha256);
    assertThat(resolve(spec)).isEqualTo(new Head(sha256, null));
    assertThat(git.infoRefsRequests(repo)).isZero();
  }

  @Test
  void readsEachRemoteOnceForEveryGitRepoThatSharesIt() {
    git.tag(repo, "v1", dev);
    Refs refs =
        remoteHeads.listRefs(git.url(repo), Credentials.none(), TransportOptions.defaults());
    GitRepoSpec followsHead = spec(git.url(repo));
    GitRepoSpec followsDev = spec(git.url(repo));
    followsDev.setBranch("dev");
    GitRepoSpec pinnedToTag = spec(git.url(repo));
    pinnedToTag.setRevision("v1");

    assertThat(RemoteHeads.pick(refs, followsHead).commit()).isEqualTo(main);
    assertThat(RemoteHeads.pick(refs, followsDev).commit()).isEqualTo(dev);
    assertThat(RemoteHeads.pick(refs, pinnedToTag).commit()).isEqualTo(dev);
    assertThat(git.infoRefsRequests(repo)).isOne();
    assertThat(refs.head()).isEqualTo("refs/heads/main");
    assertThat(refs.commits()).containsEntry("HEAD", main).containsEntry("refs/tags/v1", dev);
  }

  @Test
  void namesTheOnlyBranchAtHeadWhenTheRemoteSendsNoSymref() {
    Refs refs =
        new Refs(
            "https://example.com/r",
            Map.of("HEAD", dev, "refs/heads/main", main, "refs/heads/dev", dev),
            null);
    assertThat(RemoteHeads.pick(refs, new GitRepoSpec()))
        .isEqualTo(new Head(dev, "refs/heads/dev"));
  }

  @Test
  void reportsARemoteWithoutHead() {
    git.createRepository(repo + "-empty");
    assertThatThrownBy(() -> resolve(spec(git.url(repo + "-empty"))))
        .isInstanceOf(RemoteHeadsException.class)
        .hasMessageContaining("has no HEAD")
        .hasMessageContaining("set spec.branch");
  }

  @Test
  void reportsAMissingRepository() {
    assertThatThrownBy(() -> resolve(spec(git.url("does-not-exist"))))
        .isInstanceOf(RemoteHeadsException.class)
        .hasMessageContaining(git.url("does-not-exist"))
        .hasMessageContaining("repository not found");
  }

  @Test
  void readsAFileUrl() {
    assertThat(resolve(spec(git.fileUrl(repo)))).isEqualTo(new Head(main, "refs/heads/main"));
  }

  @Test
  void authenticatesWithBasicAuth() {
    git.requireBasicAuth(repo, "alice", "correct horse battery staple");
    Credentials alice =
        Credentials.fromSecret(
            "kubernetes.io/basic-auth",
            Map.of("username", "alice", "password", "correct horse battery staple"));
    assertThat(remoteHeads.resolve(spec(git.url(repo)), alice).commit()).isEqualTo(main);
  }

  @Test
  void sendsATokenOnlySecretAsTheUsername() {
    git.requireBasicAuth(repo, "ghp_token0123456789", "");
    Credentials token =
        Credentials.fromSecret(
            "kubernetes.io/basic-auth", Map.of("password", "ghp_token0123456789"));
    assertThat(remoteHeads.resolve(spec(git.url(repo)), token).commit()).isEqualTo(main);
  }

  @Test
  void refusesWrongCredentialsWithoutShowingThem() {
    git.requireBasicAuth(repo, "alice", "correct horse battery staple");
    Credentials wrong = Credentials.basic("alice", "Tr0ub4dor&3-wrong");
    assertThatThrownBy(() -> remoteHeads.resolve(spec(git.url(repo)), wrong))
        .isInstanceOf(RemoteHeadsException.class)
        .hasMessageContaining("authentication failed")
        .hasMessageNotContaining("Tr0ub4dor")
        .hasMessageNotContaining("correct horse");
  }

  @Test
  void asksForASecretWhenTheRemoteDemandsCredentials() {
    git.requireBasicAuth(repo, "alice", "secret");
    assertThatThrownBy(() -> resolve(spec(git.url(repo))))
        .isInstanceOf(RemoteHeadsException.class)
        .hasMessageContaining("authentication required")
        .hasMessageContaining("spec.clientSecretName");
  }

  @Test
  void stripsUserInfoFromUrlsInMessages() throws Exception {
    int closed = closedPort();
    String url = "http://alice:hunt@r2@127.0.0.1:" + closed + "/git/r.git";
    assertThatThrownBy(() -> resolve(spec(url)))
        .isInstanceOf(RemoteHeadsException.class)
        .hasMessageStartingWith("http://127.0.0.1:" + closed + "/git/r.git: ")
        .hasMessageNotContaining("hunt")
        .hasMessageNotContaining("r2@")
        .hasMessageNotContaining("alice");
  }

  @Test
  void failsQuicklyOnAClosedPort() throws Exception {
    String url = "http://127.0.0.1:" + closedPort() + "/git/r.git";
    RemoteHeadsException failure =
        assertTimeoutPreemptively(
            Duration.ofSeconds(5),
            () -> catchRemoteHeadsException(() -> resolve(spec(url))),
            "a refused connection must not wait for the timeout");
    assertThat(failure).hasMessageContaining("cannot connect");
  }

  @Test
  void timesOutOnAServerThatAcceptsButNeverAnswers() throws Exception {
    // The kernel completes the TCP handshake for the backlog; nobody ever reads or writes.
    try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      String url = "http://127.0.0.1:" + silent.getLocalPort() + "/git/r.git";
      RemoteHeads impatient = new RemoteHeads(Duration.ofSeconds(2));
      RemoteHeadsException failure =
          assertTimeoutPreemptively(
              Duration.ofSeconds(30),
              () ->
                  catchRemoteHeadsException(
                      () -> impatient.resolve(spec(url), Credentials.none())));
      assertThat(failure).hasMessageContaining("answer within 2 s");
      assertThat(failure.reason()).isEqualTo(FailureReason.TIMEOUT);
    }
  }

  @Test
  void refusesAnSshUrlWithoutAnSshSecret() {
    assertThatThrownBy(() -> resolve(spec("git@github.com:example/repo.git")))
        .isInstanceOf(RemoteHeadsException.class)
        .hasMessageContaining("is an SSH URL")
        .hasMessageContaining("kubernetes.io/ssh-auth");
    assertThatThrownBy(() -> resolve(spec("ssh://git@github.com/example/repo.git")))
        .hasMessageContaining("is an SSH URL");
  }

  @Test
  void refusesAnSshKeyForAnHttpUrl() {
    Credentials key = Credentials.ssh("-----BEGIN OPENSSH PRIVATE KEY-----\n", null);
    assertThatThrownBy(() -> remoteHeads.resolve(spec(git.url(repo)), key))
        .isInstanceOf(RemoteHeadsException.class)
        .hasMessageContaining("not an SSH URL");
  }

  @Test
  void readsOverSshWithAnOpenSshKeyAndKnownHosts() throws Exception {
    KeyPair client = LoopbackSshServer.ecKey();
    ssh.authorize(client.getPublic());
    Credentials credentials =
        Credentials.fromSecret(
            "kubernetes.io/ssh-auth",
            Map.of("ssh-privatekey", openSsh(client), "known_hosts", ssh.knownHostsLine() + "\n"));
    GitRepoSpec spec = spec(ssh.url(repo));
    spec.setBranch("dev");
    assertThat(remoteHeads.resolve(spec, credentials)).isEqualTo(new Head(dev, "refs/heads/dev"));
    assertThat(remoteHeads.resolve(spec(ssh.url(repo)), credentials))
        .isEqualTo(new Head(main, "refs/heads/main"));
  }

  @Test
  void readsOverSshWithAnEd25519Key() throws Exception {
    KeyPair client = new net.i2p.crypto.eddsa.KeyPairGenerator().generateKeyPair();
    ssh.authorize(client.getPublic());
    Credentials credentials = Credentials.ssh(openSsh(client), ssh.knownHostsLine());
    assertThat(remoteHeads.resolve(spec(ssh.url(repo)), credentials).commit()).isEqualTo(main);
  }

  @Test
  void readsOverSshWithAPkcs8PemKeyAndAUrlWithoutUser() throws Exception {
    KeyPairGenerator rsa = KeyPairGenerator.getInstance("RSA");
    rsa.initialize(2048);
    KeyPair client = rsa.generateKeyPair();
    ssh.authorize(client.getPublic());
    String pem =
        "-----BEGIN PRIVATE KEY-----\n"
            + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                .encodeToString(client.getPrivate().getEncoded())
            + "\n-----END PRIVATE KEY-----\n";
    String url = ssh.url(repo).replace("git@", "");
    Credentials credentials = Credentials.ssh(pem, ssh.knownHostsLine());
    assertThat(remoteHeads.resolve(spec(url), credentials).commit()).isEqualTo(main);
  }

  @Test
  void refusesAnSshHostWhoseKeyIsNotInKnownHosts() throws Exception {
    KeyPair client = LoopbackSshServer.ecKey();
    ssh.authorize(client.getPublic());
    String otherHost =
        ssh.knownHostsLine().split(" ")[0]
            + " "
            + PublicKeyEntry.toString(LoopbackSshServer.ecKey().getPublic());
    Credentials credentials = Credentials.ssh(openSsh(client), otherHost);
    assertThatThrownBy(() -> remoteHeads.resolve(spec(ssh.url(repo)), credentials))
        .isInstanceOf(RemoteHeadsException.class)
        .hasMessageContaining("is not in known_hosts, which lists another key for this host")
        .hasMessageContaining("ecdsa-sha2-nistp256 SHA256:")
        .extracting(e -> ((RemoteHeadsException) e).reason())
        .isEqualTo(FailureReason.HOST_KEY_MISMATCH);
  }

  @Test
  void acceptsAHashedKnownHostsEntry() throws Exception {
    KeyPair client = LoopbackSshServer.ecKey();
    ssh.authorize(client.getPublic());
    String[] line = ssh.knownHostsLine().split(" ", 2);
    byte[] salt = new byte[20];
    new SecureRandom().nextBytes(salt);
    Mac hmac = Mac.getInstance("HmacSHA1");
    hmac.init(new SecretKeySpec(salt, "HmacSHA1"));
    byte[] hash = hmac.doFinal(line[0].getBytes(StandardCharsets.US_ASCII));
    String hashed =
        "|1|"
            + Base64.getEncoder().encodeToString(salt)
            + "|"
            + Base64.getEncoder().encodeToString(hash)
            + " "
            + line[1];
    Credentials credentials = Credentials.ssh(openSsh(client), "# comment\n\n" + hashed);
    assertThat(remoteHeads.resolve(spec(ssh.url(repo)), credentials).commit()).isEqualTo(main);
  }

  @Test
  void refusesARevokedSshHostKey() throws Exception {
    KeyPair client = LoopbackSshServer.ecKey();
    ssh.authorize(client.getPublic());
    String knownHosts = ssh.knownHostsLine() + "\n@revoked " + ssh.knownHostsLine();
    Credentials credentials = Credentials.ssh(openSsh(client), knownHosts);
    assertThatThrownBy(() -> remoteHeads.resolve(spec(ssh.url(repo)), credentials))
        .isInstanceOf(RemoteHeadsException.class)
        .hasMessageContaining("is revoked in known_hosts");
  }

  @Test
  void refusesEverySshHostWithoutKnownHosts() throws Exception {
    KeyPair client = LoopbackSshServer.ecKey();
    ssh.authorize(client.getPublic());
    Credentials credentials = Credentials.ssh(openSsh(client), null);
    assertThatThrownBy(() -> remoteHeads.resolve(spec(ssh.url(repo)), credentials))
        .isInstanceOf(RemoteHeadsException.class)
        .hasMessageContaining("is not in known_hosts, which lists no key for this host")
        .hasMessageContaining("known-hosts ConfigMap")
        .extracting(e -> ((RemoteHeadsException) e).reason())
        .isEqualTo(FailureReason.HOST_KEY_UNKNOWN);
  }

  @Test
  void refusesAnSshKeyTheServerDoesNotKnow() throws Exception {
    KeyPair stranger = LoopbackSshServer.ecKey();
    Credentials credentials = Credentials.ssh(openSsh(stranger), ssh.knownHostsLine());
    assertThatThrownBy(() -> remoteHeads.resolve(spec(ssh.url(repo)), credentials))
        .isInstanceOf(RemoteHeadsException.class)
        .hasMessageContaining("authentication failed")
        .hasMessageNotContaining("PRIVATE KEY");
  }

  @Test
  void refusesAnUnreadableSshKeyWithoutQuotingIt() {
    Credentials credentials =
        Credentials.ssh(
            "-----BEGIN OPENSSH PRIVATE KEY-----\nbm90IGEga2V5\n-----END OPENSSH PRIVATE KEY-----",
            ssh.knownHostsLine());
    assertThatThrownBy(() -> remoteHeads.resolve(spec(ssh.url(repo)), credentials))
        .isInstanceOf(RemoteHeadsException.class)
        .hasMessageContaining("ssh-privatekey is not")
        .hasMessageNotContaining("bm90IGEga2V5");
  }

  @Test
  void appliesTheCaBundleAndInsecureSkipTlsVerifyToOneCallOnly() throws Exception {
    SSLContext defaultContext = SSLContext.getDefault();
    SSLSocketFactory defaultSockets = HttpsURLConnection.getDefaultSSLSocketFactory();
    HostnameVerifier defaultVerifier = HttpsURLConnection.getDefaultHostnameVerifier();
    TestCertificate certificate = TestCertificate.create(root, "tls-" + repo);
    try (LoopbackGitServer https = LoopbackGitServer.startTls(root, certificate)) {
      GitRepoSpec verified = spec(https.url(repo));
      assertThatThrownBy(() -> resolve(verified))
          .isInstanceOf(RemoteHeadsException.class)
          .hasMessageContaining("TLS verification failed");

      GitRepoSpec withCa = spec(https.url(repo));
      withCa.setCaBundle(base64(certificate.pem()));
      assertThat(resolve(withCa).commit()).isEqualTo(main);

      GitRepoSpec insecure = spec(https.url(repo));
      insecure.setInsecureSkipTLSVerify(true);
      assertThat(resolve(insecure).commit()).isEqualTo(main);

      // Neither option leaked into the next call, nor into the JVM.
      assertThatThrownBy(() -> resolve(verified)).hasMessageContaining("TLS verification failed");
      assertThat(SSLContext.getDefault()).isSameAs(defaultContext);
      assertThat(HttpsURLConnection.getDefaultSSLSocketFactory()).isSameAs(defaultSockets);
      assertThat(HttpsURLConnection.getDefaultHostnameVerifier()).isSameAs(defaultVerifier);
    }
  }

  @Test
  void stillChecksTheHostNameWithACaBundleButNotWhenInsecure() throws Exception {
    TestCertificate elsewhere = TestCertificate.create(root, "tls-" + repo, "dns:git.example.com");
    try (LoopbackGitServer https = LoopbackGitServer.startTls(root, elsewhere)) {
      GitRepoSpec withCa = spec(https.url(repo));
      withCa.setCaBundle(base64(elsewhere.pem()));
      assertThatThrownBy(() -> resolve(withCa))
          .isInstanceOf(RemoteHeadsException.class)
          .hasMessageContaining("TLS verification failed");

      GitRepoSpec insecure = spec(https.url(repo));
      insecure.setInsecureSkipTLSVerify(true);
      assertThat(resolve(insecure).commit()).isEqualTo(main);
    }
  }

  @Test
  void reportsACaBundleThatIsNotPem() {
    GitRepoSpec spec = spec(git.url(repo).replace("http:", "https:"));
    spec.setCaBundle(base64("not a certificate"));
    assertThatThrownBy(() -> resolve(spec))
        .isInstanceOf(RemoteHeadsException.class)
        .hasMessageContaining("spec.caBundle");
  }

  @Test
  void buildsCredentialsFromSecrets() {
    assertThat(
            Credentials.fromSecret(
                "kubernetes.io/basic-auth", Map.of("username", "u", "password", "p")))
        .isEqualTo(Credentials.basic("u", "p"));
    assertThat(Credentials.fromSecret("kubernetes.io/basic-auth", Map.of("password", "tok")))
        .isEqualTo(new Credentials(Credentials.Kind.BASIC, "tok", "", null, null));
    assertThat(Credentials.fromSecret("kubernetes.io/ssh-auth", Map.of("ssh-privatekey", "k")))
        .isEqualTo(Credentials.ssh("k", null));
    assertThat(
            Credentials.fromSecret(
                "kubernetes.io/ssh-auth", Map.of("ssh-privatekey", "k", "known_hosts", "h")))
        .isEqualTo(Credentials.ssh("k", "h"));
  }

  @Test
  void sendsNothingFromASecretWhoseTypeIsNotAGitCredential() {
    for (String type : new String[] {null, "Opaque", "kubernetes.io/tls", "example.com/custom"}) {
      assertThatThrownBy(
              () ->
                  Credentials.fromSecret(
                      "db-password", type, Map.of("username", "u", "password", "hunter2")))
          .isInstanceOf(RemoteHeadsException.class)
          .hasMessageContaining("the credentials Secret db-password is of type")
          .hasMessageContaining("kubernetes.io/basic-auth")
          .hasMessageNotContaining("hunter2")
          .extracting(e -> ((RemoteHeadsException) e).reason())
          .isEqualTo(FailureReason.CREDENTIALS_UNUSABLE);
    }
    assertThatThrownBy(() -> Credentials.fromSecret("Opaque", Map.of("ssh-privatekey", "k")))
        .hasMessageContaining("is of type Opaque");
  }

  @Test
  void refusesSecretsWithoutUsableCredentials() {
    assertThatThrownBy(() -> Credentials.fromSecret("kubernetes.io/basic-auth", Map.of()))
        .isInstanceOf(RemoteHeadsException.class)
        .hasMessageContaining("neither a username nor a password");
    assertThatThrownBy(() -> Credentials.fromSecret("kubernetes.io/ssh-auth", Map.of()))
        .hasMessageContaining("no ssh-privatekey");
    assertThatThrownBy(() -> Credentials.fromSecret("Opaque", Map.of("token", "x")))
        .hasMessageContaining("Opaque")
        .hasMessageNotContaining("x\"");
    assertThatThrownBy(() -> Credentials.fromSecret("Opaque", Map.of("github_app_id", "1")))
        .hasMessageContaining("GitHub App");
  }

  @Test
  void showsNoSecretInCredentialsToString() {
    assertThat(Credentials.basic("alice", "hunter2").toString()).doesNotContain("hunter2");
    assertThat(Credentials.basic("", "ghp_token").toString()).doesNotContain("ghp_token");
    assertThat(Credentials.ssh("PRIVATE", null).toString()).doesNotContain("PRIVATE");
  }

  @Test
  void roundsTheTimeoutUpToWholeSeconds() {
    assertThatThrownBy(() -> new RemoteHeads(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(new RemoteHeads(Duration.ofMillis(1)).timeoutSeconds()).isEqualTo(1);
    assertThat(new RemoteHeads(Duration.ofMillis(2500)).timeoutSeconds()).isEqualTo(3);
  }

  /** Prints ms per ls-remote for each transport; timing goals belong to benchmarks, not here. */
  @Test
  void measuresLsRemoteOnLoopback() throws Exception {
    KeyPair client = LoopbackSshServer.ecKey();
    ssh.authorize(client.getPublic());
    Credentials sshKey = Credentials.ssh(openSsh(client), ssh.knownHostsLine());
    TestCertificate certificate = TestCertificate.create(root, "tls-" + repo);
    try (LoopbackGitServer https = LoopbackGitServer.startTls(root, certificate)) {
      GitRepoSpec withCa = spec(https.url(repo));
      withCa.setCaBundle(base64(certificate.pem()));
      GitRepoSpec insecure = spec(https.url(repo));
      insecure.setInsecureSkipTLSVerify(true);

      measure("file://", 100, () -> resolve(spec(git.fileUrl(repo))));
      measure("http (GitServlet)", 100, () -> resolve(spec(git.url(repo))));
      measure("https + caBundle", 40, () -> resolve(withCa));
      measure("https insecure", 40, () -> resolve(insecure));
      measure("ssh (sshd, EC key)", 20, () -> remoteHeads.resolve(spec(ssh.url(repo)), sshKey));
    }
  }

  private void measure(String label, int calls, Supplier<Head> lsRemote) {
    for (int i = 0; i < Math.max(5, calls / 5); i++) {
      assertThat(lsRemote.get().commit()).isEqualTo(main); // warm-up: class loading, JIT
    }
    long start = System.nanoTime();
    for (int i = 0; i < calls; i++) {
      assertThat(lsRemote.get().commit()).isEqualTo(main);
    }
    double msPerCall = (System.nanoTime() - start) / 1e6 / calls;
    System.out.printf("ls-remote %-20s %6.2f ms/call (%d calls)%n", label, msPerCall, calls);
  }

  private Head resolve(GitRepoSpec spec) {
    return remoteHeads.resolve(spec, Credentials.none());
  }

  private static GitRepoSpec spec(String url) {
    GitRepoSpec spec = new GitRepoSpec();
    spec.setRepo(url);
    return spec;
  }

  private static String base64(String text) {
    return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
  }

  static String openSsh(KeyPair key) throws Exception {
    ByteArrayOutputStream pem = new ByteArrayOutputStream();
    OpenSSHKeyPairResourceWriter.INSTANCE.writePrivateKey(key, "gitwatch-test", null, pem);
    return pem.toString(StandardCharsets.US_ASCII);
  }

  private static int closedPort() throws Exception {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  private static RemoteHeadsException catchRemoteHeadsException(Runnable call) {
    try {
      call.run();
    } catch (RemoteHeadsException e) {
      return e;
    }
    throw new AssertionError("expected a RemoteHeadsException");
  }
}
