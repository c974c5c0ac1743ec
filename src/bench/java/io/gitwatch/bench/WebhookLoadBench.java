package io.gitwatch.bench;

import static io.gitwatch.bench.BenchTable.format;
import static io.gitwatch.bench.BenchTable.row;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.gitwatch.bench.LoadDriver.Result;
import io.gitwatch.bench.LoadDriver.Shot;
import io.gitwatch.bench.echo.EchoApplication;
import io.gitwatch.bench.echo.EchoResource;
import io.gitwatch.gitrepo.GitRepo;
import io.gitwatch.testing.ApiServer;
import io.gitwatch.testing.GitRepos;
import io.gitwatch.testing.Gitwatch;
import io.gitwatch.testing.LoopbackGitServer;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.File;
import java.io.IOException;
import java.io.StringReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The webhook path under load, on the managed Liberty with the mock API server: signed GitHub
 * pushes against a bare JAX-RS echo in the same server (the ceiling), a fixed 200 deliveries/s for
 * latency, the API writes they cost, and a 60 s soak at 500/s while the API server fails writes.
 *
 * <p>Every delivery pushes a new commit to one of {@value #GIT_REPOS} GitRepos, each on its own
 * repository of a smart-HTTP git server on loopback, so each costs one status write and one poll of
 * a real repository.
 */
@ExtendWith({ApiServer.Shared.class, ArquillianExtension.class})
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class WebhookLoadBench {

  static final int GIT_REPOS = 500;
  static final String NAMESPACE = "bench-load";
  static final String SECRET = "bench-s3cret";
  static final int WORKERS = 16;

  @TempDir static Path repositories;
  static LoopbackGitServer git;
  static String[] bodies; // per GitRepo: the push payload with "@@AFTER@@" in place of its commit
  static String payloadSource;

  final ApiServer api = ApiServer.shared();
  final Gitwatch gitwatch = Gitwatch.testServer();
  final LoadDriver driver = new LoadDriver();
  final URI webhook = URI.create("http://127.0.0.1:" + Integer.getInteger("it.http.port") + "/");
  final URI echo = URI.create("http://127.0.0.1:" + Integer.getInteger("it.http.port") + "/echo/");

  @Deployment(name = "gitwatch", order = 1, testable = false)
  static WebArchive gitwatchWar() {
    return ShrinkWrap.createFromZipFile(WebArchive.class, new File(System.getProperty("it.war")));
  }

  @Deployment(name = "echo", order = 2, testable = false)
  static WebArchive echoWar() {
    return ShrinkWrap.create(WebArchive.class, "echo.war")
        .addClasses(EchoApplication.class, EchoResource.class);
  }

  @BeforeAll
  static void gitReposAndPayloads() throws IOException {
    git = LoopbackGitServer.start(repositories);
    var gitRepos = new GitRepos(ApiServer.shared().client());
    gitRepos.secret("gitwatch-system", "gitjob-webhook", Map.of("github", SECRET));
    String template = pushTemplate();
    bodies = new String[GIT_REPOS];
    for (int i = 0; i < GIT_REPOS; i++) {
      String name = "load-" + i;
      git.createRepository(name);
      git.commit(name, "main");
      // Smart HTTP on loopback, like a real remote outside Liberty's process (a file:// poll runs
      // JGit's upload-pack inside Liberty, on a thread of its own per poll).
      String url = git.url(name);
      gitRepos.create(NAMESPACE, name, url, s -> s.setBranch("main"));
      bodies[i] = template.replace("@@URL@@", url.replaceAll("\\.git$", ""));
    }
  }

  @AfterAll
  static void stopGitServer() {
    ApiServer.shared().failWrites(0);
    git.close();
  }

  /**
   * A real GitHub push (the captured one from {@code ../shared} when present, else the project's
   * own), with its repository URLs and commit made placeholders.
   */
  static String pushTemplate() throws IOException {
    Path shared =
        Path.of(
            System.getProperty("gitwatch.shared", "../shared"),
            "fixtures/webhooks/github/push.json");
    Path own =
        Path.of(
            System.getProperty("gitwatch.basedir", "."),
            "src/test/resources/payloads/github/push.json");
    Path source = Files.exists(shared) ? shared : own;
    payloadSource = source.getFileName() + " (" + Files.size(source) + " bytes)";
    JsonObject push = Json.createReader(new StringReader(Files.readString(source))).readObject();
    String after = push.getString("after");
    String html = push.getJsonObject("repository").getString("html_url");
    String json = Files.readString(source);
    return json.replace(
            "\"refs/heads/" + push.getString("ref").substring(11) + "\"", "\"refs/heads/main\"")
        .replace(after, "@@AFTER@@")
        .replace(html + ".git", "@@URL@@")
        .replace(html, "@@URL@@");
  }

  /** Delivery {@code n}: a new commit on GitRepo {@code n % GIT_REPOS}, signed as GitHub signs. */
  Shot delivery(long n, long salt) {
    return delivery(n, salt, n);
  }

  /** Delivery {@code id} of commit {@code n} (same {@code n}, same commit). */
  Shot delivery(long n, long salt, long id) {
    int repo = (int) (n % GIT_REPOS);
    byte[] body = bodies[repo].replace("@@AFTER@@", sha(salt, n)).getBytes(StandardCharsets.UTF_8);
    return new Shot(
        webhook,
        body,
        Map.of(
            "Content-Type",
            "application/json",
            "X-GitHub-Event",
            "push",
            "X-GitHub-Delivery",
            salt + "-" + id,
            "X-Hub-Signature-256",
            Gitwatch.githubSignature(SECRET, body)));
  }

  static String sha(long salt, long n) {
    return HexFormat.of().toHexDigits(salt) + HexFormat.of().toHexDigits(n) + "0".repeat(8);
  }

  Shot echoShot(long n) {
    return new Shot(
        echo,
        bodies[(int) (n % GIT_REPOS)].getBytes(StandardCharsets.UTF_8),
        Map.of("Content-Type", "application/json"));
  }

  long webhookWrites() {
    return api.writes().stream().filter(w -> w.body().contains("\"webhookCommit\"")).count();
  }

  long pollWrites() {
    return api.writes().stream().filter(w -> w.body().contains("\"commit\"")).count();
  }

  @Test
  @Order(1)
  void throughputAgainstTheEchoCeiling() throws InterruptedException {
    gitwatch.awaitGitRepos(new GitRepos(api.client()).count());
    // warm both paths up (JIT, pools, connections) before measuring either
    driver.closedLoop(WORKERS, Duration.ofSeconds(10), this::echoShot);
    driver.closedLoop(WORKERS, Duration.ofSeconds(10), n -> delivery(n, 1));

    Result ceiling = driver.closedLoop(WORKERS, Duration.ofSeconds(15), this::echoShot);
    // The same commits again under new delivery ids: the whole webhook path (read, verify, parse,
    // match, poll trigger) except the status write, which an unchanged commit does not need.
    Result unchanged =
        driver.closedLoop(
            WORKERS, Duration.ofSeconds(15), n -> delivery(n % GIT_REPOS, 1, n + 1_000_000));
    Result webhooks = driver.closedLoop(WORKERS, Duration.ofSeconds(15), n -> delivery(n, 2));
    double apiCeiling = apiWriteCeiling(Duration.ofSeconds(15));

    row(
        "Echo ceiling: bare JAX-RS POST on the same Liberty, " + WORKERS + " clients",
        format("%.0f req/s, p99 %.1f ms", ceiling.perSecond(), ceiling.percentileMillis(99)),
        null,
        null);
    double ratio = unchanged.perSecond() / ceiling.perSecond();
    row(
        "Webhook throughput, commit unchanged (no API write) / echo ceiling",
        format(
            "%.0f deliveries/s = %.0f %%, p99 %.1f ms, %d not 200",
            unchanged.perSecond(),
            100 * ratio,
            unchanged.percentileMillis(99),
            unchanged.failures()),
        "≥ 50 %",
        ratio >= 0.5 && unchanged.failures() == 0);
    row(
        "API write ceiling: status patches to the mock API server, " + WORKERS + " clients",
        format("%.0f patches/s", apiCeiling),
        null,
        null);
    double writeRatio = webhooks.perSecond() / Math.min(ceiling.perSecond(), apiCeiling);
    row(
        "Webhook throughput, new commit (1 API write each) / min(echo, API write) ceiling",
        format(
            "%.0f deliveries/s = %.0f %%, p99 %.1f ms, %d not 200 (%s)",
            webhooks.perSecond(),
            100 * writeRatio,
            webhooks.percentileMillis(99),
            webhooks.failures(),
            payloadSource),
        "≥ 50 %",
        writeRatio >= 0.5 && webhooks.failures() == 0);
    assertThat(webhooks.withStatus(200)).isPositive();
  }

  /** Status patches per second straight from this JVM to the mock API server: its ceiling. */
  double apiWriteCeiling(Duration duration) throws InterruptedException {
    var client = api.client();
    AtomicLong patches = new AtomicLong();
    long end = System.nanoTime() + duration.toNanos();
    Thread[] threads = new Thread[WORKERS];
    long start = System.nanoTime();
    for (int t = 0; t < WORKERS; t++) {
      int worker = t;
      threads[t] =
          new Thread(
              () -> {
                for (long n = 0; System.nanoTime() < end; n++) {
                  client
                      .resources(GitRepo.class)
                      .inNamespace(NAMESPACE)
                      .withName("load-" + ((worker * 31 + n) % GIT_REPOS))
                      .subresource("status")
                      .patch(
                          PatchContext.of(PatchType.JSON_MERGE),
                          "{\"status\":{\"lastPollingTriggered\":\"2026-01-01T00:00:00Z\"}}");
                  patches.incrementAndGet();
                }
              });
      threads[t].start();
    }
    for (Thread thread : threads) {
      thread.join();
    }
    return patches.get() / ((System.nanoTime() - start) / 1e9);
  }

  @Test
  @Order(2)
  void latencyAndWritesAt200DeliveriesPerSecond() throws InterruptedException {
    long webhookWritesBefore = webhookWrites();
    long pollWritesBefore = pollWrites();

    Result result = driver.openLoop(200, Duration.ofSeconds(30), n -> delivery(n, 3));

    row(
        "Webhook latency at 200 deliveries/s, 30 s",
        format(
            "p50 %.1f ms, p99 %.1f ms, p99.9 %.1f ms",
            result.percentileMillis(50),
            result.percentileMillis(99),
            result.percentileMillis(99.9)),
        "p99 ≤ 20 ms",
        result.percentileMillis(99) <= 20);
    row(
        "Errors at 200 deliveries/s",
        format("%d of %d", result.failures(), result.sent()),
        "0",
        result.failures() == 0);
    // Let the polls each delivery triggers finish: they find the head unchanged and write nothing.
    awaitQuiet();
    long writes = webhookWrites() - webhookWritesBefore;
    long unchangedPollWrites = pollWrites() - pollWritesBefore;
    row(
        "API writes per changed GitRepo per delivery",
        format(
            "%.3f (%d writes, %d deliveries)",
            (double) writes / result.withStatus(200), writes, result.withStatus(200)),
        "1",
        writes == result.withStatus(200));
    row(
        "API writes by the polls those deliveries triggered (head unchanged)",
        Long.toString(unchangedPollWrites),
        "0",
        unchangedPollWrites == 0);
  }

  @Test
  @Order(3)
  void soakAt500PerSecondWithIntermittentApiErrors() throws InterruptedException {
    int total = 500 * 60;
    AtomicLongArray lastAccepted = new AtomicLongArray(GIT_REPOS);
    for (int i = 0; i < GIT_REPOS; i++) {
      lastAccepted.set(i, -1);
    }
    int faultsBefore = api.faultsServed();
    // 2 % of writes fail at any time, and every 15 s the API server fails all writes for 1.5 s
    api.failWrites(0.02);
    ScheduledExecutorService bursts = Executors.newSingleThreadScheduledExecutor();
    bursts.scheduleAtFixedRate(
        () -> {
          api.failWrites(1.0);
          sleep(1500);
          api.failWrites(0.02);
        },
        10,
        15,
        TimeUnit.SECONDS);
    Result result;
    try {
      result =
          driver.openLoop(
              500,
              Duration.ofSeconds(60),
              n -> delivery(n, 4),
              (n, status) -> {
                if (status == 200) {
                  lastAccepted.accumulateAndGet((int) (n % GIT_REPOS), n, Math::max);
                }
              });
    } finally {
      bursts.shutdownNow();
      bursts.awaitTermination(5, TimeUnit.SECONDS);
      api.failWrites(0);
    }
    int injected = api.faultsServed() - faultsBefore;

    awaitQuiet();
    int mismatched = 0;
    for (int i = 0; i < GIT_REPOS; i++) {
      long last = lastAccepted.get(i);
      GitRepo gitRepo = new GitRepos(api.client()).get(NAMESPACE, "load-" + i);
      String actual = gitRepo.getStatus() == null ? null : gitRepo.getStatus().getWebhookCommit();
      if (last >= 0 && !sha(4, last).equals(actual)) {
        mismatched++;
      }
    }
    row(
        "Soak: 60 s at 500/s, writes failing 2 % + 1.5 s of 100 % every 15 s",
        format(
            "%d sent, %d accepted, %d refused 503, %d other; %d injected write failures; %.0f/s",
            result.sent(),
            result.withStatus(200),
            result.withStatus(503),
            result.sent() - result.withStatus(200) - result.withStatus(503),
            injected,
            result.perSecond()),
        format("%d sent", total),
        result.sent() == total && result.sent() == result.withStatus(200) + result.withStatus(503));
    row(
        "Soak: p50 / p99 latency",
        format("%.1f ms / %.1f ms", result.percentileMillis(50), result.percentileMillis(99)),
        null,
        null);
    row(
        "Soak final state: GitRepos whose webhookCommit is not their last accepted push",
        format("%d of %d", mismatched, GIT_REPOS),
        "0",
        mismatched == 0);
  }

  /**
   * Waits (up to 30 s) until the API server has seen no GitRepo write for 3 s: the triggered polls
   * and retries are done. Prints the last writes if it never settles.
   */
  void awaitQuiet() {
    int last = -1;
    int still = 0;
    for (int waited = 0; still < 3 && waited < 30; waited++) {
      sleep(1000);
      int now = gitRepoWrites().size() + api.faultsServed();
      still = now == last ? still + 1 : 0;
      last = now;
    }
    if (still < 3) {
      var writes = gitRepoWrites();
      System.out.println(
          "API server not quiet; last writes: "
              + writes.subList(Math.max(0, writes.size() - 3), writes.size()));
    }
  }

  java.util.List<ApiServer.Write> gitRepoWrites() {
    return api.writes().stream().filter(w -> w.path().contains("/gitrepos/")).toList();
  }

  static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
