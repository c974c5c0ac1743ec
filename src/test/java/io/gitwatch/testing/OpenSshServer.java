package io.gitwatch.testing;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.awaitility.core.ConditionTimeoutException;

/**
 * OpenSSH's {@code sshd} for tests, on 127.0.0.1 with its own configuration, host keys (ed25519 and
 * RSA) and {@code authorized_keys} in a directory: logins as the user running the tests, public
 * keys only, and whatever command the client asks for (so {@code git-upload-pack} serves any bare
 * repository by its absolute path, e.g. one made with {@link GitCli}).
 *
 * <p>It listens on two free ports: on {@link #port()} it accepts the client's {@code GIT_PROTOCOL}
 * variable, as GitHub's servers do, so git may speak protocol version 2; on the other it does not,
 * as a stock {@code sshd_config} does not, so git falls back to version 0.
 */
public final class OpenSshServer implements AutoCloseable {

  /** Debian's openssh-server; as a non-root user {@code /usr/sbin} is often not on the PATH. */
  private static final Path SSHD = Path.of("/usr/sbin/sshd");

  /** sshd refuses to start as root without its privilege separation directory. */
  private static final Path PRIVSEP = Path.of("/run/sshd");

  /** sshd's DEBUG2 lines about the client's GIT_PROTOCOL, one per session that sent it. */
  private static final Pattern GIT_PROTOCOL =
      Pattern.compile("Setting env \\d+: GIT_PROTOCOL=(\\S*)|(Ignoring env request GIT_PROTOCOL)");

  private static final int ATTEMPTS = 5;
  private static final AtomicInteger KEYS = new AtomicInteger();

  private final Path directory;
  private final Process process;
  private final int port;
  private final int portWithoutProtocolV2;

  private OpenSshServer(Path directory, Process process, int port, int portWithoutProtocolV2) {
    this.directory = directory;
    this.process = process;
    this.port = port;
    this.portWithoutProtocolV2 = portWithoutProtocolV2;
  }

  /**
   * Starts {@code sshd} with its files in {@code directory}; skips the calling test when {@code
   * sshd} or {@code ssh-keygen} is not installed (Debian: {@code openssh-server}).
   */
  public static OpenSshServer start(Path directory) {
    assumeTrue(
        Files.isExecutable(SSHD),
        SSHD + " is not installed (Debian: openssh-server): skipping tests against OpenSSH");
    assumeTrue(
        SshTools.installed(),
        "ssh-keygen is not installed (Debian: openssh-client): skipping tests against OpenSSH");
    if (isRoot() && !Files.isDirectory(PRIVSEP)) {
      try {
        Files.createDirectories(PRIVSEP); // what the package's service unit does at boot
      } catch (IOException e) {
        assumeTrue(false, "cannot create " + PRIVSEP + ", which sshd needs as root: " + e);
      }
    }
    try {
      Files.createDirectories(directory);
      SshTools.keyPair(directory.resolve("ssh_host_ed25519_key"), "ed25519");
      SshTools.keyPair(directory.resolve("ssh_host_rsa_key"), "rsa");
      Files.writeString(directory.resolve("authorized_keys"), "");
      String failures = "";
      for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
        int port = freePort();
        int other = freePort();
        if (other == port) {
          continue;
        }
        OpenSshServer server = launch(directory, port, other);
        if (server.awaitBanners()) {
          return server;
        }
        server.close();
        // Another process may have taken a port between choosing and binding it: try others.
        failures = server.log();
      }
      throw new IllegalStateException("sshd did not start: " + failures);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static OpenSshServer launch(Path directory, int port, int portWithoutProtocolV2)
      throws IOException {
    Path config = directory.resolve("sshd_config");
    Files.writeString(config, config(directory, port, portWithoutProtocolV2));
    Process process =
        new ProcessBuilder(
                SSHD.toString(),
                "-D",
                "-f",
                config.toString(),
                "-E",
                directory.resolve("sshd.log").toString())
            .redirectErrorStream(true)
            .redirectOutput(
                ProcessBuilder.Redirect.appendTo(directory.resolve("sshd.out").toFile()))
            .start();
    return new OpenSshServer(directory, process, port, portWithoutProtocolV2);
  }

  private static String config(Path directory, int port, int portWithoutProtocolV2) {
    return String.join(
        "\n",
        "ListenAddress 127.0.0.1:" + port,
        "ListenAddress 127.0.0.1:" + portWithoutProtocolV2,
        "HostKey " + directory.resolve("ssh_host_ed25519_key"),
        "HostKey " + directory.resolve("ssh_host_rsa_key"),
        "AuthorizedKeysFile " + directory.resolve("authorized_keys"),
        "PidFile " + directory.resolve("sshd.pid"),
        "UsePAM no",
        // The temp directory's owner and modes are not what sshd demands of a home directory.
        "StrictModes no",
        "PubkeyAuthentication yes",
        "PasswordAuthentication no",
        "KbdInteractiveAuthentication no",
        "PermitRootLogin prohibit-password",
        "AllowTcpForwarding no",
        "X11Forwarding no",
        "PrintMotd no",
        "AcceptEnv LANG LC_*", // Debian's default
        // DEBUG2 logs each GIT_PROTOCOL variable taken or ignored: see gitProtocols().
        "LogLevel DEBUG2",
        "Match LocalPort " + port,
        "  AcceptEnv GIT_PROTOCOL",
        "");
  }

  /** True once sshd greets on both ports; false when it exits or stays silent for 10 s. */
  private boolean awaitBanners() {
    try {
      await()
          .atMost(Duration.ofSeconds(10))
          .pollInterval(Duration.ofMillis(20))
          .until(() -> !process.isAlive() || (greets(port) && greets(portWithoutProtocolV2)));
      return process.isAlive();
    } catch (ConditionTimeoutException e) {
      return false;
    }
  }

  private static boolean greets(int port) {
    try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
      socket.setSoTimeout(2000);
      InputStream in = socket.getInputStream();
      StringBuilder line = new StringBuilder();
      for (int b = in.read(); b >= 0 && b != '\n' && line.length() < 255; b = in.read()) {
        line.append((char) b);
      }
      return line.toString().startsWith("SSH-2.0-OpenSSH");
    } catch (IOException e) {
      return false;
    }
  }

  /** The port on which git may speak protocol version 2. */
  public int port() {
    return port;
  }

  /** The user the server lets in: the one running the tests. */
  public String user() {
    return System.getProperty("user.name");
  }

  /**
   * {@code ssh://<user>@127.0.0.1:<port><absolute path>} on {@link #port()}. The scp-like form
   * {@code user@host:path} cannot name a port, so a server on a port other than 22 needs this one.
   */
  public String url(Path repository) {
    return url(port, repository);
  }

  /** The same on the port that ignores {@code GIT_PROTOCOL}, so git speaks protocol version 0. */
  public String urlWithoutProtocolV2(Path repository) {
    return url(portWithoutProtocolV2, repository);
  }

  private String url(int port, Path repository) {
    return "ssh://" + user() + "@127.0.0.1:" + port + repository.toAbsolutePath();
  }

  /**
   * The {@code known_hosts} line of one host key, {@code "ed25519"} or {@code "rsa"}, for both
   * ports: {@code [127.0.0.1]:<port>,[127.0.0.1]:<other port> <type> <base64>}.
   */
  public String knownHostsLine(String type) {
    return "[127.0.0.1]:"
        + port
        + ",[127.0.0.1]:"
        + portWithoutProtocolV2
        + " "
        + hostPublicKey(type);
  }

  /**
   * The server's host keys as {@code ssh-keyscan -p <port> [-H] 127.0.0.1} prints them: what users
   * paste into a Secret's {@code known_hosts}.
   */
  public String keyscan(boolean hashed) {
    return SshTools.keyscan(port, hashed);
  }

  /** The public half of one host key, {@code <type> <base64>}. */
  public String hostPublicKey(String type) {
    return SshTools.publicKey(directory.resolve("ssh_host_" + type + "_key"));
  }

  /**
   * A new client key pair made by {@code ssh-keygen -t <type>} (plus {@code extraArguments}, e.g.
   * {@code -m PEM}), its public half added to {@code authorized_keys}; returns the private key
   * file's text.
   */
  public String authorizedKey(String type, String... extraArguments) {
    try {
      Path key = newKeyPair(type, extraArguments);
      Files.writeString(
          directory.resolve("authorized_keys"),
          Files.readString(Path.of(key + ".pub")),
          StandardOpenOption.APPEND);
      return Files.readString(key);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A new client key pair that the server does not know; returns the private key file's text. */
  public String unauthorizedKey(String type) {
    try {
      return Files.readString(newKeyPair(type));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A new key pair's public half, {@code <type> <base64>}: e.g. the host key of another server. */
  public String otherPublicKey(String type) {
    return SshTools.publicKey(newKeyPair(type));
  }

  /**
   * The {@code GIT_PROTOCOL} of every session so far that sent one, in order: its value (e.g.
   * {@code version=2}) where sshd passed it to the command, "" where sshd ignored it.
   */
  public List<String> gitProtocols() {
    List<String> protocols = new ArrayList<>();
    Matcher matcher = GIT_PROTOCOL.matcher(log());
    while (matcher.find()) {
      protocols.add(matcher.group(2) != null ? "" : matcher.group(1));
    }
    return protocols;
  }

  /** sshd's log so far, for failure messages. */
  public String log() {
    try {
      Path log = directory.resolve("sshd.log");
      Path out = directory.resolve("sshd.out");
      return (Files.exists(log) ? Files.readString(log) : "")
          + (Files.exists(out) ? Files.readString(out) : "");
    } catch (IOException e) {
      return "(cannot read the log: " + e + ")";
    }
  }

  /** Stops sshd and every session process it forked. */
  @Override
  public void close() {
    List<ProcessHandle> tree = process.descendants().toList();
    tree.forEach(ProcessHandle::destroy);
    process.destroy();
    try {
      if (!process.waitFor(5, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    tree.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
  }

  private Path newKeyPair(String type, String... extraArguments) {
    Path file = directory.resolve("client_" + type + "_" + KEYS.incrementAndGet());
    return SshTools.keyPair(file, type, extraArguments);
  }

  private static boolean isRoot() {
    return "root".equals(System.getProperty("user.name"));
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }
}
