package io.gitwatch.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.security.spec.ECGenParameterSpec;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.apache.sshd.common.keyprovider.KeyPairProvider;
import org.apache.sshd.core.CoreModuleProperties;
import org.apache.sshd.server.Environment;
import org.apache.sshd.server.ExitCallback;
import org.apache.sshd.server.SshServer;
import org.apache.sshd.server.channel.ChannelSession;
import org.apache.sshd.server.command.Command;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
import org.eclipse.jgit.transport.UploadPack;

/**
 * A real git-over-SSH server for tests: Apache MINA sshd on 127.0.0.1 and a random port, running
 * JGit's {@link UploadPack} for {@code git-upload-pack}, serving the bare repositories of a
 * directory (e.g. the one a {@link LoopbackGitServer} serves). Only public-key authentication with
 * an {@linkplain #authorize authorized} key is accepted.
 */
public final class LoopbackSshServer implements AutoCloseable {

  private final Path root;
  private final SshServer server;
  private final KeyPair hostKey;
  private final Set<PublicKey> authorized = new CopyOnWriteArraySet<>();
  private final AtomicInteger uploadPacks = new AtomicInteger();
  private volatile boolean trickling;

  private LoopbackSshServer(Path root) throws IOException, GeneralSecurityException {
    this.root = root;
    this.hostKey = ecKey();
    server = SshServer.setUpDefaultServer();
    server.setHost("127.0.0.1");
    server.setPort(0);
    server.setKeyPairProvider(KeyPairProvider.wrap(hostKey));
    server.setPublickeyAuthenticator(
        (user, key, session) ->
            authorized.stream().anyMatch(known -> KeyUtils.compareKeys(known, key)));
    server.setPasswordAuthenticator(null);
    server.setKeyboardInteractiveAuthenticator(null);
    server.setCommandFactory((channel, command) -> new UploadPackCommand(command));
    // Without it Nagle's algorithm meets delayed ACKs and every exchange waits ~40 ms.
    CoreModuleProperties.TCP_NODELAY.set(server, true);
    server.start();
  }

  /** Starts a server for the bare repositories under {@code root}. */
  public static LoopbackSshServer start(Path root) {
    try {
      return new LoopbackSshServer(root);
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalStateException("cannot start the loopback SSH server", e);
    }
  }

  /** A new EC P-256 key pair, e.g. a client key to {@linkplain #authorize authorize}. */
  public static KeyPair ecKey() throws GeneralSecurityException {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
    generator.initialize(new ECGenParameterSpec("secp256r1"));
    return generator.generateKeyPair();
  }

  /** Lets clients holding the private half of {@code key} in. */
  public void authorize(PublicKey key) {
    authorized.add(key);
  }

  /** {@code ssh://git@127.0.0.1:<port>/<name>.git} */
  public String url(String name) {
    return "ssh://git@127.0.0.1:" + server.getPort() + "/" + name + ".git";
  }

  /** The {@code known_hosts} line of this server's host key. */
  public String knownHostsLine() {
    return "[127.0.0.1]:" + server.getPort() + " " + PublicKeyEntry.toString(hostKey.getPublic());
  }

  /**
   * From now on, {@code git-upload-pack} sends the start of an advertisement and then one byte per
   * second, for ever (five minutes at most): only a deadline on the whole call ends it.
   */
  public void trickle() {
    trickling = true;
  }

  /** How many {@code git-upload-pack} commands ran (every SSH ls-remote runs one). */
  public int uploadPacks() {
    return uploadPacks.get();
  }

  @Override
  public void close() {
    try {
      server.stop(true);
    } catch (IOException e) {
      throw new IllegalStateException("cannot stop the loopback SSH server", e);
    }
  }

  /** {@code git-upload-pack '/<name>.git'}, served by JGit on a thread of its own. */
  private final class UploadPackCommand implements Command {
    private final String command;
    private InputStream in;
    private OutputStream out;
    private OutputStream err;
    private ExitCallback exit;
    private Thread thread;

    UploadPackCommand(String command) {
      this.command = command;
    }

    @Override
    public void start(ChannelSession channel, Environment environment) {
      String protocol = environment.getEnv().get("GIT_PROTOCOL");
      thread =
          new Thread(
              () -> {
                int status = 0;
                if (trickling) {
                  uploadPacks.incrementAndGet();
                  status = trickle(out);
                  exit.onExit(status);
                  return;
                }
                try (Repository repository = open(command)) {
                  uploadPacks.incrementAndGet();
                  UploadPack uploadPack = new UploadPack(repository);
                  if (protocol != null) {
                    uploadPack.setExtraParameters(List.of(protocol.split(":")));
                  }
                  uploadPack.upload(in, out, err);
                } catch (Exception e) {
                  status = 1;
                  try {
                    err.write((e.getMessage() + "\n").getBytes(StandardCharsets.UTF_8));
                    err.flush();
                  } catch (IOException ignored) {
                    // the client is gone; the exit status still tells the channel
                  }
                } finally {
                  exit.onExit(status);
                }
              },
              "loopback-ssh-upload-pack");
      thread.setDaemon(true);
      thread.start();
    }

    private int trickle(OutputStream out) {
      byte[] endless =
          "ffff0000000000000000000000000000000000000000 HEAD".getBytes(StandardCharsets.US_ASCII);
      long until = System.nanoTime() + java.util.concurrent.TimeUnit.MINUTES.toNanos(5);
      try {
        for (int i = 0; System.nanoTime() < until; i++) {
          out.write(endless[Math.min(i, endless.length - 1)]);
          out.flush();
          Thread.sleep(1000);
        }
      } catch (IOException e) {
        return 1; // the client is gone
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return 1;
      }
      return 0;
    }

    private Repository open(String command) throws IOException {
      if (!command.startsWith("git-upload-pack ")) {
        throw new IOException("only git-upload-pack is served, not: " + command);
      }
      String path = command.substring("git-upload-pack ".length()).replace("'", "");
      Path gitDir = root.resolve(path.replaceFirst("^/+", "")).normalize();
      if (!gitDir.startsWith(root) || !Files.isDirectory(gitDir)) {
        throw new IOException("no repository " + path);
      }
      return new FileRepositoryBuilder().setGitDir(gitDir.toFile()).setMustExist(true).build();
    }

    @Override
    public void destroy(ChannelSession channel) {
      if (thread != null) {
        thread.interrupt();
      }
    }

    @Override
    public void setInputStream(InputStream in) {
      this.in = in;
    }

    @Override
    public void setOutputStream(OutputStream out) {
      this.out = out;
    }

    @Override
    public void setErrorStream(OutputStream err) {
      this.err = err;
    }

    @Override
    public void setExitCallback(ExitCallback exit) {
      this.exit = exit;
    }
  }
}
