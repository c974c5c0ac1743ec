package io.gitwatch.webhook;

import static io.gitwatch.testing.Gitwatch.githubSignature;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.gitwatch.gitrepo.GitRepo;
import io.gitwatch.testing.ApiServer;
import io.gitwatch.testing.Fixtures;
import io.gitwatch.testing.GitRepos;
import io.gitwatch.testing.Gitwatch;
import io.gitwatch.testing.Gitwatch.Answer;
import io.gitwatch.testing.OnTestServer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The built WAR on a managed Liberty, against fabric8's mock API server: every row of the webhook
 * response table, observed from outside (status, body, GitRepo status, API writes).
 */
class WebhookIT extends OnTestServer.Deployed {

  static final String GLOBAL_SECRET = "global-s3cret";
  static final String SHA_A = "a".repeat(40);
  static final String SHA_B = "b".repeat(40);

  @BeforeAll
  static void globalSecret() {
    new GitRepos(ApiServer.shared().client())
        .secret(
            "gitwatch-system",
            "gitjob-webhook",
            Map.of("github", GLOBAL_SECRET, "gitlab", GLOBAL_SECRET));
  }

  static byte[] githubPush(String repoUrl, String branch, String sha) {
    String json =
        """
        {"ref":"refs/heads/%s","before":"%s","after":"%s","deleted":false,
         "repository":{"html_url":"%s","clone_url":"%s.git","default_branch":"main"}}"""
            .formatted(branch, "0".repeat(39) + "1", sha, repoUrl, repoUrl);
    return json.getBytes(StandardCharsets.UTF_8);
  }

  static Map<String, String> github(String event, String secret, byte[] body) {
    return Map.of(
        "X-GitHub-Event", event,
        "X-GitHub-Delivery", UUID.randomUUID().toString(),
        "X-Hub-Signature-256", githubSignature(secret, body));
  }

  String uniqueRepo() {
    return "https://github.com/example/repo-" + UUID.randomUUID().toString().substring(0, 8);
  }

  /** The webhook's field only: polling writes its own fields beside it. */
  String webhookCommit(String namespace, String name) {
    var status = gitRepos.get(namespace, name).getStatus();
    return status == null ? null : status.getWebhookCommit();
  }

  long webhookWrites() {
    return api.writes().stream().filter(w -> w.body().contains("webhookCommit")).count();
  }

  void ready() {
    gitwatch.awaitGitRepos(gitRepos.count());
  }

  @Test
  void signedPushUpdatesExactlyTheMatchingGitReposAcrossNamespaces() {
    String repo = uniqueRepo();
    gitRepos.create("team-a", "app-a", repo, s -> s.setBranch("main"));
    gitRepos.create(
        "team-b",
        "app-b",
        repo.replace("https://github.com/", "git@github.com:") + ".git",
        s -> s.setBranch("main"));
    gitRepos.create("team-a", "app-other-branch", repo, s -> s.setBranch("dev"));
    gitRepos.create("team-a", "app-suffix", repo + "-suffix", s -> s.setBranch("main"));
    ready();
    byte[] body = githubPush(repo, "main", SHA_A);

    Answer answer = gitwatch.postJson(body, github("push", GLOBAL_SECRET, body));

    assertThat(answer.status()).isEqualTo(200);
    assertThat(answer.json().getJsonArray("matched").toString())
        .isEqualTo("[\"team-a/app-a\",\"team-b/app-b\"]");
    assertThat(answer.json().getJsonArray("updated").toString())
        .isEqualTo("[\"team-a/app-a\",\"team-b/app-b\"]");
    assertThat(answer.json().getString("provider")).isEqualTo("github");
    assertThat(gitRepos.get("team-a", "app-a").getStatus().getWebhookCommit()).isEqualTo(SHA_A);
    assertThat(gitRepos.get("team-a", "app-a").getStatus().getLastWebhookTime()).isNotBlank();
    assertThat(gitRepos.get("team-b", "app-b").getStatus().getWebhookCommit()).isEqualTo(SHA_A);
    assertThat(webhookCommit("team-a", "app-other-branch")).isNull();
    assertThat(webhookCommit("team-a", "app-suffix")).isNull();
    GitRepo a = gitRepos.get("team-a", "app-a");
    assertThat(a.getSpec().getRepo()).isEqualTo(repo);
    assertThat(a.getSpec().getPollingInterval()).isNull();
  }

  @Test
  void writesOneStatusPatchPerChangedGitRepoAndNoneForARedelivery() {
    String repo = uniqueRepo();
    gitRepos.create("team-c", "once", repo, s -> s.setBranch("main"));
    ready();
    byte[] body = githubPush(repo, "main", SHA_B);

    gitwatch.postJson(body, github("push", GLOBAL_SECRET, body));
    Answer again = gitwatch.postJson(body, github("push", GLOBAL_SECRET, body));

    assertThat(again.status()).isEqualTo(200);
    assertThat(again.json().getJsonArray("matched")).hasSize(1);
    assertThat(again.json().getJsonArray("updated")).isEmpty();
    List<ApiServer.Write> writes =
        api.writes().stream()
            .filter(w -> w.path().contains("/gitrepos/once") && w.body().contains("webhookCommit"))
            .toList();
    assertThat(writes).hasSize(1);
    assertThat(writes.get(0).isStatusPatchOf("team-c", "once")).isTrue();
    assertThat(writes.get(0).body())
        .contains(SHA_B)
        .contains("lastWebhookTime")
        .doesNotContain("spec");
  }

  @Test
  void perGitRepoSecretReplacesTheGlobalOne() {
    String repo = uniqueRepo();
    gitRepos.secret("team-d", "own-hook", Map.of("github", "own-s3cret"));
    gitRepos.create(
        "team-d",
        "own",
        repo,
        s -> {
          s.setBranch("main");
          s.setWebhookSecret("own-hook");
        });
    ready();
    byte[] body = githubPush(repo, "main", SHA_A);

    Answer withGlobal = gitwatch.postJson(body, github("push", GLOBAL_SECRET, body));
    assertThat(withGlobal.status()).isEqualTo(401);
    assertThat(webhookCommit("team-d", "own")).isNull();

    Answer withOwn = gitwatch.postJson(body, github("push", "own-s3cret", body));
    assertThat(withOwn.status()).isEqualTo(200);
    assertThat(gitRepos.get("team-d", "own").getStatus().getWebhookCommit()).isEqualTo(SHA_A);
  }

  @Test
  void badDeliveriesAreRefusedAndChangeNothing() {
    String repo = uniqueRepo();
    gitRepos.create("team-e", "untouched", repo, s -> s.setBranch("main"));
    ready();
    byte[] body = githubPush(repo, "main", SHA_A);
    long writesBefore = webhookWrites();

    assertThat(gitwatch.postJson(body, github("push", "wrong", body)).status()).isEqualTo(401);
    assertThat(gitwatch.postJson(body, Map.of("X-GitHub-Event", "push")).status()).isEqualTo(401);
    assertThat(
            gitwatch
                .postJson(
                    body, Map.of("X-GitHub-Event", "push", "X-Hub-Signature-256", "sha256=xyz"))
                .status())
        .isEqualTo(401);
    assertThat(gitwatch.postJson(body, Map.of("X-Unknown", "x")).status()).isEqualTo(400);
    byte[] broken = "{\"ref\": ".getBytes(StandardCharsets.UTF_8);
    assertThat(gitwatch.postJson(broken, github("push", GLOBAL_SECRET, broken)).status())
        .isEqualTo(400);
    assertThat(gitwatch.post("", "text/plain", body, github("push", GLOBAL_SECRET, body)).status())
        .isEqualTo(415);
    assertThat(gitwatch.post("", null, body, github("push", GLOBAL_SECRET, body)).status())
        .isEqualTo(415);
    // An unparseable Content-Type is refused by JAX-RS itself, before the resource.
    assertThat(gitwatch.post("", "not a type", body, github("push", GLOBAL_SECRET, body)).status())
        .isEqualTo(400);
    byte[] huge = new byte[2 * 1024 * 1024];
    assertThat(gitwatch.postJson(huge, github("push", GLOBAL_SECRET, huge)).status())
        .isEqualTo(413);
    Answer get = gitwatch.get("some/hook");
    assertThat(get.status()).isEqualTo(405);
    assertThat(get.json().getString("message")).contains("POST");

    assertThat(webhookWrites()).isEqualTo(writesBefore);
    assertThat(webhookCommit("team-e", "untouched")).isNull();
  }

  @Test
  void every401HasTheSameBodyWhateverTheCause() {
    String missingSecret = uniqueRepo();
    gitRepos.create(
        "team-u",
        "missing-secret",
        missingSecret,
        s -> {
          s.setBranch("main");
          s.setWebhookSecret("does-not-exist");
        });
    String missingKey = uniqueRepo();
    gitRepos.secret("team-u", "gitlab-only", Map.of("gitlab", "gitlab-s3cret"));
    gitRepos.create(
        "team-u",
        "missing-key",
        missingKey,
        s -> {
          s.setBranch("main");
          s.setWebhookSecret("gitlab-only");
        });
    String global = uniqueRepo();
    gitRepos.create("team-u", "global", global, s -> s.setBranch("main"));
    ready();
    byte[] toMissingSecret = githubPush(missingSecret, "main", SHA_A);
    byte[] toMissingKey = githubPush(missingKey, "main", SHA_A);
    byte[] toGlobal = githubPush(global, "main", SHA_A);

    List<Answer> answers =
        List.of(
            gitwatch.postJson(toMissingSecret, github("push", GLOBAL_SECRET, toMissingSecret)),
            gitwatch.postJson(toMissingKey, github("push", "gitlab-s3cret", toMissingKey)),
            gitwatch.postJson(toGlobal, github("push", "wrong", toGlobal)),
            gitwatch.postJson(toGlobal, Map.of("X-GitHub-Event", "push")));

    assertThat(answers)
        .allSatisfy(
            answer -> {
              assertThat(answer.status()).isEqualTo(401);
              assertThat(answer.body()).isEqualTo(answers.get(0).body());
            });
    assertThat(answers.get(0).json().getString("error")).isEqualTo("unauthenticated");
    assertThat(answers.get(0).body())
        .doesNotContain("team-u", "does-not-exist", "gitlab-only", "github", "X-Hub", "match");
    assertThat(webhookCommit("team-u", "global")).isNull();
  }

  @Test
  void aPayloadTheJsonParserCannotReadWithinItsLimitsIsA400NotA500() {
    double serverErrors = metric("gitwatch_webhook_deliveries_total", "status=\"500\"");
    List<byte[]> bodies =
        List.of(
                // Found by fuzzing: the parser throws NumberFormatException on such an exponent.
                "{\"ref\":\"refs/heads/main\",\"size\":1E999999999999}",
                "{\"ref\":\"refs/heads/main\",\"size\":" + "9".repeat(2000) + "}",
                "{\"ref\":" + "[".repeat(1000) + "]".repeat(1000) + "}")
            .stream()
            .map(body -> body.getBytes(StandardCharsets.UTF_8))
            .toList();

    for (byte[] body : bodies) {
      assertThat(gitwatch.postJson(body, github("push", GLOBAL_SECRET, body)).status())
          .isEqualTo(400);
      // Without provider headers the body is read to recognise Azure DevOps: 400 as well.
      assertThat(gitwatch.postJson(body, Map.of()).status()).isEqualTo(400);
    }
    assertThat(metric("gitwatch_webhook_deliveries_total", "status=\"500\""))
        .isEqualTo(serverErrors);
  }

  @Test
  void pingAndUnusedEventsAreAcknowledgedWithoutWrites() {
    long writesBefore = webhookWrites();
    byte[] ping =
        "{\"zen\":\"Keep it logically awesome.\",\"hook_id\":1}".getBytes(StandardCharsets.UTF_8);
    Answer pong = gitwatch.postJson(ping, github("ping", "anything", ping));
    assertThat(pong.status()).isEqualTo(200);
    assertThat(pong.json().getString("event")).isEqualTo("ping");

    byte[] pr = "{\"action\":\"opened\"}".getBytes(StandardCharsets.UTF_8);
    Answer ignored = gitwatch.postJson(pr, github("pull_request", GLOBAL_SECRET, pr));
    assertThat(ignored.status()).isEqualTo(202);
    assertThat(ignored.json().getString("ignored")).contains("pull_request");

    byte[] bbsPing = "{\"test\": true}".getBytes(StandardCharsets.UTF_8);
    assertThat(gitwatch.postJson(bbsPing, Map.of("X-Event-Key", "diagnostics:ping")).status())
        .isEqualTo(200);
    assertThat(webhookWrites()).isEqualTo(writesBefore);
  }

  @Test
  void acceptsADeliveryOnAnyPathAndAsAForm() {
    String repo = uniqueRepo();
    gitRepos.create("team-f", "form", repo, s -> s.setBranch("main"));
    ready();
    byte[] json = githubPush(repo, "main", SHA_B);
    byte[] form =
        ("payload="
                + java.net.URLEncoder.encode(
                    new String(json, StandardCharsets.UTF_8), StandardCharsets.UTF_8))
            .getBytes(StandardCharsets.UTF_8);

    Answer answer =
        gitwatch.post(
            "gitjob/webhook",
            "application/x-www-form-urlencoded",
            form,
            github("push", GLOBAL_SECRET, form));

    assertThat(answer.status()).isEqualTo(200);
    assertThat(gitRepos.get("team-f", "form").getStatus().getWebhookCommit()).isEqualTo(SHA_B);
  }

  @Test
  void answers503WhenTheStatusWriteKeepsFailingAndWritesAfterRecovery() {
    String repo = uniqueRepo();
    gitRepos.create("team-g", "flaky", repo, s -> s.setBranch("main"));
    ready();
    byte[] body = githubPush(repo, "main", SHA_A);
    api.breakWritesTo("flaky");
    try {
      Answer down = gitwatch.postJson(body, github("push", GLOBAL_SECRET, body));
      assertThat(down.status()).isEqualTo(503);
      assertThat(webhookCommit("team-g", "flaky")).isNull();
    } finally {
      api.heal("flaky");
    }
    Answer up = gitwatch.postJson(body, github("push", GLOBAL_SECRET, body));
    assertThat(up.status()).isEqualTo(200);
    assertThat(gitRepos.get("team-g", "flaky").getStatus().getWebhookCommit()).isEqualTo(SHA_A);
  }

  @Test
  void aBurstOfConcurrentDeliveriesGetsNoServerError() throws Exception {
    String repo = uniqueRepo();
    gitRepos.create("team-h", "busy", repo, s -> s.setBranch("main"));
    ready();
    // As many clients as the test server works on at once (max-concurrent), so none is refused
    // for load: BackPressureIT is where refusals are checked.
    var pool = Executors.newFixedThreadPool(8);
    try {
      List<Future<Integer>> answers = new ArrayList<>();
      for (int i = 0; i < 200; i++) {
        String sha = String.format("%040x", i + 1);
        byte[] body = githubPush(repo, "main", sha);
        Callable<Integer> send =
            () -> gitwatch.postJson(body, github("push", GLOBAL_SECRET, body)).status();
        answers.add(pool.submit(send));
      }
      for (Future<Integer> answer : answers) {
        assertThat(answer.get()).isEqualTo(200);
      }
    } finally {
      pool.shutdown();
    }
    assertThat(gitRepos.get("team-h", "busy").getStatus().getWebhookCommit())
        .matches("[0-9a-f]{40}");
  }

  static Stream<Arguments> providers() {
    return Stream.of(
        Arguments.of(
            "github",
            "github/push.json",
            "https://github.com/acme/deploy",
            "91edb9ab348afbfccad2a8e03a7021b5013ebae7"),
        Arguments.of(
            "gitlab",
            "gitlab/push.json",
            "ssh://git@gitlab.example.com:2222/acme/platform/deploy.git",
            "b3fd2bb86d8fb7050cb47996f35a7811de0fdcd3"),
        Arguments.of(
            "bitbucket",
            "bitbucket-cloud/repo-push.json",
            "git@bitbucket.org:acme/deploy.git",
            "1a6c57301741ed2168dd594abe7b30a28d8fe52d"),
        Arguments.of(
            "bitbucket-server",
            "bitbucket-server/repo-refs_changed.json",
            "https://bitbucket.example.com/scm/ops/deploy.git",
            "bc7219d0490685856b4b29e2f9af44b33bc5c1f5"),
        Arguments.of(
            "gogs",
            "gogs/push.json",
            "https://gogs.example.com/acme/deploy",
            "5ecb93841285429cd8fb9375df803a7bbe15b4af"),
        Arguments.of(
            "gitea",
            "gitea/push.json",
            "git@gitea.example.com:acme/deploy.git",
            "ed738f69c7f60aef5cd4abd219e1e53e200ec892"),
        Arguments.of(
            "azure",
            "azure-devops/git.push.json",
            "git@ssh.dev.azure.com:v3/acme/platform/deploy",
            "43ab3055044ab959698e45ef163a59c298d6a6da"));
  }

  /**
   * The headers each provider sends with a delivery signed (or authenticated) with {@code secret}.
   */
  static Map<String, String> signed(String provider, String secret, byte[] body) {
    String hmac = Gitwatch.hmacSha256Hex(secret, body);
    String id = UUID.randomUUID().toString();
    return switch (provider) {
      case "github" -> github("push", secret, body);
      case "gitlab" ->
          Map.of(
              "X-Gitlab-Event", "Push Hook", "X-Gitlab-Token", secret, "X-Gitlab-Event-UUID", id);
      case "bitbucket" ->
          Map.of(
              "X-Event-Key",
              "repo:push",
              "X-Hook-UUID",
              "{" + id + "}",
              "X-Request-UUID",
              id,
              "X-Hub-Signature",
              "sha256=" + hmac);
      case "bitbucket-server" ->
          Map.of(
              "X-Event-Key",
              "repo:refs_changed",
              "X-Request-Id",
              id,
              "X-Hub-Signature",
              "sha256=" + hmac);
      case "gogs" ->
          Map.of(
              "X-Gogs-Event",
              "push",
              "X-Gogs-Delivery",
              id,
              "X-Gogs-Signature",
              hmac,
              "X-GitHub-Event",
              "push");
      case "gitea" ->
          Map.of(
              "X-Gitea-Event",
              "push",
              "X-Gitea-Delivery",
              id,
              "X-Gitea-Signature",
              hmac,
              "X-Gogs-Event",
              "push",
              "X-Gogs-Signature",
              hmac,
              "X-GitHub-Event",
              "push");
      case "azure" ->
          Map.of(
              "Authorization",
              "Basic "
                  + Base64.getEncoder()
                      .encodeToString(("azure:" + secret).getBytes(StandardCharsets.UTF_8)));
      default -> throw new IllegalArgumentException(provider);
    };
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("providers")
  void everyProvidersVerifiedPushUpdatesItsGitRepo(
      String provider, String payload, String repo, String sha) {
    String namespace = "provider-" + provider;
    String secret = provider + "-s3cret";
    Map<String, String> keys =
        provider.equals("azure")
            ? Map.of("azure-username", "azure", "azure-password", secret)
            : Map.of(provider, secret);
    gitRepos.secret(namespace, "hook", keys);
    gitRepos.create(
        namespace,
        "deploy",
        repo,
        s -> {
          s.setBranch("main");
          s.setWebhookSecret("hook");
        });
    ready();
    byte[] body = Fixtures.resource("payloads/" + payload);

    Answer wrong = gitwatch.postJson(body, signed(provider, "not-the-secret", body));
    assertThat(wrong.status()).isEqualTo(401);
    assertThat(webhookCommit(namespace, "deploy")).isNull();

    Answer answer = gitwatch.postJson(body, signed(provider, secret, body));
    assertThat(answer.status()).as(answer.body()).isEqualTo(200);
    assertThat(answer.json().getJsonArray("updated").toString())
        .isEqualTo("[\"" + namespace + "/deploy\"]");
    assertThat(gitRepos.get(namespace, "deploy").getStatus().getWebhookCommit()).isEqualTo(sha);
  }

  @Test
  void everyChangeOfAPushIsConsideredAndDeletionsNeverBecomeCommits() {
    gitRepos.secret("multi", "hook", Map.of("bitbucket-server", "multi-s3cret"));
    String repo = "https://bitbucket.example.com/scm/ops/deploy.git";
    gitRepos.create(
        "multi",
        "main",
        repo,
        s -> {
          s.setBranch("main");
          s.setWebhookSecret("hook");
        });
    gitRepos.create(
        "multi",
        "release",
        repo,
        s -> {
          s.setRevision("v2.0.0");
          s.setWebhookSecret("hook");
        });
    gitRepos.create(
        "multi",
        "deleted",
        repo,
        s -> {
          s.setBranch("feature/old");
          s.setWebhookSecret("hook");
        });
    ready();
    byte[] body =
        Fixtures.resource("payloads/bitbucket-server/repo-refs_changed-several-changes.json");

    Answer answer = gitwatch.postJson(body, signed("bitbucket-server", "multi-s3cret", body));

    assertThat(answer.status()).isEqualTo(200);
    assertThat(answer.json().getJsonArray("updated").toString())
        .isEqualTo("[\"multi/main\",\"multi/release\"]");
    assertThat(gitRepos.get("multi", "main").getStatus().getWebhookCommit())
        .isEqualTo("bc7219d0490685856b4b29e2f9af44b33bc5c1f5");
    assertThat(gitRepos.get("multi", "release").getStatus().getWebhookCommit())
        .isEqualTo("235855927014158e7158c7b11fd3a9f22fb89fd6");
    assertThat(webhookCommit("multi", "deleted")).isNull();
  }

  @Test
  void aCapturedGitHubDeliveryReplaysAsGitHubSentIt() {
    byte[] body = Fixtures.shared("github/push.json");
    gitRepos.create(
        "captured",
        "sample-app",
        "git@github.com:binkkatal/sample_app.git",
        s -> s.setBranch("master"));
    ready();

    Answer answer = gitwatch.postJson(body, github("push", GLOBAL_SECRET, body));

    assertThat(answer.status()).isEqualTo(200);
    assertThat(gitRepos.get("captured", "sample-app").getStatus().getWebhookCommit())
        .isEqualTo("fd489864e7642b48eaad6e3f155c10e46810ec72");
  }

  double metric(String name, String... labels) {
    return gitwatch
        .get("metrics?scope=application")
        .body()
        .lines()
        .filter(l -> l.startsWith(name + "{") && Stream.of(labels).allMatch(l::contains))
        .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
        .sum();
  }

  @Test
  void metricsCountDeliveriesByProviderKindAndStatus() {
    byte[] ping = "{\"zen\":\"Design for failure.\"}".getBytes(StandardCharsets.UTF_8);
    double pings =
        metric(
            "gitwatch_webhook_deliveries_total",
            "kind=\"ping\"",
            "provider=\"github\"",
            "status=\"200\"");
    double failures = metric("gitwatch_webhook_verification_failures_total", "provider=\"github\"");
    byte[] body = githubPush(uniqueRepo(), "main", SHA_A);

    gitwatch.postJson(ping, github("ping", "x", ping));
    gitwatch.postJson(body, github("push", "wrong", body));

    assertThat(
            metric(
                "gitwatch_webhook_deliveries_total",
                "kind=\"ping\"",
                "provider=\"github\"",
                "status=\"200\""))
        .isEqualTo(pings + 1);
    assertThat(metric("gitwatch_webhook_verification_failures_total", "provider=\"github\""))
        .isEqualTo(failures + 1);
    assertThat(gitwatch.get("metrics?scope=application").body())
        .contains("gitwatch_webhook_duration_seconds");
  }

  @Test
  void readinessGoesDownWhileTheApiServerDoesNotAnswerAndUpWhenItReturns() {
    assertThat(gitwatch.get("health/started").status()).isEqualTo(200);
    assertThat(gitwatch.get("health/ready").status()).isEqualTo(200);
    api.stopAnswering();
    try {
      await()
          .atMost(Duration.ofSeconds(15))
          .until(() -> gitwatch.get("health/ready").status() == 503);
      assertThat(gitwatch.get("health/ready").body()).contains("\"reachable\":false");
      assertThat(gitwatch.get("health/live").status()).isEqualTo(200);
    } finally {
      api.answerAgain();
    }
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> gitwatch.get("health/ready").status() == 200);
  }

  @Test
  void aRepeatedDeliveryIdIsAnsweredWithoutWritesOrPolls() {
    String repo = uniqueRepo();
    gitRepos.create("team-r", "replayed", repo, s -> s.setBranch("main"));
    ready();
    byte[] first = githubPush(repo, "main", SHA_A);
    byte[] second = githubPush(repo, "main", SHA_B);
    String id = UUID.randomUUID().toString();
    var headers = new java.util.HashMap<>(github("push", GLOBAL_SECRET, first));
    headers.put("X-GitHub-Delivery", id);

    assertThat(gitwatch.postJson(first, headers).status()).isEqualTo(200);
    headers.put("X-Hub-Signature-256", githubSignature(GLOBAL_SECRET, second));
    Answer repeat = gitwatch.postJson(second, headers);

    assertThat(repeat.status()).isEqualTo(200);
    assertThat(repeat.json().getJsonArray("updated")).isEmpty();
    assertThat(webhookCommit("team-r", "replayed")).isEqualTo(SHA_A);
  }
}
