package io.gitwatch.bench.support;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.gitwatch.gitrepo.GitRepo;
import io.gitwatch.gitrepo.GitRepoSpec;
import io.gitwatch.gitrepo.GitRepoStatus;
import io.gitwatch.testing.ApiServer;
import io.gitwatch.testing.GitRepos;
import io.gitwatch.testing.LoopbackGitServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.StringJoiner;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;

/**
 * The support JVM's control channel: plain-text commands over loopback HTTP that create
 * repositories, GitRepos and Secrets in bulk, push commits, inject API write faults and count what
 * the servers saw. See {@link SupportJvm} for the client side.
 */
final class SupportCommands implements HttpHandler {

  private final ApiServer api;
  private final LoopbackGitServer git;
  private final Commits commits;
  private final GitRepos gitRepos;
  private final Runnable stop;
  private final ExecutorService creators = Executors.newFixedThreadPool(4);

  SupportCommands(ApiServer api, LoopbackGitServer git, Commits commits, Runnable stop) {
    this.api = api;
    this.git = git;
    this.commits = commits;
    this.gitRepos = new GitRepos(api.client());
    this.stop = stop;
  }

  @Override
  public void handle(HttpExchange exchange) throws IOException {
    int status = 200;
    String answer;
    try {
      Map<String, String> q = query(exchange.getRequestURI().getRawQuery());
      String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
      answer = run(exchange.getRequestURI().getPath(), q, body);
    } catch (RuntimeException e) {
      status = 500;
      StringWriter trace = new StringWriter();
      e.printStackTrace(new PrintWriter(trace));
      answer = trace.toString();
    }
    byte[] bytes = answer.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
    exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  private String run(String command, Map<String, String> q, String body) {
    return switch (command) {
      case "/git-base" -> git.url("x").substring(0, git.url("x").length() - "x.git".length());
      case "/repositories" -> eachOf(q, commits::create);
      case "/push" -> commits.push(q.get("repository"));
      case "/heads" -> eachOf(q, commits::head);
      case "/info-refs" -> Long.toString(infoRefs(q));
      case "/gitrepos" -> createGitRepos(q);
      case "/gitrepos/count" -> Integer.toString(count(q.get("namespace")));
      case "/gitrepos/status" -> statuses(q.get("namespace"));
      case "/gitrepos/delete" -> {
        // collection deletes, as `kubectl delete gitrepos --all` (one by one takes minutes), until
        // none is left: a write racing with one can leave a GitRepo behind
        for (int attempt = 0; attempt < 5 && count(q.get("namespace")) > 0; attempt++) {
          api.client().resources(GitRepo.class).inNamespace(q.get("namespace")).delete();
        }
        yield Integer.toString(count(q.get("namespace")));
      }
      case "/secret" -> {
        Map<String, String> data = new LinkedHashMap<>();
        body.lines()
            .filter(l -> l.contains("="))
            .forEach(
                l -> data.put(l.substring(0, l.indexOf('=')), l.substring(l.indexOf('=') + 1)));
        gitRepos.secret(q.get("namespace"), q.get("name"), data);
        yield "";
      }
      case "/faults" -> {
        if (q.containsKey("rate")) {
          api.failWrites(Double.parseDouble(q.get("rate")));
        }
        yield Integer.toString(api.faultsServed());
      }
      case "/writes" -> Long.toString(writes(q.getOrDefault("path", ""), q.get("body")));
      case "/stop" -> {
        new Thread(stop, "stop").start();
        yield "";
      }
      default -> throw new IllegalArgumentException("unknown command " + command);
    };
  }

  /**
   * Applies {@code each} to repositories {@code prefix}0 .. {@code prefix}(count-1), one per line.
   */
  private static String eachOf(
      Map<String, String> q, java.util.function.Function<String, String> each) {
    if (q.containsKey("repository")) {
      return each.apply(q.get("repository"));
    }
    StringJoiner lines = new StringJoiner("\n");
    int count = Integer.parseInt(q.get("count"));
    for (int i = 0; i < count; i++) {
      lines.add(each.apply(q.get("prefix") + i));
    }
    return lines.toString();
  }

  private long infoRefs(Map<String, String> q) {
    if (q.containsKey("repository")) {
      return git.infoRefsRequests(q.get("repository"));
    }
    long sum = 0;
    int count = Integer.parseInt(q.get("count"));
    for (int i = 0; i < count; i++) {
      sum += git.infoRefsRequests(q.get("prefix") + i);
    }
    return sum;
  }

  /**
   * GitRepos {@code prefix}0 .. in {@code namespace}; {@code repo} is a URL template where {@code
   * {git}} is the git server's base URL and {@code {i}} the GitRepo's number.
   */
  private String createGitRepos(Map<String, String> q) {
    String namespace = q.get("namespace");
    if (api.client().namespaces().withName(namespace).get() == null) {
      api.client()
          .namespaces()
          .resource(
              new NamespaceBuilder().withNewMetadata().withName(namespace).endMetadata().build())
          .create();
    }
    String base = run("/git-base", Map.of(), "");
    int count = Integer.parseInt(q.get("count"));
    int from = Integer.parseInt(q.getOrDefault("from", "0"));
    // A few at a time: 10,000 one by one take minutes on a shared machine.
    IntStream.range(from, from + count)
        .mapToObj(i -> creators.submit(() -> createGitRepo(namespace, base, q, i)))
        .toList()
        .forEach(SupportCommands::await);
    return Integer.toString(count);
  }

  private void createGitRepo(String namespace, String base, Map<String, String> q, int i) {
    var spec = new GitRepoSpec();
    spec.setRepo(q.get("repo").replace("{git}", base).replace("{i}", Integer.toString(i)));
    spec.setBranch(q.get("branch"));
    spec.setPollingInterval(q.get("pollingInterval"));
    if (q.containsKey("disablePolling")) {
      spec.setDisablePolling(Boolean.valueOf(q.get("disablePolling")));
    }
    var gitRepo = new GitRepo();
    gitRepo.setMetadata(
        new ObjectMetaBuilder().withNamespace(namespace).withName(q.get("prefix") + i).build());
    gitRepo.setSpec(spec);
    try {
      api.client().resources(GitRepo.class).inNamespace(namespace).resource(gitRepo).create();
    } catch (KubernetesClientException e) {
      // a create the client retried after a slow answer: the first attempt made it
      if (e.getCode() != 409) {
        throw e;
      }
    }
  }

  private static void await(Future<?> future) {
    try {
      future.get();
    } catch (ExecutionException e) {
      throw new IllegalStateException("cannot create a GitRepo", e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** GitRepos in {@code namespace}, or in all namespaces when it is null. */
  private int count(String namespace) {
    var gitRepos = api.client().resources(GitRepo.class);
    return (namespace == null ? gitRepos.inAnyNamespace() : gitRepos.inNamespace(namespace))
        .list()
        .getItems()
        .size();
  }

  /** One line per GitRepo: name, webhookCommit and commit, tab-separated ("-" when unset). */
  private String statuses(String namespace) {
    StringJoiner lines = new StringJoiner("\n");
    for (GitRepo gitRepo :
        api.client().resources(GitRepo.class).inNamespace(namespace).list().getItems()) {
      GitRepoStatus status = gitRepo.status();
      lines.add(
          gitRepo.getMetadata().getName()
              + "\t"
              + orDash(status.getWebhookCommit())
              + "\t"
              + orDash(status.getCommit()));
    }
    return lines.toString();
  }

  private long writes(String path, String body) {
    return api.writes().stream()
        .filter(w -> w.path().contains(path))
        .filter(w -> body == null || w.body().contains(body))
        .count();
  }

  private static String orDash(String value) {
    return value == null || value.isEmpty() ? "-" : value;
  }

  private static Map<String, String> query(String raw) {
    Map<String, String> q = new HashMap<>();
    if (raw == null) {
      return q;
    }
    for (String pair : raw.split("&")) {
      int eq = pair.indexOf('=');
      if (eq > 0) {
        q.put(
            URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
            URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
      }
    }
    return q;
  }
}
