package io.gitwatch.webhook;

import static io.gitwatch.testing.Fixtures.json;
import static io.gitwatch.testing.Fixtures.resource;
import static io.gitwatch.testing.Fixtures.with;
import static io.gitwatch.testing.Fixtures.without;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every field of every minimal payload, removed or replaced by each JSON type, in turn. */
class MutatedPayloadTest {

  private static final List<JsonValue> REPLACEMENTS =
      List.of(
          JsonValue.NULL,
          JsonValue.TRUE,
          Json.createValue(5),
          Json.createValue(""),
          Json.createValue("x"),
          Json.createValue("0".repeat(64)),
          JsonValue.EMPTY_JSON_OBJECT,
          JsonValue.EMPTY_JSON_ARRAY,
          Json.createArrayBuilder().add(5).build());

  @ParameterizedTest(name = "{0}")
  @MethodSource("payloads")
  void anyShapeEitherParsesToValidUpdatesOrIsRejectedWith400(
      String file, Function<JsonObject, Push> parser) {
    JsonObject original = json(resource("payloads/" + file));
    List<String> pointers = new ArrayList<>();
    collect(original, "", pointers);
    int mutations = 0;
    for (String pointer : pointers) {
      check(parser, without(original, pointer), "without " + pointer);
      for (JsonValue replacement : REPLACEMENTS) {
        check(parser, with(original, pointer, replacement), pointer + " = " + replacement);
      }
      mutations += 1 + REPLACEMENTS.size();
    }
    check(parser, JsonValue.EMPTY_JSON_OBJECT, "{}");
    assertTrue(mutations > 50, "walked only " + mutations + " mutations");
  }

  static Stream<Arguments> payloads() {
    return Stream.of(
        Arguments.of("github/push.json", parser(new GitHub(false), "push")),
        Arguments.of("gitlab/push.json", parser(new GitLab(), "Push Hook")),
        Arguments.of(
            "bitbucket-cloud/repo-push-several-changes.json",
            parser(new BitbucketCloud(), "repo:push")),
        Arguments.of(
            "bitbucket-server/repo-refs_changed-several-changes.json",
            parser(new BitbucketServer("https://b.example"), "repo:refs_changed")),
        Arguments.of("gogs/push.json", parser(new Gogs(), "push")),
        Arguments.of("gogs/create-tag.json", parser(new Gogs(), "create")),
        Arguments.of("gitea/push.json", parser(new Gitea(), "push")),
        Arguments.of(
            "azure-devops/git.push-several-changes.json", parser(new AzureDevOps(), "git.push")));
  }

  private static Function<JsonObject, Push> parser(Provider provider, String event) {
    return json -> provider.parse(event, "d", json);
  }

  private static void check(Function<JsonObject, Push> parser, JsonObject json, String mutation) {
    Push push;
    try {
      push = parser.apply(json);
    } catch (Rejection rejection) {
      assertEquals(400, rejection.status(), mutation);
      return;
    } catch (RuntimeException e) {
      throw new AssertionError(mutation + " escaped as " + e, e);
    }
    for (RefUpdate update : push.updates()) {
      if (update.ref() == null
          || update.ref().isEmpty()
          || !update.commit().matches("[0-9a-f]{40}|[0-9a-f]{64}")
          || update.commit().matches("0+")) {
        fail(mutation + " gave " + update);
      }
    }
    push.repoUrls().forEach(url -> assertTrue(!url.isEmpty(), mutation));
  }

  /** The pointers of every member and element below {@code value}. */
  private static void collect(JsonValue value, String pointer, List<String> pointers) {
    if (value instanceof JsonObject object) {
      object.forEach(
          (name, member) -> {
            String escaped = name.replace("~", "~0").replace("/", "~1");
            pointers.add(pointer + "/" + escaped);
            collect(member, pointer + "/" + escaped, pointers);
          });
    } else if (value instanceof JsonArray array) {
      for (int i = 0; i < array.size(); i++) {
        pointers.add(pointer + "/" + i);
        collect(array.get(i), pointer + "/" + i, pointers);
      }
    }
  }
}
