package io.gitwatch.testing;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The {@code gitwatch} server exactly as {@code mvn liberty:run} creates it (configuration, the
 * build's defaults, the loose application), started with Liberty's own {@code server start} and an
 * environment of the test's choosing, on free ports.
 *
 * <p>Its output (workarea, logs) goes to {@code target/liberty-run-server} through {@code
 * WLP_OUTPUT_DIR}, so a {@code mvn liberty:run} of the same checkout is not disturbed and a server
 * left by an aborted run is found and stopped.
 */
public final class LibertyRunServer implements AutoCloseable {

  private static final Path BASEDIR = Path.of(System.getProperty("gitwatch.basedir", "."));
  private static final Path WLP = BASEDIR.resolve("target/liberty/wlp");
  private static final Path OUTPUT = BASEDIR.resolve("target/liberty-run-server");
  private static final String NAME = "gitwatch";

  private final Map<String, String> environment;
  private final Path home;
  private final Gitwatch gitwatch;

  private LibertyRunServer(Map<String, String> environment, Path home, int httpPort) {
    this.environment = environment;
    this.home = home;
    this.gitwatch = new Gitwatch(URI.create("http://127.0.0.1:" + httpPort + "/"));
  }

  /**
   * Starts the server with only {@code settings} of the caller's kind in its environment: every
   * {@code GITWATCH_*}, {@code KUBE*} and {@code HTTP*_PORT} variable of this JVM is left out, and
   * {@code user.home} is an empty directory, so no {@code ~/.kube/config} is found by accident.
   */
  public static LibertyRunServer start(Map<String, String> settings) {
    Path serverDirectory = WLP.resolve("usr/servers").resolve(NAME);
    if (!Files.isRegularFile(serverDirectory.resolve("server.xml"))) {
      throw new IllegalStateException(
          serverDirectory + " is missing: run the pre-integration-test phase (mvn verify)");
    }
    Map<String, String> environment = new HashMap<>(System.getenv());
    environment
        .keySet()
        .removeIf(
            name ->
                name.startsWith("GITWATCH_")
                    || name.startsWith("KUBE")
                    || name.equals("HTTP_PORT")
                    || name.equals("HTTPS_PORT")
                    || name.startsWith("WLP_")
                    || name.equals("JVM_ARGS"));
    int httpPort = freePort();
    environment.put("HTTP_PORT", String.valueOf(httpPort));
    environment.put("HTTPS_PORT", String.valueOf(freePort()));
    environment.put("WLP_OUTPUT_DIR", OUTPUT.toAbsolutePath().toString());
    Path home = emptyHome();
    environment.put("JVM_ARGS", "-Duser.home=" + home);
    environment.putAll(settings);

    LibertyRunServer server = new LibertyRunServer(environment, home, httpPort);
    server.stop(); // one left by an aborted run
    int exit = server.run("start");
    if (exit != 0) {
      throw new IllegalStateException("server start exited with " + exit + ", see " + OUTPUT);
    }
    return server;
  }

  /** The running server, seen from outside. */
  public Gitwatch gitwatch() {
    return gitwatch;
  }

  /** Waits until readiness reports this many GitRepos. */
  public void awaitGitRepos(int count) {
    await()
        .atMost(Duration.ofSeconds(90))
        .ignoreExceptions()
        .until(() -> gitwatch.get("health/ready").body().contains("\"gitrepos\":" + count));
  }

  /** The server's messages.log so far. */
  public String messages() throws IOException {
    return Files.readString(OUTPUT.resolve(NAME).resolve("logs/messages.log"));
  }

  @Override
  public void close() {
    stop();
    // JGit may have written its user configuration there
    try (var files = Files.walk(home)) {
      for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(file);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void stop() {
    run("stop");
  }

  private int run(String action) {
    var command = new ProcessBuilder(WLP.resolve("bin/server").toString(), action, NAME);
    command.environment().clear();
    command.environment().putAll(environment);
    command.redirectErrorStream(true);
    command.redirectOutput(ProcessBuilder.Redirect.DISCARD);
    try {
      Process process = command.start();
      if (!process.waitFor(3, TimeUnit.MINUTES)) {
        process.destroyForcibly();
        throw new IllegalStateException("server " + action + " did not return");
      }
      return process.exitValue();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static int freePort() {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Path emptyHome() {
    try {
      return Files.createTempDirectory("gitwatch-home");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
