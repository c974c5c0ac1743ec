package io.gitwatch.webhook;

import static io.gitwatch.testing.Fixtures.json;
import static io.gitwatch.testing.Fixtures.resource;
import static io.gitwatch.testing.Fixtures.shared;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.fail;

import io.gitwatch.webhook.Provider.Kind;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ProviderTest {

  private static final String GUID = "72d3162e-cc78-11e3-81ab-4c9367dc0958";
  // Old Bitbucket Server payloads without links are identified through the server's URL.
  private static final Providers PROVIDERS = new Providers(false, "https://bitbucket.example.com");
  private static final Provider GITHUB = new GitHub(false);
  private static final Provider GITLAB = new GitLab();
  private static final Provider BITBUCKET_CLOUD = new BitbucketCloud();
  private static final Provider BITBUCKET_SERVER = new BitbucketServer(null);
  private static final Provider GOGS = new Gogs();
  private static final Provider GITEA = new Gitea();
  private static final Provider AZURE_DEVOPS = new AzureDevOps();
  private static final JsonObject AZURE_BODY =
      Json.createObjectBuilder()
          .add("id", "5b1bd9bb-2a80-4d4b-9c4e-1d2a7d3f0f11")
          .add("eventType", "git.push")
          .add("publisherId", "tfs")
          .build();

  @ParameterizedTest(name = "{0}")
  @MethodSource("detections")
  void detectsTheProvider(
      String name, Map<String, String> headers, JsonObject body, Provider expected) {
    assertEquals(expected, PROVIDERS.detect(delivery(headers, body), () -> body));
  }

  static Stream<Arguments> detections() {
    JsonObject empty = JsonValue.EMPTY_JSON_OBJECT;
    Map<String, String> forgejo =
        Map.of(
            "X-Forgejo-Event", "push",
            "X-Forgejo-Delivery", GUID,
            "X-Gogs-Event", "push",
            "X-Gogs-Delivery", GUID,
            "X-GitHub-Event", "push");
    return Stream.of(
        Arguments.of("Gitea's full header set", gitea("push"), empty, GITEA),
        Arguments.of("Forgejo's header set", forgejo, empty, GITEA),
        Arguments.of("Gogs's header set", gogs("push"), empty, GOGS),
        Arguments.of("GitHub", gitHub("push"), empty, GITHUB),
        Arguments.of("GitLab", gitLab("Push Hook"), empty, GITLAB),
        Arguments.of(
            "Bitbucket Cloud: X-Hook-UUID and X-Event-Key",
            bitbucketCloud("repo:push"),
            empty,
            BITBUCKET_CLOUD),
        Arguments.of(
            "Bitbucket Server: X-Event-Key alone",
            bitbucketServer("repo:refs_changed"),
            empty,
            BITBUCKET_SERVER),
        Arguments.of(
            "Azure DevOps: X-Vss-ActivityId",
            Map.of("X-Vss-ActivityId", GUID),
            empty,
            AZURE_DEVOPS),
        Arguments.of(
            "Azure DevOps: X-Vss-SubscriptionId",
            Map.of("X-Vss-SubscriptionId", GUID),
            empty,
            AZURE_DEVOPS),
        Arguments.of(
            "Azure DevOps without its headers: body eventType and publisherId tfs",
            azure(),
            AZURE_BODY,
            AZURE_DEVOPS),
        Arguments.of(
            "a body with eventType from another publisher",
            azure(),
            Json.createObjectBuilder(AZURE_BODY).add("publisherId", "other").build(),
            null),
        Arguments.of(
            "header names in lower case", Map.of("x-gitlab-event", "Push Hook"), empty, GITLAB),
        Arguments.of(
            "a blank Gitea header does not count",
            Map.of("X-Gitea-Event", " ", "X-GitHub-Event", "push"),
            empty,
            GITHUB),
        Arguments.of("nothing", azure(), empty, null));
  }

  @Test
  void nothingIdentifiesADeliveryWithoutHeadersOrJsonBody() {
    assertEquals(
        null, PROVIDERS.detect(delivery(Map.of(), JsonValue.EMPTY_JSON_OBJECT), () -> null));
  }

  @Test
  void readsTheBodyOnlyWhenNoHeaderNamesTheProvider() {
    Delivery delivery = delivery(gitHub("push"), AZURE_BODY);

    assertEquals(
        GITHUB,
        PROVIDERS.detect(delivery, () -> fail("the body was parsed although a header sufficed")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("kinds")
  void tellsPushesPingsAndIgnoredEventsApart(
      String name, Provider provider, String event, JsonObject body, Kind expected) {
    assertEquals(expected, provider.kind(event, body));
  }

  static Stream<Arguments> kinds() {
    JsonObject empty = JsonValue.EMPTY_JSON_OBJECT;
    JsonObject tag = Json.createObjectBuilder().add("ref_type", "tag").build();
    JsonObject branch = Json.createObjectBuilder().add("ref_type", "branch").build();
    return Stream.of(
        kind(GITHUB, "push", empty, Kind.PUSH),
        kind(GITHUB, "ping", empty, Kind.PING),
        kind(GITHUB, "pull_request", empty, Kind.IGNORED),
        kind(GITHUB, "issues", empty, Kind.IGNORED),
        kind(GITHUB, "create", tag, Kind.IGNORED),
        kind(GITLAB, "Push Hook", empty, Kind.PUSH),
        kind(GITLAB, "Tag Push Hook", empty, Kind.PUSH),
        kind(GITLAB, "System Hook", eventName("push"), Kind.PUSH),
        kind(GITLAB, "System Hook", eventName("tag_push"), Kind.PUSH),
        kind(GITLAB, "System Hook", eventName("repository_update"), Kind.IGNORED),
        kind(GITLAB, "Merge Request Hook", empty, Kind.IGNORED),
        kind(GITLAB, "Issue Hook", empty, Kind.IGNORED),
        kind(BITBUCKET_CLOUD, "repo:push", empty, Kind.PUSH),
        kind(BITBUCKET_CLOUD, "pullrequest:created", empty, Kind.IGNORED),
        kind(BITBUCKET_SERVER, "repo:refs_changed", empty, Kind.PUSH),
        kind(BITBUCKET_SERVER, "diagnostics:ping", empty, Kind.PING),
        kind(BITBUCKET_SERVER, "pr:opened", empty, Kind.IGNORED),
        kind(GOGS, "push", empty, Kind.PUSH),
        kind(GOGS, "create", tag, Kind.PUSH),
        kind(GOGS, "create", branch, Kind.IGNORED),
        kind(GOGS, "issues", empty, Kind.IGNORED),
        kind(GITEA, "push", empty, Kind.PUSH),
        kind(GITEA, "create", tag, Kind.IGNORED),
        kind(GITEA, "pull_request", empty, Kind.IGNORED),
        kind(AZURE_DEVOPS, "git.push", empty, Kind.PUSH),
        kind(AZURE_DEVOPS, "git.pullrequest.created", empty, Kind.IGNORED),
        kind(AZURE_DEVOPS, "build.complete", empty, Kind.IGNORED));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("deliveryIds")
  void readsTheDeliveryId(
      String name, Provider provider, Map<String, String> headers, JsonObject body, String id) {
    assertEquals(id, provider.deliveryId(delivery(headers, body), body));
  }

  static Stream<Arguments> deliveryIds() {
    JsonObject empty = JsonValue.EMPTY_JSON_OBJECT;
    return Stream.of(
        Arguments.of("GitHub: X-GitHub-Delivery", GITHUB, gitHub("push"), empty, GUID),
        Arguments.of("GitLab: X-Gitlab-Event-UUID", GITLAB, gitLab("Push Hook"), empty, GUID),
        Arguments.of(
            "GitLab without it: Idempotency-Key",
            GITLAB,
            Map.of("X-Gitlab-Event", "Push Hook", "Idempotency-Key", "key-1"),
            empty,
            "key-1"),
        Arguments.of(
            "Bitbucket Cloud: X-Request-UUID",
            BITBUCKET_CLOUD,
            bitbucketCloud("repo:push"),
            empty,
            GUID),
        Arguments.of(
            "Bitbucket Server: X-Request-Id",
            BITBUCKET_SERVER,
            bitbucketServer("repo:refs_changed"),
            empty,
            GUID),
        Arguments.of("Gogs: X-Gogs-Delivery", GOGS, gogs("push"), empty, GUID),
        Arguments.of("Gitea: X-Gitea-Delivery", GITEA, gitea("push"), empty, GUID),
        Arguments.of(
            "Forgejo: X-Gogs-Delivery",
            GITEA,
            Map.of("X-Forgejo-Event", "push", "X-Gogs-Delivery", "gogs-1"),
            empty,
            "gogs-1"),
        Arguments.of(
            "Azure DevOps: the body's id",
            AZURE_DEVOPS,
            azure(),
            AZURE_BODY,
            "5b1bd9bb-2a80-4d4b-9c4e-1d2a7d3f0f11"),
        Arguments.of(
            "no delivery header: empty", GITHUB, Map.of("X-GitHub-Event", "push"), empty, ""));
  }

  @Test
  void namesTheAzureEventFromTheBodyAndTheForgejoEventFromItsHeader() {
    assertEquals("git.push", AZURE_DEVOPS.event(delivery(azure(), AZURE_BODY), AZURE_BODY));
    assertEquals(
        "push",
        GITEA.event(
            delivery(Map.of("X-Forgejo-Event", "push"), JsonValue.EMPTY_JSON_OBJECT),
            JsonValue.EMPTY_JSON_OBJECT));
  }

  @Test
  void anAzureBodyWithoutEventTypeIsMalformed() {
    JsonObject body = Json.createObjectBuilder().add("publisherId", "tfs").build();

    Rejection rejection =
        assertThrows(Rejection.class, () -> AZURE_DEVOPS.event(delivery(azure(), body), body));
    assertEquals(400, rejection.status());
  }

  @Test
  void parsesAPushThroughItsProvider() {
    byte[] bytes = resource("payloads/gogs/create-tag.json");
    Delivery delivery = Delivery.json(gogs("create"), bytes);
    JsonObject json = json(bytes);

    Provider provider = PROVIDERS.detect(delivery, () -> json);
    String event = provider.event(delivery, json);
    Push push = provider.parse(event, provider.deliveryId(delivery, json), json);

    assertEquals(Kind.PUSH, provider.kind(event, json));
    assertEquals(GOGS, push.provider());
    assertEquals("create", push.event());
    assertEquals(GUID, push.deliveryId());
    assertEquals("refs/tags/v2.0.0", push.updates().get(0).ref());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("capturedDeliveries")
  void recognisesEveryCapturedDelivery(
      String file, Map<String, String> headers, Provider provider, Kind kind) {
    byte[] bytes = shared(file);
    Delivery delivery = Delivery.json(headers, bytes);
    JsonObject json = json(bytes);

    Provider detected = PROVIDERS.detect(delivery, () -> json);
    assertEquals(provider, detected);
    String event = detected.event(delivery, json);
    assertEquals(kind, detected.kind(event, json));
    if (kind == Kind.PUSH) {
      Push push = detected.parse(event, detected.deliveryId(delivery, json), json);
      assertEquals(provider, push.provider());
      assertEquals(event, push.event());
      assertEquals(provider.deliveryId(delivery, json), push.deliveryId());
      assertEquals(false, push.repoUrls().isEmpty(), "no repository URL");
    }
  }

  static Stream<Arguments> capturedDeliveries() {
    return Stream.of(
        captured("github/push.json", gitHub("push"), GITHUB, Kind.PUSH),
        captured("github/push-tag.json", gitHub("push"), GITHUB, Kind.PUSH),
        captured("github/push-branch-delete.json", gitHub("push"), GITHUB, Kind.PUSH),
        captured("github/ping.json", gitHub("ping"), GITHUB, Kind.PING),
        captured("github/ping-app-hook.json", gitHub("ping"), GITHUB, Kind.PING),
        captured("github/pull_request.json", gitHub("pull_request"), GITHUB, Kind.IGNORED),
        captured("github/issues.json", gitHub("issues"), GITHUB, Kind.IGNORED),
        captured("github/create-tag.json", gitHub("create"), GITHUB, Kind.IGNORED),
        captured("gitlab/push.json", gitLab("Push Hook"), GITLAB, Kind.PUSH),
        captured("gitlab/push-ssh-port.json", gitLab("Push Hook"), GITLAB, Kind.PUSH),
        captured("gitlab/push-subgroup.json", gitLab("Push Hook"), GITLAB, Kind.PUSH),
        captured("gitlab/push-branch-delete.json", gitLab("Push Hook"), GITLAB, Kind.PUSH),
        captured("gitlab/tag_push.json", gitLab("Tag Push Hook"), GITLAB, Kind.PUSH),
        captured("gitlab/merge_request.json", gitLab("Merge Request Hook"), GITLAB, Kind.IGNORED),
        captured("gitlab/issue.json", gitLab("Issue Hook"), GITLAB, Kind.IGNORED),
        captured("gitlab/system-hook-push.json", gitLab("System Hook"), GITLAB, Kind.PUSH),
        captured(
            "bitbucket-cloud/repo-push.json",
            bitbucketCloud("repo:push"),
            BITBUCKET_CLOUD,
            Kind.PUSH),
        captured(
            "bitbucket-cloud/repo-push-tag.json",
            bitbucketCloud("repo:push"),
            BITBUCKET_CLOUD,
            Kind.PUSH),
        captured(
            "bitbucket-cloud/repo-push-branch-delete.json",
            bitbucketCloud("repo:push"),
            BITBUCKET_CLOUD,
            Kind.PUSH),
        captured(
            "bitbucket-cloud/pullrequest-created.json",
            bitbucketCloud("pullrequest:created"),
            BITBUCKET_CLOUD,
            Kind.IGNORED),
        captured(
            "bitbucket-cloud/pullrequest-fulfilled.json",
            bitbucketCloud("pullrequest:fulfilled"),
            BITBUCKET_CLOUD,
            Kind.IGNORED),
        captured(
            "bitbucket-server/repo-refs_changed.json",
            bitbucketServer("repo:refs_changed"),
            BITBUCKET_SERVER,
            Kind.PUSH),
        captured(
            "bitbucket-server/repo-refs_changed-no-links.json",
            bitbucketServer("repo:refs_changed"),
            BITBUCKET_SERVER,
            Kind.PUSH),
        captured(
            "bitbucket-server/repo-refs_changed-tag.json",
            bitbucketServer("repo:refs_changed"),
            BITBUCKET_SERVER,
            Kind.PUSH),
        captured(
            "bitbucket-server/repo-refs_changed-branch-delete.json",
            bitbucketServer("repo:refs_changed"),
            BITBUCKET_SERVER,
            Kind.PUSH),
        captured(
            "bitbucket-server/diagnostics-ping.json",
            bitbucketServer("diagnostics:ping"),
            BITBUCKET_SERVER,
            Kind.PING),
        captured(
            "bitbucket-server/pr-opened.json",
            bitbucketServer("pr:opened"),
            BITBUCKET_SERVER,
            Kind.IGNORED),
        captured(
            "bitbucket-server/pr-merged.json",
            bitbucketServer("pr:merged"),
            BITBUCKET_SERVER,
            Kind.IGNORED),
        captured("gogs/push.json", gogs("push"), GOGS, Kind.PUSH),
        captured("gogs/push-docs-example.json", gogs("push"), GOGS, Kind.PUSH),
        captured("gogs/push-new-branch.json", gogs("push"), GOGS, Kind.PUSH),
        captured("gogs/create-tag.json", gogs("create"), GOGS, Kind.PUSH),
        captured("gogs/issues.json", gogs("issues"), GOGS, Kind.IGNORED),
        captured("gogs/pull_request.json", gogs("pull_request"), GOGS, Kind.IGNORED),
        captured("gitea/push.json", gitea("push"), GITEA, Kind.PUSH),
        captured("gitea/create-branch.json", gitea("create"), GITEA, Kind.IGNORED),
        captured("gitea/pull_request.json", gitea("pull_request"), GITEA, Kind.IGNORED),
        captured("gitea/issues.json", gitea("issues"), GITEA, Kind.IGNORED),
        captured("azure-devops/git.push.json", azure(), AZURE_DEVOPS, Kind.PUSH),
        captured(
            "azure-devops/git.push-docs-sample.json",
            Map.of("X-Vss-ActivityId", GUID),
            AZURE_DEVOPS,
            Kind.PUSH),
        captured("azure-devops/git.pullrequest.created.json", azure(), AZURE_DEVOPS, Kind.IGNORED),
        captured("azure-devops/build.complete.json", azure(), AZURE_DEVOPS, Kind.IGNORED));
  }

  private static Arguments captured(
      String file, Map<String, String> headers, Provider provider, Kind kind) {
    return Arguments.of(file, headers, provider, kind);
  }

  private static Arguments kind(Provider provider, String event, JsonObject body, Kind kind) {
    String name = provider.label() + " " + event + (body.isEmpty() ? "" : " " + body);
    return Arguments.of(name, provider, event, body, kind);
  }

  private static JsonObject eventName(String name) {
    return Json.createObjectBuilder().add("event_name", name).build();
  }

  private static Delivery delivery(Map<String, String> headers, JsonObject body) {
    return Delivery.json(headers, body.toString().getBytes(StandardCharsets.UTF_8));
  }

  private static Map<String, String> gitHub(String event) {
    return Map.of(
        "X-GitHub-Event",
        event,
        "X-GitHub-Delivery",
        GUID,
        "X-GitHub-Hook-ID",
        "292430182",
        "X-Hub-Signature-256",
        "sha256=00");
  }

  private static Map<String, String> gitLab(String event) {
    return Map.of(
        "X-Gitlab-Event", event,
        "X-Gitlab-Event-UUID", GUID,
        "X-Gitlab-Webhook-UUID", "b1a2c3d4-0000-4000-8000-000000000000",
        "X-Gitlab-Instance", "https://gitlab.com",
        "X-Gitlab-Token", "token");
  }

  private static Map<String, String> bitbucketCloud(String event) {
    return Map.of(
        "X-Event-Key",
        event,
        "X-Hook-UUID",
        "{1c3a2d4e-0000-4000-8000-000000000000}",
        "X-Request-UUID",
        GUID,
        "X-Attempt-Number",
        "1");
  }

  private static Map<String, String> bitbucketServer(String event) {
    return Map.of("X-Event-Key", event, "X-Request-Id", GUID, "X-Hub-Signature", "sha256=00");
  }

  private static Map<String, String> gogs(String event) {
    return Map.of(
        "X-Gogs-Event", event,
        "X-Gogs-Delivery", GUID,
        "X-Gogs-Signature", "",
        "X-Github-Event", event,
        "X-Github-Delivery", GUID);
  }

  private static Map<String, String> gitea(String event) {
    Map<String, String> headers = new HashMap<>();
    for (String vendor : new String[] {"Gitea", "Gogs", "GitHub"}) {
      headers.put("X-" + vendor + "-Event", event);
      headers.put("X-" + vendor + "-Event-Type", event);
      headers.put("X-" + vendor + "-Delivery", GUID);
    }
    headers.put("X-Gitea-Signature", "00");
    headers.put("X-Gogs-Signature", "00");
    headers.put("X-Hub-Signature", "sha1=00");
    headers.put("X-Hub-Signature-256", "sha256=00");
    return headers;
  }

  /** Azure DevOps may send nothing of its own; its service hook test does not. */
  private static Map<String, String> azure() {
    return Map.of("Content-Type", "application/json; charset=utf-8");
  }
}
