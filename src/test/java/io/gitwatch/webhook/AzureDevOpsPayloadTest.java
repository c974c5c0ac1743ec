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

class AzureDevOpsPayloadTest {

  private static final String COMMIT = "43ab3055044ab959698e45ef163a59c298d6a6da";

  @Test
  void readsTheRemoteUrlTheBranchCommitAndDefaultBranch() {
    assertEquals(
        push(
            List.of("https://dev.azure.com/acme/platform/_git/deploy"),
            List.of(new RefUpdate("refs/heads/main", COMMIT)),
            "main"),
        parse(minimal()));
  }

  @Test
  void readsEveryRefUpdateAndEveryUrlFormAndLeavesOutTheDeletedBranch() {
    JsonObject json = json(resource("payloads/azure-devops/git.push-several-changes.json"));

    assertEquals(
        push(
            List.of(
                "https://acme.visualstudio.com/platform/_git/deploy",
                "git@ssh.dev.azure.com:v3/acme/platform/deploy",
                "https://acme.visualstudio.com/platform/_git/deploy"),
            List.of(
                new RefUpdate("refs/heads/main", COMMIT),
                new RefUpdate("refs/tags/v2.0.0", "9b684efb08035be4086e470e2ed3affa9c486e0d")),
            "main"),
        parse(json));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("capturedPushes")
  void parsesCapturedPush(String file, String repoUrl, RefUpdate update, String defaultBranch) {
    assertEquals(
        push(List.of(repoUrl), List.of(update), defaultBranch),
        parse(json(shared("azure-devops/" + file))));
  }

  static Stream<Arguments> capturedPushes() {
    return Stream.of(
        Arguments.of(
            "git.push.json",
            "https://dev.azure.com/alexander0053/alex-test/_git/alex-test",
            new RefUpdate("refs/heads/master", "298a79aa1552799a70718a0ee914d153d5a1a76b"),
            "master"),
        Arguments.of(
            "git.push-docs-sample.json",
            "https://dev.azure.com/fabrikam-fiber-inc/DefaultCollection/_git/Fabrikam-Fiber-Git",
            new RefUpdate("refs/heads/main", "33b55f7cb7e7e245323987634f960cf4a6e6bc74"),
            "main"));
  }

  @Test
  void aPushWithoutRefUpdatesMovesNothing() {
    JsonObject json = with(minimal(), "/resource/refUpdates", JsonValue.EMPTY_JSON_ARRAY);

    assertEquals(List.of(), parse(json).updates());
  }

  @Test
  void aRepositoryWithoutDefaultBranchSaysNone() {
    assertEquals(
        null, parse(without(minimal(), "/resource/repository/defaultBranch")).defaultBranch());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("malformed")
  void rejectsMalformedPushWith400(String name, JsonObject json, String message) {
    Rejection rejection = assertThrows(Rejection.class, () -> parse(json));
    assertEquals(400, rejection.status());
    assertEquals(message, rejection.getMessage());
  }

  static Stream<Arguments> malformed() {
    JsonObject json = minimal();
    return Stream.of(
        Arguments.of("empty body", JsonValue.EMPTY_JSON_OBJECT, "missing field /resource"),
        Arguments.of(
            "resource is a string",
            with(json, "/resource", Json.createValue("git.push")),
            "missing field /resource"),
        Arguments.of(
            "no repository",
            without(json, "/resource/repository"),
            "missing field /resource/repository"),
        Arguments.of(
            "no refUpdates",
            without(json, "/resource/refUpdates"),
            "missing field /resource/refUpdates"),
        Arguments.of(
            "refUpdates is an object",
            with(json, "/resource/refUpdates", JsonValue.EMPTY_JSON_OBJECT),
            "missing field /resource/refUpdates"),
        Arguments.of(
            "a refUpdate without name",
            without(json, "/resource/refUpdates/0/name"),
            "missing field /resource/refUpdates/0/name"),
        Arguments.of(
            "a refUpdate that is null",
            with(json, "/resource/refUpdates/0", JsonValue.NULL),
            "missing field /resource/refUpdates/0/name"),
        Arguments.of(
            "a newObjectId that is not hex",
            with(json, "/resource/refUpdates/0/newObjectId", Json.createValue("z".repeat(40))),
            "invalid commit sha at /resource/refUpdates/0/newObjectId"));
  }

  private static JsonObject minimal() {
    return json(resource("payloads/azure-devops/git.push.json"));
  }

  private static Push parse(JsonObject json) {
    return AzureDevOpsPayload.parse("git.push", "delivery-1", json);
  }

  private static Push push(List<String> repoUrls, List<RefUpdate> updates, String defaultBranch) {
    return new Push(
        Provider.AZURE_DEVOPS, "git.push", "delivery-1", repoUrls, updates, defaultBranch);
  }
}
