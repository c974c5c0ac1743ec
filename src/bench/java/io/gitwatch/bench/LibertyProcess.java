package io.gitwatch.bench;

import io.gitwatch.testing.Gitwatch;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * A second server of the benchmarks' Liberty installation, configured as the test server (its
 * {@code server.xml}, {@code server.env}, the bench drop-in, and the JVM arguments Arquillian gives
 * the test server as {@code jvm.options}: the same features and settings, the same API server) on
 * ports of its own, started with {@code server run} as a process of its own so that a whole start
 * can be timed: with no application, or with the WAR in {@code dropins}.
 */
final class LibertyProcess implements AutoCloseable {

  /** Liberty's message when it could not listen on a port. */
  static final String BIND_FAILED = "CWWKO0221E";

  private final String name;
  private final int httpPort;
  private final int httpsPort;
  private final Path wlp;
  private final Path dir;
  private final Path log;
  private Process process;
  private long logOffset;

  LibertyProcess(String name, int httpPort, int httpsPort) {
    this.name = name;
    this.httpPort = httpPort;
    this.httpsPort = httpsPort;
    log = Path.of(System.getProperty("gitwatch.basedir", "."), "target/bench", name + ".log");
    Path test = BenchConfig.serverDir();
    wlp = test.getParent().getParent().getParent();
    dir = test.resolveSibling(name);
    try {
      Files.createDirectories(dir.resolve("configDropins/overrides"));
      Files.createDirectories(dir.resolve("dropins"));
      for (String file :
          new String[] {"server.xml", "server.env", "configDropins/overrides/bench.xml"}) {
        if (Files.exists(test.resolve(file))) {
          Files.copy(test.resolve(file), dir.resolve(file), StandardCopyOption.REPLACE_EXISTING);
        }
      }
      Files.writeString(
          dir.resolve("jvm.options"),
          String.join("\n", System.getProperty("bench.liberty.jvm.args", "").split("\\s+")) + "\n");
      Files.writeString(
          dir.resolve("bootstrap.properties"),
          "http.port=" + httpPort + "\nhttps.port=" + httpsPort + "\n");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Deploys {@code war} at the next start ({@code null}: no application). */
  void application(Path war) {
    try {
      Path deployed = dir.resolve("dropins").resolve("gitwatch.war");
      if (war == null) {
        Files.deleteIfExists(deployed);
      } else {
        Files.copy(war, deployed, StandardCopyOption.REPLACE_EXISTING);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Its HTTP address. */
  Gitwatch http() {
    return new Gitwatch(URI.create("http://127.0.0.1:" + httpPort + "/"));
  }

  /**
   * Waits until the server's ports are free. They are in the ephemeral range: a client connection
   * of any process on the machine may hold one for a while, and Liberty does not retry a port it
   * could not open.
   */
  void awaitFreePorts() throws InterruptedException {
    Duration wait = Duration.ofSeconds(60);
    if (!Waits.until(() -> free(httpPort) && free(httpsPort), wait)) {
      throw new NotMeasured(
          BenchTable.format(
              "port %d or %d was still in use after %d s", httpPort, httpsPort, wait.toSeconds()));
    }
  }

  /** Starts the server in the foreground of a new process; its output goes to target/bench. */
  void start() {
    try {
      logOffset = Files.exists(log) ? Files.size(log) : 0;
      ProcessBuilder builder =
          new ProcessBuilder(wlp.resolve("bin/server").toString(), "run", name)
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
      builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
      process = builder.start();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Whether this start's output says Liberty could not listen on one of its ports. */
  boolean bindFailed() {
    try (SeekableByteChannel channel = Files.newByteChannel(log)) {
      channel.position(logOffset);
      ByteBuffer output = ByteBuffer.allocate((int) Math.max(0, channel.size() - logOffset));
      while (output.hasRemaining() && channel.read(output) > 0) {
        // read this start's output
      }
      return new String(output.array(), 0, output.position(), StandardCharsets.UTF_8)
          .contains(BIND_FAILED);
    } catch (IOException e) {
      return false;
    }
  }

  /** Whether a server could listen on {@code port} now (as Liberty does, reusing the address). */
  static boolean free(int port) {
    try (ServerSocket socket = new ServerSocket()) {
      socket.setReuseAddress(true);
      socket.bind(new InetSocketAddress(port));
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /** The server's JVM, once it runs. */
  long pid() {
    return Machine.libertyPid(name).orElse(-1L);
  }

  /** Stops the server and waits for it (at most a minute, then ends its JVM). */
  void stop() throws InterruptedException {
    if (process == null) {
      return;
    }
    try {
      Process stop =
          new ProcessBuilder(wlp.resolve("bin/server").toString(), "stop", name)
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.DISCARD)
              .start();
      stop.waitFor(60, TimeUnit.SECONDS);
    } catch (IOException e) {
      // ended below
    }
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      Machine.libertyPid(name).flatMap(ProcessHandle::of).ifPresent(ProcessHandle::destroy);
      process.destroy();
      process.waitFor(30, TimeUnit.SECONDS);
    }
    process = null;
  }

  @Override
  public void close() throws InterruptedException {
    stop();
  }
}
