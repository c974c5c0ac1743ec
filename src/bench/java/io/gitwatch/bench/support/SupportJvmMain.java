package io.gitwatch.bench.support;

import com.sun.net.httpserver.HttpServer;
import io.gitwatch.testing.ApiServer;
import io.gitwatch.testing.LoopbackGitServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The support JVM: fabric8's mock API server on {@code it.kube.port} and the loopback git server,
 * in a process of their own so that their CPU is measured apart from Liberty's and the load
 * driver's. Prints {@code CONTROL <port>} once its control channel listens, and exits when told to
 * or when its standard input closes (the benchmark JVM is gone).
 */
public final class SupportJvmMain {

  private SupportJvmMain() {}

  public static void main(String[] args) throws IOException {
    Path repositories = Files.createTempDirectory("gitwatch-bench-git");
    ApiServer api = ApiServer.shared();
    LoopbackGitServer git = LoopbackGitServer.start(repositories);
    Commits commits = new Commits(git);
    HttpServer control =
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
    // Pushes come from many driver threads at once; a push must not wait behind another.
    ExecutorService threads = Executors.newFixedThreadPool(16);
    Runnable stop =
        () -> {
          control.stop(0);
          threads.shutdownNow();
          commits.close();
          git.close();
          api.stop();
          deleteQuietly(repositories);
          System.exit(0);
        };
    control.createContext("/", new SupportCommands(api, git, commits, stop));
    control.setExecutor(threads);
    control.start();
    System.out.println("CONTROL " + control.getAddress().getPort());
    System.out.flush();
    while (System.in.read() >= 0) {
      // the parent never writes; end of input means it has gone
    }
    stop.run();
  }

  private static void deleteQuietly(Path root) {
    try (var paths = Files.walk(root)) {
      paths
          .sorted(java.util.Comparator.reverseOrder())
          .forEach(
              p -> {
                try {
                  Files.deleteIfExists(p);
                } catch (IOException e) {
                  // a leftover temp file is harmless
                }
              });
    } catch (IOException e) {
      // nothing to clean
    }
  }
}
