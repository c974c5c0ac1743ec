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

class GitLabPayloadTest {

  private static final String COMMIT = "b3fd2bb86d8fb7050cb47996f35a7811de0fdcd3";
  private static final String TAG_OBJECT = "1a6c57301741ed2168dd594abe7b30a28d8fe52d";
  private static final String ZEROS = "0".repeat(40);
  private static final List<String> HELLO_WORLD =
      List.of(
          "https://gitlab.com/gitlab-org/hello-world",
          "https://gitlab.com/gitlab-org/hello-world.git",
          "git@gitlab.com:gitlab-org/hello-world.git");

  @Test
  void readsTheProjectUrlsTheBranchCommitAndDefaultBranch() {
    assertEquals(
        new Push(
            Provider.GITLAB,
            "Push Hook",
            "delivery-1",
            List.of(
                "https://gitlab.example.com/acme/platform/deploy",
                "https://gitlab.example.com/acme/platform/deploy.git",
                "ssh://git@gitlab.example.com:2222/acme/platform/deploy.git"),
            List.of(new RefUpdate("refs/heads/main", COMMIT)),
            "main"),
        parse("Push Hook", minimal()));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("capturedPushes")
  void parsesCapturedPush(
      String file, String event, List<String> repoUrls, List<RefUpdate> updates) {
    assertEquals(
        new Push(Provider.GITLAB, event, "delivery-1", repoUrls, updates, "master"),
        parse(event, json(shared("gitlab/" + file))));
  }

  static Stream<Arguments> capturedPushes() {
    return Stream.of(
        Arguments.of(
            "push.json",
            "Push Hook",
            HELLO_WORLD,
            List.of(
                new RefUpdate("refs/heads/master", "2adc9465c4edfc33834e173fe89436a7cb899a1d"))),
        Arguments.of(
            "push-ssh-port.json",
            "Push Hook",
            List.of(
                "https://gitlab.com/group/name",
                "https://gitlab.com/group/name.git",
                "ssh://git@gitlab.com:2222/group/name.git"),
            List.of(
                new RefUpdate("refs/heads/master", "bb0748feaa336d841c251017e4e374c22d0c8a98"))),
        Arguments.of(
            "push-subgroup.json",
            "Push Hook",
            List.of(
                "https://gitlab.com/group1/group2/group3/grp2repo",
                "https://gitlab.com/group1/group2/group3/grp2repo.git",
                "git@gitlab.com:group1/group2/group3/grp2repo.git"),
            List.of(
                new RefUpdate("refs/heads/master", "2adc9465c4edfc33834e173fe89436a7cb899a1d"))),
        Arguments.of("push-branch-delete.json", "Push Hook", HELLO_WORLD, List.of()),
        Arguments.of(
            "tag_push.json",
            "Tag Push Hook",
            HELLO_WORLD,
            List.of(new RefUpdate("refs/tags/v1.0.0", "2adc9465c4edfc33834e173fe89436a7cb899a1d"))),
        Arguments.of(
            "system-hook-push.json",
            "System Hook",
            List.of(
                "http://example.com/mike/diaspora",
                "http://example.com/mike/diaspora.git",
                "git@example.com:mike/diaspora.git"),
            List.of(
                new RefUpdate("refs/heads/master", "da1560886d4f094c3e6c9ef40349f7d38b5d27d7"))));
  }

  @Test
  void takesTheCheckedOutCommitOfAnAnnotatedTagRatherThanTheTagObject() {
    JsonObject json =
        with(
            with(minimal(), "/ref", Json.createValue("refs/tags/v2.0.0")),
            "/after",
            Json.createValue(TAG_OBJECT));

    assertEquals(
        List.of(new RefUpdate("refs/tags/v2.0.0", COMMIT)), parse("Tag Push Hook", json).updates());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("commits")
  void choosesTheCommit(String name, JsonObject json, List<RefUpdate> updates) {
    assertEquals(updates, parse("Push Hook", json).updates());
  }

  static Stream<Arguments> commits() {
    JsonObject json = minimal();
    JsonObject deleted = with(json, "/after", Json.createValue(ZEROS));
    return Stream.of(
        Arguments.of(
            "a deleted branch: null checkout_sha, zero after",
            with(deleted, "/checkout_sha", JsonValue.NULL),
            List.of()),
        Arguments.of(
            "a null checkout_sha means no commit even when after is set",
            with(json, "/checkout_sha", JsonValue.NULL),
            List.of()),
        Arguments.of(
            "without checkout_sha, after",
            with(without(json, "/checkout_sha"), "/after", Json.createValue(TAG_OBJECT)),
            List.of(new RefUpdate("refs/heads/main", TAG_OBJECT))),
        Arguments.of(
            "without checkout_sha, a zero after is a deletion",
            without(deleted, "/checkout_sha"),
            List.of()),
        Arguments.of(
            "an all-zero checkout_sha is a deletion",
            with(json, "/checkout_sha", Json.createValue(ZEROS)),
            List.of()),
        Arguments.of(
            "an upper-case checkout_sha is lowercased",
            with(json, "/checkout_sha", Json.createValue(COMMIT.toUpperCase())),
            List.of(new RefUpdate("refs/heads/main", COMMIT))));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("malformed")
  void rejectsMalformedPushWith400(String name, JsonObject json, String message) {
    Rejection rejection = assertThrows(Rejection.class, () -> parse("Push Hook", json));
    assertEquals(400, rejection.status());
    assertEquals(message, rejection.getMessage());
  }

  static Stream<Arguments> malformed() {
    JsonObject json = minimal();
    return Stream.of(
        Arguments.of("empty body", JsonValue.EMPTY_JSON_OBJECT, "missing field /project"),
        Arguments.of("no project", without(json, "/project"), "missing field /project"),
        Arguments.of(
            "project is an array",
            with(json, "/project", JsonValue.EMPTY_JSON_ARRAY),
            "missing field /project"),
        Arguments.of("no ref", without(json, "/ref"), "missing field /ref"),
        Arguments.of(
            "ref is a number", with(json, "/ref", Json.createValue(5)), "missing field /ref"),
        Arguments.of(
            "no checkout_sha and no after",
            without(without(json, "/checkout_sha"), "/after"),
            "missing field /after"),
        Arguments.of(
            "checkout_sha is not a sha",
            with(json, "/checkout_sha", Json.createValue("main")),
            "invalid commit sha at /checkout_sha"));
  }

  private static JsonObject minimal() {
    return json(resource("payloads/gitlab/push.json"));
  }

  private static Push parse(String event, JsonObject json) {
    return GitLabPayload.parse(event, "delivery-1", json);
  }
}
