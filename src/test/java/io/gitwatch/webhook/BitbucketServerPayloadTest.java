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

class BitbucketServerPayloadTest {

  private static final String SERVER = "https://bitbucket.example.com";
  private static final String COMMIT = "bc7219d0490685856b4b29e2f9af44b33bc5c1f5";
  private static final String CAPTURED = "823b2230a56056231c9425d63758fa87078a66b4";
  private static final List<String> MY_REPO =
      List.of("https://bitbucket.example.com/scm/prj/my-repo.git");

  @Test
  void readsEveryCloneLinkButNotTheBrowseLinkAndTheBranchCommit() {
    assertEquals(
        push(
            List.of(
                "ssh://git@bitbucket.example.com:7999/ops/deploy.git",
                "https://bitbucket.example.com/scm/ops/deploy.git"),
            List.of(new RefUpdate("refs/heads/main", COMMIT))),
        parse(minimal(), null));
  }

  @Test
  void readsEveryChangeOfAPushAndLeavesOutTheDeletedBranch() {
    JsonObject json =
        json(resource("payloads/bitbucket-server/repo-refs_changed-several-changes.json"));

    assertEquals(
        push(
            List.of("https://bitbucket.example.com/scm/ops/deploy.git"),
            List.of(
                new RefUpdate("refs/heads/main", COMMIT),
                // this change has only `ref.id`, no `refId`
                new RefUpdate("refs/tags/v2.0.0", "235855927014158e7158c7b11fd3a9f22fb89fd6"))),
        parse(json, null));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("capturedPushes")
  void parsesCapturedPush(
      String name, String file, String serverUrl, List<String> repoUrls, List<RefUpdate> updates) {
    assertEquals(
        push(repoUrls, updates), parse(json(shared("bitbucket-server/" + file)), serverUrl));
  }

  static Stream<Arguments> capturedPushes() {
    return Stream.of(
        Arguments.of(
            "push with clone links",
            "repo-refs_changed.json",
            null,
            List.of(
                "ssh://git@bitbucketserver:7999/myproject/test-repo.git",
                "https://bitbucketserver/scm/myproject/test-repo.git"),
            List.of(
                new RefUpdate("refs/heads/master", "22671f0349857934857983457983475ec39f196b"))),
        Arguments.of(
            "push with clone links ignores the configured server",
            "repo-refs_changed.json",
            SERVER,
            List.of(
                "ssh://git@bitbucketserver:7999/myproject/test-repo.git",
                "https://bitbucketserver/scm/myproject/test-repo.git"),
            List.of(
                new RefUpdate("refs/heads/master", "22671f0349857934857983457983475ec39f196b"))),
        Arguments.of(
            "push without links, no server configured: no repository URL",
            "repo-refs_changed-no-links.json",
            null,
            List.of(),
            List.of(new RefUpdate("refs/heads/master", CAPTURED))),
        Arguments.of(
            "push without links, server configured: its clone URL",
            "repo-refs_changed-no-links.json",
            SERVER,
            MY_REPO,
            List.of(new RefUpdate("refs/heads/master", CAPTURED))),
        Arguments.of(
            "tag push without links, server configured with a trailing slash",
            "repo-refs_changed-tag.json",
            SERVER + "/",
            MY_REPO,
            List.of(new RefUpdate("refs/tags/v1.1.0", CAPTURED))),
        Arguments.of(
            "branch deletion in a personal project",
            "repo-refs_changed-branch-delete.json",
            null,
            List.of(
                "ssh://git@server.bitbucket.local:7999/~gopher/webhook-test.git",
                "https://server.bitbucket.local/scm/~gopher/webhook-test.git"),
            List.of()));
  }

  @Test
  void derivesThePersonalProjectCloneUrlWhenThePayloadHasNoLinks() {
    JsonObject json =
        with(
            without(minimal(), "/repository/links"),
            "/repository/project/key",
            Json.createValue("~ALICE"));

    assertEquals(
        List.of("https://bitbucket.example.com/scm/~alice/deploy.git"),
        parse(json, SERVER).repoUrls());
  }

  @Test
  void aBlankServerUrlDerivesNothing() {
    assertEquals(List.of(), parse(without(minimal(), "/repository/links"), " ").repoUrls());
  }

  @Test
  void anAddWhoseTargetIsZerosIsNoUpdate() {
    JsonObject json = with(minimal(), "/changes/0/toHash", Json.createValue("0".repeat(40)));

    assertEquals(List.of(), parse(json, null).updates());
  }

  @Test
  void aPushWithoutChangesMovesNothing() {
    JsonObject json = with(minimal(), "/changes", JsonValue.EMPTY_JSON_ARRAY);

    assertEquals(List.of(), parse(json, null).updates());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("malformed")
  void rejectsMalformedPushWith400(String name, JsonObject json, String message) {
    Rejection rejection = assertThrows(Rejection.class, () -> parse(json, SERVER));
    assertEquals(400, rejection.status());
    assertEquals(message, rejection.getMessage());
  }

  static Stream<Arguments> malformed() {
    JsonObject json = minimal();
    return Stream.of(
        Arguments.of("empty body", JsonValue.EMPTY_JSON_OBJECT, "missing field /repository"),
        Arguments.of("no repository", without(json, "/repository"), "missing field /repository"),
        Arguments.of("no changes", without(json, "/changes"), "missing field /changes"),
        Arguments.of(
            "changes is an object",
            with(json, "/changes", JsonValue.EMPTY_JSON_OBJECT),
            "missing field /changes"),
        Arguments.of(
            "a change without any ref id",
            without(without(json, "/changes/0/refId"), "/changes/0/ref"),
            "missing field /changes/0/ref/id"),
        Arguments.of(
            "a change that is a string",
            with(json, "/changes/0", Json.createValue("refs/heads/main")),
            "missing field /changes/0/ref/id"),
        Arguments.of(
            "no toHash", without(json, "/changes/0/toHash"), "missing field /changes/0/toHash"),
        Arguments.of(
            "toHash is not a sha",
            with(json, "/changes/0/toHash", Json.createValue("refs/heads/main")),
            "invalid commit sha at /changes/0/toHash"));
  }

  private static JsonObject minimal() {
    return json(resource("payloads/bitbucket-server/repo-refs_changed.json"));
  }

  private static Push parse(JsonObject json, String serverUrl) {
    return BitbucketServerPayload.parse("repo:refs_changed", "delivery-1", json, serverUrl);
  }

  private static Push push(List<String> repoUrls, List<RefUpdate> updates) {
    return new Push(
        Provider.BITBUCKET_SERVER, "repo:refs_changed", "delivery-1", repoUrls, updates, null);
  }
}
