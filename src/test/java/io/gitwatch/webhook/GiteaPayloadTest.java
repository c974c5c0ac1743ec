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

class GiteaPayloadTest {

  private static final String COMMIT = "ed738f69c7f60aef5cd4abd219e1e53e200ec892";

  @Test
  void readsTheRepositoryUrlsTheBranchCommitAndDefaultBranch() {
    assertEquals(
        new Push(
            Provider.GITEA,
            "push",
            "delivery-1",
            List.of(
                "https://gitea.example.com/acme/deploy",
                "https://gitea.example.com/acme/deploy.git",
                "git@gitea.example.com:acme/deploy.git"),
            List.of(new RefUpdate("refs/heads/main", COMMIT)),
            "main"),
        parse(minimal()));
  }

  @Test
  void parsesTheCapturedPush() {
    assertEquals(
        new Push(
            Provider.GITEA,
            "push",
            "delivery-1",
            List.of(
                "http://localhost:3000/example/example",
                "http://localhost:3000/example/example.git",
                "git@localhost:example/example.git"),
            List.of(new RefUpdate("refs/heads/master", "67b56589a45103f891bdee7c0546e5d40bc02001")),
            "master"),
        parse(json(shared("gitea/push.json"))));
  }

  @Test
  void takesATagPushAsTheFullTagRef() {
    JsonObject json = with(minimal(), "/ref", Json.createValue("refs/tags/v2.0.0"));

    assertEquals(List.of(new RefUpdate("refs/tags/v2.0.0", COMMIT)), parse(json).updates());
  }

  @Test
  void aDeletionMovesNothing() {
    JsonObject json =
        with(
            with(minimal(), "/deleted", JsonValue.TRUE),
            "/after",
            Json.createValue("0".repeat(40)));

    assertEquals(List.of(), parse(json).updates());
    assertEquals(List.of(), parse(with(minimal(), "/deleted", JsonValue.TRUE)).updates());
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
        Arguments.of(
            "repository is null",
            with(json, "/repository", JsonValue.NULL),
            "missing field /repository"),
        Arguments.of("no ref", without(json, "/ref"), "missing field /ref"),
        Arguments.of(
            "ref is a number", with(json, "/ref", Json.createValue(5)), "missing field /ref"),
        Arguments.of("no after", without(json, "/after"), "missing field /after"),
        Arguments.of(
            "after of 41 digits",
            with(json, "/after", Json.createValue(COMMIT + "0")),
            "invalid commit sha at /after"));
  }

  private static JsonObject minimal() {
    return json(resource("payloads/gitea/push.json"));
  }

  private static Push parse(JsonObject json) {
    return GiteaPayload.parse("push", "delivery-1", json);
  }
}
