package io.gitwatch.webhook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.gitwatch.gitrepo.RepoKey;
import io.gitwatch.testing.Fuzzing;
import jakarta.json.JsonObject;
import java.util.Map;

/**
 * Any body, delivered as a push of each provider, ends in a {@link Push} or a 4xx {@link
 * Rejection}: never another exception.
 *
 * <p>In a normal test run each method replays its seeds, the project's own payloads in {@code
 * src/test/resources/io/gitwatch/webhook/ProviderFuzzTestInputs/<method>}; with {@code
 * JAZZER_FUZZ=1} Jazzer mutates them for {@link Fuzzing#DURATION} per method (README, "Fuzzing").
 */
class ProviderFuzzTest {

  private static final PayloadReader PAYLOADS = new PayloadReader(64, 64);

  @FuzzTest(maxDuration = Fuzzing.DURATION)
  void gitHub(byte[] body) {
    deliver(new GitHub(false), Map.of("X-GitHub-Event", "push", "X-GitHub-Delivery", "d"), body);
  }

  @FuzzTest(maxDuration = Fuzzing.DURATION)
  void gitLab(byte[] body) {
    deliver(new GitLab(), Map.of("X-Gitlab-Event", "Push Hook", "X-Gitlab-Event-UUID", "d"), body);
  }

  @FuzzTest(maxDuration = Fuzzing.DURATION)
  void gitLabSystemHook(byte[] body) {
    deliver(new GitLab(), Map.of("X-Gitlab-Event", "System Hook"), body);
  }

  @FuzzTest(maxDuration = Fuzzing.DURATION)
  void bitbucketCloud(byte[] body) {
    deliver(
        new BitbucketCloud(),
        Map.of("X-Event-Key", "repo:push", "X-Hook-UUID", "{u}", "X-Request-UUID", "d"),
        body);
  }

  @FuzzTest(maxDuration = Fuzzing.DURATION)
  void bitbucketServer(byte[] body) {
    deliver(
        new BitbucketServer("https://bitbucket.example.com"),
        Map.of("X-Event-Key", "repo:refs_changed", "X-Request-Id", "d"),
        body);
  }

  @FuzzTest(maxDuration = Fuzzing.DURATION)
  void gogs(byte[] body) {
    deliver(new Gogs(), Map.of("X-Gogs-Event", "push", "X-Gogs-Delivery", "d"), body);
  }

  /** Gogs announces a tag only with a {@code create} event, which is a push when it is a tag. */
  @FuzzTest(maxDuration = Fuzzing.DURATION)
  void gogsCreate(byte[] body) {
    deliver(new Gogs(), Map.of("X-Gogs-Event", "create", "X-Gogs-Delivery", "d"), body);
  }

  @FuzzTest(maxDuration = Fuzzing.DURATION)
  void gitea(byte[] body) {
    deliver(new Gitea(), Map.of("X-Gitea-Event", "push", "X-Gitea-Delivery", "d"), body);
  }

  /** Azure DevOps names its event in the body ({@code eventType}), not in a header. */
  @FuzzTest(maxDuration = Fuzzing.DURATION)
  void azureDevOps(byte[] body) {
    deliver(new AzureDevOps(), Map.of("X-Vss-ActivityId", "a"), body);
  }

  /**
   * What {@code WebhookResource} does with a JSON delivery once the provider is known: read the
   * payload (not a JSON object: 400), name the event, and parse a push.
   */
  static void deliver(Provider provider, Map<String, String> headers, byte[] body) {
    Delivery delivery = Delivery.json(headers, body);
    try {
      JsonObject json = PAYLOADS.read(delivery.payload());
      String event = provider.event(delivery, json);
      String deliveryId = provider.deliveryId(delivery, json);
      if (provider.kind(event, json) == Provider.Kind.PUSH) {
        check(provider, event, provider.parse(event, deliveryId, json));
      }
    } catch (Rejection rejection) {
      assertTrue(
          rejection.status() >= 400 && rejection.status() < 500,
          "status " + rejection.status() + ": " + rejection.getMessage());
    }
  }

  /** The same promises as MutatedPayloadTest's: real refs, real commits, usable URLs. */
  private static void check(Provider provider, String event, Push push) {
    assertEquals(provider, push.provider());
    assertEquals(event, push.event());
    for (RefUpdate update : push.updates()) {
      assertFalse(update.ref() == null || update.ref().isEmpty(), "empty ref in " + push);
      assertTrue(
          update.commit() != null
              && update.commit().matches("[0-9a-f]{40}|[0-9a-f]{64}")
              && !update.commit().matches("0+"),
          "commit " + update.commit());
    }
    for (String url : push.repoUrls()) {
      assertFalse(url == null || url.isEmpty(), "empty repository URL in " + push);
      RepoKey.of(url); // the URL is keyed next: that must not throw either
    }
  }
}
