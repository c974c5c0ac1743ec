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

class GitHubPayloadTest {

  private static final List<String> ACME_URLS =
      List.of(
          "https://github.com/acme/deploy",
          "https://github.com/acme/deploy.git",
          "git@github.com:acme/deploy.git",
          "git://github.com/acme/deploy.git");
  private static final String ZEROS = "0".repeat(40);

  @Test
  void readsEveryCloneUrlButTheApiUrlAndTheBranchCommitAndDefaultBranch() {
    assertEquals(
        push(
            ACME_URLS,
            List.of(new RefUpdate("refs/heads/main", "91edb9ab348afbfccad2a8e03a7021b5013ebae7")),
            "main"),
        parse(minimal()));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("capturedPushes")
  void parsesCapturedPush(
      String file, List<String> repoUrls, List<RefUpdate> updates, String defaultBranch) {
    assertEquals(push(repoUrls, updates, defaultBranch), parse(json(shared("github/" + file))));
  }

  static Stream<Arguments> capturedPushes() {
    return Stream.of(
        Arguments.of(
            "push.json",
            List.of(
                "https://github.com/binkkatal/sample_app",
                "https://github.com/binkkatal/sample_app.git",
                "git@github.com:binkkatal/sample_app.git",
                "git://github.com/binkkatal/sample_app.git"),
            List.of(new RefUpdate("refs/heads/master", "fd489864e7642b48eaad6e3f155c10e46810ec72")),
            "master"),
        Arguments.of(
            "push-tag.json",
            List.of(
                "https://github.com/jessesuen/test-repo",
                "https://github.com/jessesuen/test-repo.git",
                "git@github.com:jessesuen/test-repo.git",
                "git://github.com/jessesuen/test-repo.git"),
            List.of(new RefUpdate("refs/tags/v1.0", "63738bb582c8b540af7bcfc18f87c575c3ed66e0")),
            "master"),
        Arguments.of(
            "push-branch-delete.json",
            List.of(
                "https://github.com/bradrydzewski/drone-test-go",
                "https://github.com/bradrydzewski/drone-test-go.git",
                "git@github.com:bradrydzewski/drone-test-go.git",
                "git://github.com/bradrydzewski/drone-test-go.git"),
            List.of(),
            "master"));
  }

  @Test
  void takesATagPushAsTheFullTagRef() {
    JsonObject json = with(minimal(), "/ref", Json.createValue("refs/tags/v2.0.0"));

    assertEquals(
        List.of(new RefUpdate("refs/tags/v2.0.0", "91edb9ab348afbfccad2a8e03a7021b5013ebae7")),
        parse(json).updates());
  }

  @Test
  void aBranchDeletionMovesNothing() {
    JsonObject json =
        with(with(minimal(), "/deleted", JsonValue.TRUE), "/after", Json.createValue(ZEROS));

    assertEquals(List.of(), parse(json).updates());
  }

  @Test
  void theDeletedFlagWinsOverACommit() {
    assertEquals(List.of(), parse(with(minimal(), "/deleted", JsonValue.TRUE)).updates());
  }

  @Test
  void anAllZeroCommitIsADeletionEvenWithoutTheFlag() {
    JsonObject json = with(without(minimal(), "/deleted"), "/after", Json.createValue(ZEROS));

    assertEquals(List.of(), parse(json).updates());
  }

  @Test
  void lowercasesTheCommitAndAcceptsSha256() {
    String sha256 = "C7F8B22517AF754B77AB91006F3DB1052B82BED4536656C57F9830124AB2E41A";

    assertEquals(
        List.of(new RefUpdate("refs/heads/main", sha256.toLowerCase())),
        parse(with(minimal(), "/after", Json.createValue(sha256))).updates());
  }

  @Test
  void fallsBackToTheLegacyMasterBranchField() {
    JsonObject json =
        with(
            without(minimal(), "/repository/default_branch"),
            "/repository/master_branch",
            Json.createValue("trunk"));

    assertEquals("trunk", parse(json).defaultBranch());
  }

  @Test
  void aRepositoryWithoutUrlsGivesNoRepoUrls() {
    JsonObject json = with(minimal(), "/repository", JsonValue.EMPTY_JSON_OBJECT);

    assertEquals(List.of(), parse(json).repoUrls());
    assertEquals(null, parse(json).defaultBranch());
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
        Arguments.of(
            "repository is a string",
            with(json, "/repository", Json.createValue("acme/deploy")),
            "missing field /repository"),
        Arguments.of("no ref", without(json, "/ref"), "missing field /ref"),
        Arguments.of(
            "ref is a number", with(json, "/ref", Json.createValue(5)), "missing field /ref"),
        Arguments.of("no after", without(json, "/after"), "missing field /after"),
        Arguments.of(
            "after is an array",
            with(json, "/after", JsonValue.EMPTY_JSON_ARRAY),
            "missing field /after"),
        Arguments.of(
            "after is not hex",
            with(json, "/after", Json.createValue("91edb9ab348afbfccad2a8e03a7021b5013ebaeg")),
            "invalid commit sha at /after"),
        Arguments.of(
            "after is abbreviated",
            with(json, "/after", Json.createValue("91edb9ab348a")),
            "invalid commit sha at /after"));
  }

  private static JsonObject minimal() {
    return json(resource("payloads/github/push.json"));
  }

  private static Push parse(JsonObject json) {
    return GitHubPayload.parse("push", "delivery-1", json);
  }

  private static Push push(List<String> repoUrls, List<RefUpdate> updates, String defaultBranch) {
    return new Push(Provider.GITHUB, "push", "delivery-1", repoUrls, updates, defaultBranch);
  }
}
