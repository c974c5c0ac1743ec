package io.gitwatch.webhook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.gitwatch.gitrepo.RepoKey;
import io.gitwatch.testing.Fuzzing;
import jakarta.json.Json;
import jakarta.json.JsonException;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.json.JsonReaderFactory;
import java.io.ByteArrayInputStream;
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

  private static final JsonReaderFactory JSON = Json.createReaderFactory(Map.of());

  @FuzzTest(maxDuration = Fuzzing.DURATION)
  void gitHub(byte[] body) {
    deliver(Provider.GITHUB, Map.of("X-GitHub-Event", "push", "X-GitHub-Delivery", "d"), body);
  }

  @FuzzTest(maxDuration = Fuzzing.DURATION)
  void gitLab(byte[] body) {
    deliver(
        Provider.GITLAB, Map.of("X-Gitlab-Event", "Push Hook", "X-Gitlab-Event-UUID", "d"), body);
  }

  @FuzzTest(maxDuration = Fuzzing.DURATION)
  void gitLabSystemHook(byte[] body) {
    deliver(Provider.GITLAB, Map.of("X-Gitlab-Event", "System Hook"), body);
  }

  @FuzzTest(maxDuration = Fuzzing.DURATION)
  void bitbucketCloud(byte[] body) {
    deliver(
        Provider.BITBUCKET_CLOUD,
        Map.of("X-Event-Key", "repo:push", "X-Hook-UUID", "{u}", "X-Request-UUID", "d"),
        body);
  }

  @FuzzTest(maxDuration = Fuzzing.DURATION)
  void bitbucketServer(byte[] body) {
    deliver(
        Provider.BITBUCKET_SERVER,
        Map.of("X-Event-Key", "repo:refs_changed", "X-Request-Id", "d"),
        body);
  }

  @FuzzTest(maxDuration = Fuzzing.DURATION)
  void gogs(byte[] body) {
    deliver(Provider.GOGS, Map.of("X-Gogs-Event", "push", "X-Gogs-Delivery", "d"), body);
  }

  /** Gogs announces a tag only with a {@code create} event, which is a push when it is a tag. */
  @FuzzTest(maxDuration = Fuzzing.DURATION)
  void gogsCreate(byte[] body) {
    deliver(Provider.GOGS, Map.of("X-Gogs-Event", "create", "X-Gogs-Delivery", "d"), body);
  }

  @FuzzTest(maxDuration = Fuzzing.DURATION)
  void gitea(byte[] body) {
    deliver(Provider.GITEA, Map.of("X-Gitea-Event", "push", "X-Gitea-Delivery", "d"), body);
  }

  /** Azure DevOps names its event in the body ({@code eventType}), not in a header. */
  @FuzzTest(maxDuration = Fuzzing.DURATION)
  void azureDevOps(byte[] body) {
    deliver(Provider.AZURE_DEVOPS, Map.of("X-Vss-ActivityId", "a"), body);
  }

  /**
   * What {@code WebhookResource} does with a JSON delivery once the provider is known: parse the
   * body (not a JSON object: 400), name the event, and parse a push.
   */
  static void deliver(Provider provider, Map<String, String> headers, byte[] body) {
    Delivery delivery = Delivery.json(headers, body);
    JsonObject json;
    try (JsonReader reader = JSON.createReader(new ByteArrayInputStream(delivery.payload()))) {
      json = reader.readObject();
    } catch (JsonException | IllegalStateException e) {
      return; // WebhookResource answers 400 "body is not a JSON object"
    }
    try {
      String event = provider.event(delivery, json);
      provider.deliveryId(delivery, json);
      if (provider.kind(event, json) == Provider.Kind.PUSH) {
        check(provider, event, provider.parse(delivery, json, "https://bitbucket.example.com"));
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
