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

class BitbucketCloudPayloadTest {

  private static final List<String> ACME = List.of("https://bitbucket.org/acme/deploy");
  private static final List<String> FOO = List.of("https://bitbucket.org/brydzewski/foo");
  private static final String CAPTURED = "141977fedf5cf35aa290ac87d4b5177ac4cd9de1";

  @Test
  void readsTheWebLinkTheBranchCommitAndMainBranch() {
    assertEquals(
        push(
            ACME,
            List.of(new RefUpdate("refs/heads/main", "1a6c57301741ed2168dd594abe7b30a28d8fe52d")),
            "main"),
        parse(minimal()));
  }

  @Test
  void readsEveryChangeOfAPushAndLeavesOutTheDeletedBranch() {
    JsonObject json = json(resource("payloads/bitbucket-cloud/repo-push-several-changes.json"));

    assertEquals(
        push(
            ACME,
            List.of(
                new RefUpdate("refs/heads/main", "1a6c57301741ed2168dd594abe7b30a28d8fe52d"),
                new RefUpdate("refs/tags/v2.0.0", "e9b472af4cb6c4a6bdf3700f3f4910658aba5012")),
            null),
        parse(json));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("capturedPushes")
  void parsesCapturedPush(String file, List<RefUpdate> updates) {
    assertEquals(push(FOO, updates, null), parse(json(shared("bitbucket-cloud/" + file))));
  }

  static Stream<Arguments> capturedPushes() {
    return Stream.of(
        Arguments.of("repo-push.json", List.of(new RefUpdate("refs/heads/master", CAPTURED))),
        Arguments.of("repo-push-tag.json", List.of(new RefUpdate("refs/tags/feature/x", CAPTURED))),
        Arguments.of("repo-push-branch-delete.json", List.of()));
  }

  @Test
  void aPushWithoutChangesMovesNothing() {
    JsonObject json = with(minimal(), "/push/changes", JsonValue.EMPTY_JSON_ARRAY);

    assertEquals(List.of(), parse(json).updates());
  }

  @Test
  void skipsRefKindsThatAreNotGitBranchesOrTags() {
    JsonObject json = with(minimal(), "/push/changes/0/new/type", Json.createValue("named_branch"));

    assertEquals(List.of(), parse(json).updates());
  }

  @Test
  void aRepositoryWithoutWebLinkGivesNoRepoUrls() {
    assertEquals(List.of(), parse(without(minimal(), "/repository/links")).repoUrls());
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
        Arguments.of("empty body", JsonValue.EMPTY_JSON_OBJECT, "missing field /repository"),
        Arguments.of("no repository", without(json, "/repository"), "missing field /repository"),
        Arguments.of("no push", without(json, "/push"), "missing field /push/changes"),
        Arguments.of(
            "changes is an object",
            with(json, "/push/changes", JsonValue.EMPTY_JSON_OBJECT),
            "missing field /push/changes"),
        Arguments.of(
            "a change is a number",
            with(json, "/push/changes/0", Json.createValue(5)),
            "missing field /push/changes/0/new"),
        Arguments.of(
            "a change without new",
            without(json, "/push/changes/0/new"),
            "missing field /push/changes/0/new"),
        Arguments.of(
            "new without type",
            without(json, "/push/changes/0/new/type"),
            "missing field /push/changes/0/new/type"),
        Arguments.of(
            "name is a number",
            with(json, "/push/changes/0/new/name", Json.createValue(5)),
            "missing field /push/changes/0/new/name"),
        Arguments.of(
            "no target hash",
            without(json, "/push/changes/0/new/target"),
            "missing field /push/changes/0/new/target/hash"),
        Arguments.of(
            "an abbreviated hash",
            with(json, "/push/changes/0/new/target/hash", Json.createValue("1a6c57301741")),
            "invalid commit sha at /push/changes/0/new/target/hash"));
  }

  private static JsonObject minimal() {
    return json(resource("payloads/bitbucket-cloud/repo-push.json"));
  }

  private static Push parse(JsonObject json) {
    return BitbucketCloudPayload.parse("repo:push", "delivery-1", json);
  }

  private static Push push(List<String> repoUrls, List<RefUpdate> updates, String defaultBranch) {
    return new Push(
        Provider.BITBUCKET_CLOUD, "repo:push", "delivery-1", repoUrls, updates, defaultBranch);
  }
}
