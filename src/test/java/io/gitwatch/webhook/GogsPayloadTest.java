package io.gitwatch.webhook;

import static io.gitwatch.testing.Fixtures.json;
import static io.gitwatch.testing.Fixtures.resource;
import static io.gitwatch.testing.Fixtures.shared;
import static io.gitwatch.testing.Fixtures.with;
import static io.gitwatch.testing.Fixtures.without;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class GogsPayloadTest {

  private static final List<String> ACME =
      List.of(
          "https://gogs.example.com/acme/deploy",
          "https://gogs.example.com/acme/deploy.git",
          "ssh://git@gogs.example.com:2222/acme/deploy.git");
  private static final List<String> HELLO_WORLD =
      List.of(
          "http://try.gogs.io/gogits/hello-world",
          "http://try.gogs.io/gogits/hello-world.git",
          "git@localhost:gogits/hello-world.git");

  @Test
  void readsTheRepositoryUrlsTheBranchCommitAndDefaultBranch() {
    assertEquals(
        push(
            "push",
            ACME,
            List.of(new RefUpdate("refs/heads/main", "5ecb93841285429cd8fb9375df803a7bbe15b4af")),
            "main"),
        GogsPayload.parse("push", "delivery-1", pushPayload()));
  }

  @Test
  void takesTheCreationOfATagAsAPushOfTheTag() {
    assertEquals(
        push(
            "create",
            ACME,
            List.of(new RefUpdate("refs/tags/v2.0.0", "c15de542647add67a411d01ac46f5b4a49e0729d")),
            "main"),
        GogsPayload.parse("create", "delivery-1", createTagPayload()));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("capturedPushes")
  void parsesCapturedPush(String file, String event, List<String> repoUrls, RefUpdate update) {
    assertEquals(
        push(event, repoUrls, List.of(update), "master"),
        GogsPayload.parse(event, "delivery-1", json(shared("gogs/" + file))));
  }

  static Stream<Arguments> capturedPushes() {
    return Stream.of(
        Arguments.of(
            "push.json",
            "push",
            HELLO_WORLD,
            new RefUpdate("refs/heads/master", "4522cbcefc20728a5b72b3a86af35e608622c514")),
        Arguments.of(
            "push-docs-example.json",
            "push",
            List.of(
                "http://localhost:3000/unknwon/webhooks",
                "http://localhost:3000/unknwon/webhooks.git",
                "ssh://unknwon@localhost:2222/unknwon/webhooks.git"),
            new RefUpdate("refs/heads/develop", "bffeb74224043ba2feb48d137756c8a9331c449a")),
        Arguments.of(
            "push-new-branch.json",
            "push",
            List.of(
                "http://gogs-server/john/repo-test",
                "http://gogs-server/john/repo-test.git",
                "git@gogs-server/repo-test.git"),
            new RefUpdate("refs/heads/master", "0a05129851238652bf806a400af89fa974ade739")),
        Arguments.of(
            "create-tag.json",
            "create",
            HELLO_WORLD,
            new RefUpdate("refs/tags/v1.0.0", "599d25c67b05717269f50ac082b34f176d085179")));
  }

  @Test
  void theCreationOfABranchMovesNothingBecauseItsPushFollows() {
    JsonObject json = with(createTagPayload(), "/ref_type", Json.createValue("branch"));

    assertEquals(List.of(), GogsPayload.parse("create", "delivery-1", json).updates());
  }

  @Test
  void theTestDeliveryOfAnEmptyRepositoryMovesNothing() {
    JsonObject json = with(pushPayload(), "/after", Json.createValue("0".repeat(40)));

    assertEquals(List.of(), GogsPayload.parse("push", "delivery-1", json).updates());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("malformed")
  void rejectsMalformedPushWith400(String name, String event, JsonObject json, String message) {
    Rejection rejection =
        assertThrows(Rejection.class, () -> GogsPayload.parse(event, "delivery-1", json));
    assertEquals(400, rejection.status());
    assertEquals(message, rejection.getMessage());
  }

  static Stream<Arguments> malformed() {
    JsonObject push = pushPayload();
    JsonObject create = createTagPayload();
    return Stream.of(
        Arguments.of(
            "push without repository",
            "push",
            without(push, "/repository"),
            "missing field /repository"),
        Arguments.of(
            "push with a numeric ref",
            "push",
            with(push, "/ref", Json.createValue(5)),
            "missing field /ref"),
        Arguments.of(
            "push with after null",
            "push",
            with(push, "/after", JsonValue.NULL),
            "missing field /after"),
        Arguments.of(
            "push with a short after",
            "push",
            with(push, "/after", Json.createValue("5ecb9384")),
            "invalid commit sha at /after"),
        Arguments.of(
            "tag creation without repository",
            "create",
            without(create, "/repository"),
            "missing field /repository"),
        Arguments.of(
            "tag creation without ref", "create", without(create, "/ref"), "missing field /ref"),
        Arguments.of(
            "tag creation without sha", "create", without(create, "/sha"), "missing field /sha"),
        Arguments.of(
            "tag creation with a branch name for sha",
            "create",
            with(create, "/sha", Json.createValue("main")),
            "invalid commit sha at /sha"));
  }

  private static JsonObject pushPayload() {
    return json(resource("payloads/gogs/push.json"));
  }

  private static JsonObject createTagPayload() {
    return json(resource("payloads/gogs/create-tag.json"));
  }

  private static Push push(
      String event, List<String> repoUrls, List<RefUpdate> updates, String defaultBranch) {
    return new Push(Provider.GOGS, event, "delivery-1", repoUrls, updates, defaultBranch);
  }
}
