package io.gitwatch.webhook;

import static io.gitwatch.testing.Gitwatch.githubSignature;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.gitwatch.gitrepo.GitRepoCondition;
import io.gitwatch.testing.ApiServer;
import io.gitwatch.testing.GitRepos;
import io.gitwatch.testing.Gitwatch;
import io.gitwatch.testing.Gitwatch.Answer;
import io.gitwatch.testing.LoopbackGitServer;
import io.gitwatch.testing.OnTestServer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Receiver URLs on the managed Liberty, against fabric8's mock API server and a git server on
 * loopback: a provider's delivery on a GitRepo's own URL, a CI system's signed trigger, unknown
 * URLs, and the condition that publishes the path.
 */
class ReceiverUrlIT extends OnTestServer.Deployed {

  static final String GLOBAL_SECRET = "global-s3cret";
  static final String OWN_SECRET = "own-s3cret";
  static final String SHA = "c".repeat(40);

  @AutoClose static final LoopbackGitServer git = LoopbackGitServer.startInTemporaryDirectory();

  @BeforeAll
  static void start() {
    new GitRepos(ApiServer.shared().client())
        .secret(
            "gitwatch-system",
            "gitjob-webhook",
            Map.of("github", GLOBAL_SECRET, "gitlab", GLOBAL_SECRET));
  }

  static String digest(String namespace, String name, String token) throws Exception {
    return HexFormat.of()
        .formatHex(
            MessageDigest.getInstance("SHA-256")
                .digest((namespace + "/" + name + "/" + token).getBytes(StandardCharsets.UTF_8)));
  }

  static String unique() {
    return UUID.randomUUID().toString().substring(0, 8);
  }

  /** A GitRepo with its own webhook Secret holding a GitHub secret and a receiver token. */
  void gitRepo(String namespace, String name, String repo, String token) {
    gitRepos.secret(namespace, "hook-" + name, Map.of("github", OWN_SECRET, "token", token));
    gitRepos.create(
        namespace,
        name,
        repo,
        s -> {
          s.setBranch("main");
          s.setWebhookSecret("hook-" + name);
          // Nothing polls on a schedule: only what the test triggers reaches the remote.
          s.setDisablePolling(true);
        });
  }

  /** Waits for the GitRepo's receiver URL to be published, and returns its path. */
  String published(String namespace, String name) {
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> receiverCondition(namespace, name).isPresent());
    return receiverCondition(namespace, name)
        .orElseThrow()
        .getMessage()
        .substring("POST ".length());
  }

  Optional<GitRepoCondition> receiverCondition(String namespace, String name) {
    return gitRepos.condition(namespace, name, "WebhookReceiver");
  }

  static byte[] githubPush(String repoUrl, String sha) {
    return """
        {"ref":"refs/heads/main","after":"%s","repository":{"html_url":"%s"}}"""
        .formatted(sha, repoUrl)
        .getBytes(StandardCharsets.UTF_8);
  }

  static Map<String, String> github(String secret, byte[] body) {
    return Map.of(
        "X-GitHub-Event", "push",
        "X-GitHub-Delivery", UUID.randomUUID().toString(),
        "X-Hub-Signature-256", githubSignature(secret, body));
  }

  static Map<String, String> signed(String token, byte[] body) {
    return Map.of("X-Signature", "sha256=" + Gitwatch.hmacSha256Hex(token, body));
  }

  String webhookCommit(String namespace, String name) {
    return gitRepos.get(namespace, name).status().getWebhookCommit();
  }

  @Test
  void theReceiverConditionPublishesThePathOnceWithTheDigestOfTheToken() throws Exception {
    String ns = "hook-cond-" + unique();
    gitRepo(ns, "app", "https://github.com/example/cond-" + unique(), "t0ken-" + ns);

    String path = published(ns, "app");

    assertThat(path).isEqualTo("/hook/" + digest(ns, "app", "t0ken-" + ns));
    GitRepoCondition condition = receiverCondition(ns, "app").orElseThrow();
    assertThat(condition.getStatus()).isEqualTo("True");
    assertThat(condition.getReason()).isEqualTo("Published");
    await()
        .during(Duration.ofSeconds(3))
        .atMost(Duration.ofSeconds(5))
        .until(() -> receiverWrites(ns) == 1);
  }

  @Test
  void aGitRepoWithoutATokenGetsNoUrlAndNoCondition() {
    String ns = "hook-none-" + unique();
    gitRepos.secret(ns, "hook-app", Map.of("github", OWN_SECRET));
    gitRepos.create(
        ns,
        "app",
        "https://github.com/example/none-" + unique(),
        s -> {
          s.setWebhookSecret("hook-app");
          s.setDisablePolling(true);
        });
    gitwatch.awaitGitRepos(gitRepos.count());

    await()
        .during(Duration.ofSeconds(3))
        .atMost(Duration.ofSeconds(5))
        .until(() -> receiverCondition(ns, "app").isEmpty() && receiverWrites(ns) == 0);
  }

  long receiverWrites(String namespace) {
    return api.writes().stream()
        .filter(w -> w.path().contains("/namespaces/" + namespace + "/"))
        .filter(w -> w.body().contains("WebhookReceiver"))
        .count();
  }

  @Test
  void aPushFromAMirrorOnTheHookUrlUpdatesExactlyThatGitRepoAndOnTheProviderUrlNothing() {
    String ns = "hook-mirror-" + unique();
    String repo = "https://github.com/example/upstream-" + unique();
    String mirror = "https://git.mirror.example/example/upstream-" + unique();
    gitRepo(ns, "app", repo, "app-t0ken");
    gitRepo(ns, "neighbour", repo, "neighbour-t0ken");
    String path = published(ns, "app");
    published(ns, "neighbour");
    byte[] body = githubPush(mirror, SHA);
    double onHookUrls =
        gitwatch.metric("gitwatch_webhook_deliveries_total", "receiver=\"hook\"", "status=\"200\"");

    Answer onProviderUrl = gitwatch.postJson(body, github(GLOBAL_SECRET, body));

    assertThat(onProviderUrl.status()).as(onProviderUrl.body()).isEqualTo(200);
    assertThat(onProviderUrl.json().getJsonArray("matched")).isEmpty();
    assertThat(webhookCommit(ns, "app")).isNull();

    Answer onHook =
        gitwatch.post(path.substring(1), "application/json", body, github(OWN_SECRET, body));

    assertThat(onHook.status()).as(onHook.body()).isEqualTo(200);
    assertThat(onHook.json().getJsonArray("matched").toString()).isEqualTo("[\"" + ns + "/app\"]");
    assertThat(onHook.json().getJsonArray("updated").toString()).isEqualTo("[\"" + ns + "/app\"]");
    assertThat(webhookCommit(ns, "app")).isEqualTo(SHA);
    assertThat(webhookCommit(ns, "neighbour")).isNull();
    assertThat(
            gitwatch.metric(
                "gitwatch_webhook_deliveries_total", "receiver=\"hook\"", "status=\"200\""))
        .isEqualTo(onHookUrls + 1);
  }

  @Test
  void aDeliveryOnTheHookUrlIsVerifiedWithThatGitReposSecretAndItsBranchRule() {
    String ns = "hook-verify-" + unique();
    gitRepo(ns, "app", "https://github.com/example/verify-" + unique(), "verify-t0ken");
    String path = published(ns, "app").substring(1);
    byte[] body = githubPush("https://github.com/example/anything", SHA);
    byte[] dev =
        new String(body, StandardCharsets.UTF_8)
            .replace("refs/heads/main", "refs/heads/dev")
            .getBytes(StandardCharsets.UTF_8);

    Answer global = gitwatch.post(path, "application/json", body, github(GLOBAL_SECRET, body));
    Answer otherBranch = gitwatch.post(path, "application/json", dev, github(OWN_SECRET, dev));
    Answer text = gitwatch.post(path, "text/plain", body, github(OWN_SECRET, body));

    assertThat(global.status()).isEqualTo(401);
    assertThat(otherBranch.status()).isEqualTo(200);
    assertThat(otherBranch.json().getJsonArray("matched")).isEmpty();
    assertThat(text.status()).isEqualTo(415);
    assertThat(webhookCommit(ns, "app")).isNull();
  }

  @Test
  void unknownReceiverUrlsAre404WithOneBody() throws Exception {
    String ns = "hook-unknown-" + unique();
    gitRepo(ns, "app", "https://github.com/example/unknown-" + unique(), "real-t0ken");
    String real = published(ns, "app");
    byte[] body = "{}".getBytes(StandardCharsets.UTF_8);

    List<Answer> answers =
        List.of(
            gitwatch.post(
                "hook/" + digest(ns, "app", "guessed-t0ken"),
                "application/json",
                body,
                signed("guessed-t0ken", body)),
            gitwatch.post("hook/" + "0".repeat(64), "application/json", body, Map.of()),
            gitwatch.post(
                real.substring(1).toUpperCase().replace("HOOK", "hook"), null, body, Map.of()),
            gitwatch.post("hook/not-a-digest", "text/plain", body, signed("real-t0ken", body)));

    assertThat(answers).allSatisfy(a -> assertThat(a.status()).isEqualTo(404));
    assertThat(answers.stream().map(Answer::body).distinct()).hasSize(1);
    assertThat(answers.get(0).body()).doesNotContain(ns).doesNotContain("t0ken");
  }

  @Test
  void aGenericHmacTriggerMakesCommitFollowTheRemoteAndAWrongSignatureChangesNothing() {
    String ns = "hook-ci-" + unique();
    String repo = "ci-" + unique();
    git.createRepository(repo);
    git.commit(repo, "main");
    gitRepo(ns, "app", git.url(repo), "ci-t0ken");
    String path = published(ns, "app").substring(1);
    String head = git.commit(repo, "main");
    byte[] body = "{\"build\":\"1234\",\"commit\":\"forged\"}".getBytes(StandardCharsets.UTF_8);
    int asked = git.infoRefsRequests(repo);

    for (Map<String, String> wrong :
        List.of(
            signed("wrong-t0ken", body),
            Map.of("X-Signature", "sha256=nothex"),
            Map.of("X-Signature", ""),
            Map.of("X-Signature", "sha1=" + Gitwatch.hmacSha256Hex("ci-t0ken", body)))) {
      Answer refused = gitwatch.post(path, "application/json", body, wrong);
      assertThat(refused.status()).as(wrong.toString()).isEqualTo(401);
      assertThat(refused.json().getString("message"))
          .isEqualTo("missing or invalid signature, token or credentials");
    }
    await()
        .during(Duration.ofSeconds(3))
        .atMost(Duration.ofSeconds(5))
        .until(
            () ->
                git.infoRefsRequests(repo) == asked
                    && !head.equals(gitRepos.get(ns, "app").status().getCommit()));
    double triggers =
        gitwatch.metric(
            "gitwatch_webhook_deliveries_total", "receiver=\"generic-hmac\"", "status=\"200\"");

    Answer triggered = gitwatch.post(path, "text/plain", body, signed("ci-t0ken", body));

    assertThat(triggered.status()).as(triggered.body()).isEqualTo(200);
    assertThat(triggered.body()).isEqualTo("{\"triggered\":[\"" + ns + "/app\"]}");
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> head.equals(gitRepos.get(ns, "app").status().getCommit()));
    assertThat(webhookCommit(ns, "app")).isNull();
    assertThat(
            gitwatch.metric(
                "gitwatch_webhook_deliveries_total", "receiver=\"generic-hmac\"", "status=\"200\""))
        .isEqualTo(triggers + 1);
  }
}
