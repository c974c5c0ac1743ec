package io.gitwatch.bench.support;

import io.gitwatch.bench.Machine;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The mock API server and the loopback git server, run in a JVM of their own ({@link
 * SupportJvmMain}, started with this JVM's test classpath) and driven over a loopback control
 * channel: the benchmarks' load driver stays in this JVM, and each JVM's CPU is read apart.
 */
public final class SupportJvm {

  private static SupportJvm shared;

  private final Process process;
  private final URI control;
  private final HttpClient http =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(10))
          .build();
  private final String gitBase;

  private SupportJvm(Process process, int port) {
    this.process = process;
    this.control = URI.create("http://127.0.0.1:" + port + "/");
    this.gitBase = call("GET", "git-base", Map.of(), "");
  }

  /** The benchmark JVM's support JVM, started on first use and stopped when this JVM exits. */
  public static synchronized SupportJvm shared() {
    if (shared == null) {
      shared = start();
      Runtime.getRuntime().addShutdownHook(new Thread(shared::stop));
    }
    return shared;
  }

  /** Starts the support JVM before Arquillian starts Liberty, which connects to its API server. */
  public static final class Shared implements BeforeAllCallback {
    @Override
    public void beforeAll(ExtensionContext context) {
      shared();
    }
  }

  private static SupportJvm start() {
    Path dir = Path.of(System.getProperty("gitwatch.basedir", "."), "target", "bench");
    try {
      Files.createDirectories(dir);
      // An argument file: the test classpath is longer than some systems allow on a command line.
      Path args = dir.resolve("support-jvm.args");
      Files.writeString(
          args, "-cp\n\"" + System.getProperty("java.class.path").replace("\\", "\\\\") + "\"\n");
      Path log = dir.resolve("support-jvm.log");
      Process process =
          new ProcessBuilder(
                  Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                  "@" + args,
                  "-Xmx2g",
                  "-Dit.kube.port=" + Integer.getInteger("it.kube.port", 19081),
                  "-Dgitwatch.basedir=" + System.getProperty("gitwatch.basedir", "."),
                  "-Djava.util.logging.config.file="
                      + System.getProperty("java.util.logging.config.file", ""),
                  SupportJvmMain.class.getName())
              .redirectError(log.toFile())
              .start();
      BufferedReader out =
          new BufferedReader(
              new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
      CompletableFuture<Integer> port =
          CompletableFuture.supplyAsync(
              () -> {
                try {
                  for (String line = out.readLine(); line != null; line = out.readLine()) {
                    if (line.startsWith("CONTROL ")) {
                      return Integer.parseInt(line.substring(8).trim());
                    }
                  }
                  return -1;
                } catch (IOException e) {
                  return -1;
                }
              });
      int controlPort = port.get(2, TimeUnit.MINUTES);
      if (controlPort < 0) {
        throw new IllegalStateException("the support JVM did not start; see " + log);
      }
      Thread drain =
          new Thread(
              () -> {
                try {
                  for (String line = out.readLine(); line != null; line = out.readLine()) {
                    Files.writeString(
                        log, line + "\n", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
                  }
                } catch (IOException e) {
                  // the process ended
                }
              },
              "support-jvm-output");
      drain.setDaemon(true);
      drain.start();
      return new SupportJvm(process, controlPort);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException("the support JVM did not start", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  public long pid() {
    return process.pid();
  }

  /** CPU seconds the support JVM has used so far. */
  public double cpuSeconds() {
    return Machine.cpuSeconds(pid());
  }

  /** The URL of repository {@code name} on the git server. */
  public String gitUrl(String name) {
    return gitBase + name + ".git";
  }

  /** Repositories {@code prefix}0 .. with one commit each; returns their heads in order. */
  public List<String> createRepositories(String prefix, int count) {
    return lines(call("POST", "repositories", Map.of("prefix", prefix, "count", "" + count), ""));
  }

  /** Pushes one new commit to {@code main} of the repository; returns the new head. */
  public String push(String repository) {
    return call("POST", "push", Map.of("repository", repository), "");
  }

  public List<String> heads(String prefix, int count) {
    return lines(call("GET", "heads", Map.of("prefix", prefix, "count", "" + count), ""));
  }

  /** {@code info/refs} requests (one per ls-remote) of repositories {@code prefix}0 ... */
  public long infoRefs(String prefix, int count) {
    return Long.parseLong(
        call("GET", "info-refs", Map.of("prefix", prefix, "count", "" + count), ""));
  }

  public long infoRefs(String repository) {
    return Long.parseLong(call("GET", "info-refs", Map.of("repository", repository), ""));
  }

  /**
   * GitRepos {@code prefix}0 .. {@code prefix}(count-1) in {@code namespace}: {@code repo} is a URL
   * template ({@code {git}} the git server's base URL, {@code {i}} the number), {@code spec} holds
   * {@code branch}, {@code pollingInterval}, {@code disablePolling}.
   */
  public void createGitRepos(
      String namespace, String prefix, int count, String repo, Map<String, String> spec) {
    Map<String, String> q = new LinkedHashMap<>(spec);
    q.put("namespace", namespace);
    q.put("prefix", prefix);
    q.put("count", Integer.toString(count));
    q.put("repo", repo);
    call("POST", "gitrepos", q, "");
  }

  public int gitRepoCount() {
    return Integer.parseInt(call("GET", "gitrepos/count", Map.of(), ""));
  }

  /** By GitRepo name: {webhookCommit, commit}, "-" when unset. */
  public Map<String, String[]> statuses(String namespace) {
    return lines(call("GET", "gitrepos/status", Map.of("namespace", namespace), "")).stream()
        .map(l -> l.split("\t"))
        .collect(Collectors.toMap(f -> f[0], f -> Arrays.copyOfRange(f, 1, 3)));
  }

  /** Deletes every GitRepo in {@code namespace}; returns how many are left (normally none). */
  public int deleteGitRepos(String namespace) {
    return Integer.parseInt(call("POST", "gitrepos/delete", Map.of("namespace", namespace), ""));
  }

  public void secret(String namespace, String name, Map<String, String> data) {
    String body =
        data.entrySet().stream()
            .map(e -> e.getKey() + "=" + e.getValue())
            .collect(Collectors.joining("\n"));
    call("POST", "secret", Map.of("namespace", namespace, "name", name), body);
  }

  /** Each GitRepo write fails with 500 with this probability (0 to 1) until set back to 0. */
  public void failWrites(double rate) {
    call("POST", "faults", Map.of("rate", Double.toString(rate)), "");
  }

  /** Requests answered with an injected fault so far. */
  public int faultsServed() {
    return Integer.parseInt(call("GET", "faults", Map.of(), ""));
  }

  /** Writes the API server applied whose path contains {@code path} and body {@code body}. */
  public long writes(String path, String body) {
    Map<String, String> q = new LinkedHashMap<>();
    q.put("path", path);
    if (body != null) {
      q.put("body", body);
    }
    return Long.parseLong(call("GET", "writes", q, ""));
  }

  public synchronized void stop() {
    if (!process.isAlive()) {
      return;
    }
    try {
      call("POST", "stop", Map.of(), "");
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        process.destroy();
      }
    } catch (RuntimeException e) {
      process.destroy();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroy();
    }
  }

  private static List<String> lines(String text) {
    return text.isEmpty() ? List.of() : text.lines().toList();
  }

  private String call(String method, String command, Map<String, String> query, String body) {
    String q =
        query.entrySet().stream()
            .map(
                e ->
                    URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8)
                        + "="
                        + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
            .collect(Collectors.joining("&"));
    HttpRequest request =
        HttpRequest.newBuilder(control.resolve(command + (q.isEmpty() ? "" : "?" + q)))
            .timeout(Duration.ofMinutes(10))
            .method(method, HttpRequest.BodyPublishers.ofString(body))
            .build();
    try {
      HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() != 200) {
        throw new IllegalStateException(
            "support JVM command " + command + " failed: " + response.body());
      }
      return response.body();
    } catch (IOException e) {
      throw new UncheckedIOException("support JVM command " + command + " failed", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
