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
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every provider's push payloads, the project's own and the captured ones, read into the push they
 * describe; payloads without what a push needs are refused with a 400 naming the field.
 *
 * <p>One case is a provider, an event, a payload (a file, possibly changed) and the expected push
 * or message. Captured payloads come from {@code ../shared/fixtures/webhooks}: their cases are
 * skipped when that folder is absent.
 */
class PayloadTest {

  private static final String ID = "delivery-1";
  private static final String SERVER = "https://bitbucket.example.com";
  private static final String ZEROS = "0".repeat(40);

  private static final GitHub GITHUB = new GitHub(false);
  private static final GitLab GITLAB = new GitLab();
  private static final BitbucketCloud BITBUCKET_CLOUD = new BitbucketCloud();
  private static final BitbucketServer BITBUCKET_SERVER = new BitbucketServer(null);
  private static final Gogs GOGS = new Gogs();
  private static final Gitea GITEA = new Gitea();
  private static final AzureDevOps AZURE_DEVOPS = new AzureDevOps();

  @ParameterizedTest(name = "{0}")
  @MethodSource("pushes")
  void readsThePushThePayloadDescribes(
      String name, Provider provider, String event, Supplier<JsonObject> payload, Push expected) {
    assertEquals(expected, provider.parse(event, ID, payload.get()));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("malformed")
  void refusesAPayloadWithoutWhatAPushNeedsWith400(
      String name, Provider provider, String event, Supplier<JsonObject> payload, String message) {
    JsonObject json = payload.get();

    Rejection rejection = assertThrows(Rejection.class, () -> provider.parse(event, ID, json));
    assertEquals(400, rejection.status());
    assertEquals(message, rejection.getMessage());
  }

  static Stream<Arguments> pushes() {
    return Stream.of(
            gitHubPushes(),
            gitLabPushes(),
            bitbucketCloudPushes(),
            bitbucketServerPushes(),
            gogsPushes(),
            giteaPushes(),
            azureDevOpsPushes())
        .flatMap(s -> s);
  }

  static Stream<Arguments> malformed() {
    return Stream.of(
            gitHubMalformed(),
            gitLabMalformed(),
            bitbucketCloudMalformed(),
            bitbucketServerMalformed(),
            gogsMalformed(),
            giteaMalformed(),
            azureDevOpsMalformed())
        .flatMap(s -> s);
  }

  // ---- GitHub ----

  private static final List<String> GITHUB_ACME =
      List.of(
          "https://github.com/acme/deploy",
          "https://github.com/acme/deploy.git",
          "git@github.com:acme/deploy.git",
          "git://github.com/acme/deploy.git");
  private static final String GITHUB_COMMIT = "91edb9ab348afbfccad2a8e03a7021b5013ebae7";

  static Stream<Arguments> gitHubPushes() {
    String file = "github/push.json";
    List<RefUpdate> main = List.of(new RefUpdate("refs/heads/main", GITHUB_COMMIT));
    String sha256 = "C7F8B22517AF754B77AB91006F3DB1052B82BED4536656C57F9830124AB2E41A";
    return Stream.of(
        push(
            "GitHub: every clone URL but the API URL, the branch commit and the default branch",
            GITHUB,
            "push",
            own(file),
            GITHUB_ACME,
            main,
            "main"),
        push(
            "GitHub: captured push",
            GITHUB,
            "push",
            captured("github/push.json"),
            List.of(
                "https://github.com/binkkatal/sample_app",
                "https://github.com/binkkatal/sample_app.git",
                "git@github.com:binkkatal/sample_app.git",
                "git://github.com/binkkatal/sample_app.git"),
            List.of(new RefUpdate("refs/heads/master", "fd489864e7642b48eaad6e3f155c10e46810ec72")),
            "master"),
        push(
            "GitHub: captured tag push",
            GITHUB,
            "push",
            captured("github/push-tag.json"),
            List.of(
                "https://github.com/jessesuen/test-repo",
                "https://github.com/jessesuen/test-repo.git",
                "git@github.com:jessesuen/test-repo.git",
                "git://github.com/jessesuen/test-repo.git"),
            List.of(new RefUpdate("refs/tags/v1.0", "63738bb582c8b540af7bcfc18f87c575c3ed66e0")),
            "master"),
        push(
            "GitHub: captured branch deletion",
            GITHUB,
            "push",
            captured("github/push-branch-delete.json"),
            List.of(
                "https://github.com/bradrydzewski/drone-test-go",
                "https://github.com/bradrydzewski/drone-test-go.git",
                "git@github.com:bradrydzewski/drone-test-go.git",
                "git://github.com/bradrydzewski/drone-test-go.git"),
            List.of(),
            "master"),
        push(
            "GitHub: a tag push is the full tag ref",
            GITHUB,
            "push",
            own(file, j -> with(j, "/ref", Json.createValue("refs/tags/v2.0.0"))),
            GITHUB_ACME,
            List.of(new RefUpdate("refs/tags/v2.0.0", GITHUB_COMMIT)),
            "main"),
        push(
            "GitHub: a branch deletion moves nothing",
            GITHUB,
            "push",
            own(file, j -> with(with(j, "/deleted", JsonValue.TRUE), "/after", value(ZEROS))),
            GITHUB_ACME,
            List.of(),
            "main"),
        push(
            "GitHub: the deleted flag wins over a commit",
            GITHUB,
            "push",
            own(file, j -> with(j, "/deleted", JsonValue.TRUE)),
            GITHUB_ACME,
            List.of(),
            "main"),
        push(
            "GitHub: an all-zero commit is a deletion even without the flag",
            GITHUB,
            "push",
            own(file, j -> with(without(j, "/deleted"), "/after", value(ZEROS))),
            GITHUB_ACME,
            List.of(),
            "main"),
        push(
            "GitHub: the commit is lowercased, and SHA-256 is accepted",
            GITHUB,
            "push",
            own(file, j -> with(j, "/after", value(sha256))),
            GITHUB_ACME,
            List.of(new RefUpdate("refs/heads/main", sha256.toLowerCase())),
            "main"),
        push(
            "GitHub: the default branch falls back to the legacy master_branch field",
            GITHUB,
            "push",
            own(
                file,
                j ->
                    with(
                        without(j, "/repository/default_branch"),
                        "/repository/master_branch",
                        value("trunk"))),
            GITHUB_ACME,
            main,
            "trunk"),
        push(
            "GitHub: a repository without URLs gives no URLs and no default branch",
            GITHUB,
            "push",
            own(file, j -> with(j, "/repository", JsonValue.EMPTY_JSON_OBJECT)),
            List.of(),
            main,
            null));
  }

  static Stream<Arguments> gitHubMalformed() {
    Supplier<JsonObject> json = own("github/push.json");
    return Stream.of(
        malformed(
            "GitHub: empty body",
            GITHUB,
            "push",
            () -> JsonValue.EMPTY_JSON_OBJECT,
            "missing field /repository"),
        malformed(
            "GitHub: no repository",
            GITHUB,
            "push",
            changed(json, j -> without(j, "/repository")),
            "missing field /repository"),
        malformed(
            "GitHub: repository is a string",
            GITHUB,
            "push",
            changed(json, j -> with(j, "/repository", value("acme/deploy"))),
            "missing field /repository"),
        malformed(
            "GitHub: no ref",
            GITHUB,
            "push",
            changed(json, j -> without(j, "/ref")),
            "missing field /ref"),
        malformed(
            "GitHub: ref is a number",
            GITHUB,
            "push",
            changed(json, j -> with(j, "/ref", Json.createValue(5))),
            "missing field /ref"),
        malformed(
            "GitHub: no after",
            GITHUB,
            "push",
            changed(json, j -> without(j, "/after")),
            "missing field /after"),
        malformed(
            "GitHub: after is an array",
            GITHUB,
            "push",
            changed(json, j -> with(j, "/after", JsonValue.EMPTY_JSON_ARRAY)),
            "missing field /after"),
        malformed(
            "GitHub: after is not hex",
            GITHUB,
            "push",
            changed(
                json, j -> with(j, "/after", value("91edb9ab348afbfccad2a8e03a7021b5013ebaeg"))),
            "invalid commit sha at /after"),
        malformed(
            "GitHub: after is abbreviated",
            GITHUB,
            "push",
            changed(json, j -> with(j, "/after", value("91edb9ab348a"))),
            "invalid commit sha at /after"));
  }

  // ---- GitLab ----

  private static final String GITLAB_COMMIT = "b3fd2bb86d8fb7050cb47996f35a7811de0fdcd3";
  private static final String TAG_OBJECT = "1a6c57301741ed2168dd594abe7b30a28d8fe52d";
  private static final List<String> GITLAB_ACME =
      List.of(
          "https://gitlab.example.com/acme/platform/deploy",
          "https://gitlab.example.com/acme/platform/deploy.git",
          "ssh://git@gitlab.example.com:2222/acme/platform/deploy.git");
  private static final List<String> HELLO_WORLD =
      List.of(
          "https://gitlab.com/gitlab-org/hello-world",
          "https://gitlab.com/gitlab-org/hello-world.git",
          "git@gitlab.com:gitlab-org/hello-world.git");

  static Stream<Arguments> gitLabPushes() {
    String file = "gitlab/push.json";
    Supplier<JsonObject> deleted = own(file, j -> with(j, "/after", value(ZEROS)));
    RefUpdate main = new RefUpdate("refs/heads/main", GITLAB_COMMIT);
    return Stream.of(
        push(
            "GitLab: the project URLs, the branch commit and the default branch",
            GITLAB,
            "Push Hook",
            own(file),
            GITLAB_ACME,
            List.of(main),
            "main"),
        gitLabCaptured(
            "push.json",
            "Push Hook",
            HELLO_WORLD,
            List.of(
                new RefUpdate("refs/heads/master", "2adc9465c4edfc33834e173fe89436a7cb899a1d"))),
        gitLabCaptured(
            "push-ssh-port.json",
            "Push Hook",
            List.of(
                "https://gitlab.com/group/name",
                "https://gitlab.com/group/name.git",
                "ssh://git@gitlab.com:2222/group/name.git"),
            List.of(
                new RefUpdate("refs/heads/master", "bb0748feaa336d841c251017e4e374c22d0c8a98"))),
        gitLabCaptured(
            "push-subgroup.json",
            "Push Hook",
            List.of(
                "https://gitlab.com/group1/group2/group3/grp2repo",
                "https://gitlab.com/group1/group2/group3/grp2repo.git",
                "git@gitlab.com:group1/group2/group3/grp2repo.git"),
            List.of(
                new RefUpdate("refs/heads/master", "2adc9465c4edfc33834e173fe89436a7cb899a1d"))),
        gitLabCaptured("push-branch-delete.json", "Push Hook", HELLO_WORLD, List.of()),
        gitLabCaptured(
            "tag_push.json",
            "Tag Push Hook",
            HELLO_WORLD,
            List.of(new RefUpdate("refs/tags/v1.0.0", "2adc9465c4edfc33834e173fe89436a7cb899a1d"))),
        gitLabCaptured(
            "system-hook-push.json",
            "System Hook",
            List.of(
                "http://example.com/mike/diaspora",
                "http://example.com/mike/diaspora.git",
                "git@example.com:mike/diaspora.git"),
            List.of(
                new RefUpdate("refs/heads/master", "da1560886d4f094c3e6c9ef40349f7d38b5d27d7"))),
        push(
            "GitLab: an annotated tag gives the checked-out commit, not the tag object",
            GITLAB,
            "Tag Push Hook",
            own(
                file,
                j -> with(with(j, "/ref", value("refs/tags/v2.0.0")), "/after", value(TAG_OBJECT))),
            GITLAB_ACME,
            List.of(new RefUpdate("refs/tags/v2.0.0", GITLAB_COMMIT)),
            "main"),
        gitLabCommit(
            "a deleted branch: null checkout_sha, zero after",
            changed(deleted, j -> with(j, "/checkout_sha", JsonValue.NULL)),
            List.of()),
        gitLabCommit(
            "a null checkout_sha means no commit even when after is set",
            own(file, j -> with(j, "/checkout_sha", JsonValue.NULL)),
            List.of()),
        gitLabCommit(
            "without checkout_sha, after",
            own(file, j -> with(without(j, "/checkout_sha"), "/after", value(TAG_OBJECT))),
            List.of(new RefUpdate("refs/heads/main", TAG_OBJECT))),
        gitLabCommit(
            "without checkout_sha, a zero after is a deletion",
            changed(deleted, j -> without(j, "/checkout_sha")),
            List.of()),
        gitLabCommit(
            "an all-zero checkout_sha is a deletion",
            own(file, j -> with(j, "/checkout_sha", value(ZEROS))),
            List.of()),
        gitLabCommit(
            "an upper-case checkout_sha is lowercased",
            own(file, j -> with(j, "/checkout_sha", value(GITLAB_COMMIT.toUpperCase()))),
            List.of(main)));
  }

  private static Arguments gitLabCaptured(
      String file, String event, List<String> repoUrls, List<RefUpdate> updates) {
    return push(
        "GitLab: captured " + file,
        GITLAB,
        event,
        captured("gitlab/" + file),
        repoUrls,
        updates,
        "master");
  }

  private static Arguments gitLabCommit(
      String name, Supplier<JsonObject> payload, List<RefUpdate> updates) {
    return push("GitLab: " + name, GITLAB, "Push Hook", payload, GITLAB_ACME, updates, "main");
  }

  static Stream<Arguments> gitLabMalformed() {
    Supplier<JsonObject> json = own("gitlab/push.json");
    return Stream.of(
        gitLabMalformed("empty body", () -> JsonValue.EMPTY_JSON_OBJECT, "missing field /project"),
        gitLabMalformed(
            "no project", changed(json, j -> without(j, "/project")), "missing field /project"),
        gitLabMalformed(
            "project is an array",
            changed(json, j -> with(j, "/project", JsonValue.EMPTY_JSON_ARRAY)),
            "missing field /project"),
        gitLabMalformed("no ref", changed(json, j -> without(j, "/ref")), "missing field /ref"),
        gitLabMalformed(
            "ref is a number",
            changed(json, j -> with(j, "/ref", Json.createValue(5))),
            "missing field /ref"),
        gitLabMalformed(
            "no checkout_sha and no after",
            changed(json, j -> without(without(j, "/checkout_sha"), "/after")),
            "missing field /after"),
        gitLabMalformed(
            "checkout_sha is not a sha",
            changed(json, j -> with(j, "/checkout_sha", value("main"))),
            "invalid commit sha at /checkout_sha"));
  }

  private static Arguments gitLabMalformed(
      String name, Supplier<JsonObject> payload, String message) {
    return malformed("GitLab: " + name, GITLAB, "Push Hook", payload, message);
  }

  // ---- Bitbucket Cloud ----

  private static final List<String> BITBUCKET_ACME = List.of("https://bitbucket.org/acme/deploy");
  private static final List<String> BITBUCKET_FOO = List.of("https://bitbucket.org/brydzewski/foo");
  private static final String BITBUCKET_CAPTURED = "141977fedf5cf35aa290ac87d4b5177ac4cd9de1";
  private static final RefUpdate BITBUCKET_MAIN =
      new RefUpdate("refs/heads/main", "1a6c57301741ed2168dd594abe7b30a28d8fe52d");

  static Stream<Arguments> bitbucketCloudPushes() {
    String file = "bitbucket-cloud/repo-push.json";
    return Stream.of(
        bitbucketCloud(
            "the web link, the branch commit and the main branch",
            own(file),
            BITBUCKET_ACME,
            List.of(BITBUCKET_MAIN),
            "main"),
        bitbucketCloud(
            "every change of a push but the deleted branch",
            own("bitbucket-cloud/repo-push-several-changes.json"),
            BITBUCKET_ACME,
            List.of(
                BITBUCKET_MAIN,
                new RefUpdate("refs/tags/v2.0.0", "e9b472af4cb6c4a6bdf3700f3f4910658aba5012")),
            null),
        bitbucketCloud(
            "captured push",
            captured("bitbucket-cloud/repo-push.json"),
            BITBUCKET_FOO,
            List.of(new RefUpdate("refs/heads/master", BITBUCKET_CAPTURED)),
            null),
        bitbucketCloud(
            "captured tag push",
            captured("bitbucket-cloud/repo-push-tag.json"),
            BITBUCKET_FOO,
            List.of(new RefUpdate("refs/tags/feature/x", BITBUCKET_CAPTURED)),
            null),
        bitbucketCloud(
            "captured branch deletion",
            captured("bitbucket-cloud/repo-push-branch-delete.json"),
            BITBUCKET_FOO,
            List.of(),
            null),
        bitbucketCloud(
            "a push without changes moves nothing",
            own(file, j -> with(j, "/push/changes", JsonValue.EMPTY_JSON_ARRAY)),
            BITBUCKET_ACME,
            List.of(),
            "main"),
        bitbucketCloud(
            "ref kinds that are not git branches or tags are skipped",
            own(file, j -> with(j, "/push/changes/0/new/type", value("named_branch"))),
            BITBUCKET_ACME,
            List.of(),
            "main"),
        bitbucketCloud(
            "a repository without web link gives no URLs",
            own(file, j -> without(j, "/repository/links")),
            List.of(),
            List.of(BITBUCKET_MAIN),
            "main"));
  }

  private static Arguments bitbucketCloud(
      String name,
      Supplier<JsonObject> payload,
      List<String> repoUrls,
      List<RefUpdate> updates,
      String defaultBranch) {
    return push(
        "Bitbucket Cloud: " + name,
        BITBUCKET_CLOUD,
        "repo:push",
        payload,
        repoUrls,
        updates,
        defaultBranch);
  }

  static Stream<Arguments> bitbucketCloudMalformed() {
    Supplier<JsonObject> json = own("bitbucket-cloud/repo-push.json");
    return Stream.of(
        bitbucketCloudMalformed(
            "empty body", () -> JsonValue.EMPTY_JSON_OBJECT, "missing field /repository"),
        bitbucketCloudMalformed(
            "no repository",
            changed(json, j -> without(j, "/repository")),
            "missing field /repository"),
        bitbucketCloudMalformed(
            "no push", changed(json, j -> without(j, "/push")), "missing field /push/changes"),
        bitbucketCloudMalformed(
            "changes is an object",
            changed(json, j -> with(j, "/push/changes", JsonValue.EMPTY_JSON_OBJECT)),
            "missing field /push/changes"),
        bitbucketCloudMalformed(
            "a change is a number",
            changed(json, j -> with(j, "/push/changes/0", Json.createValue(5))),
            "missing field /push/changes/0/new"),
        bitbucketCloudMalformed(
            "a change without new",
            changed(json, j -> without(j, "/push/changes/0/new")),
            "missing field /push/changes/0/new"),
        bitbucketCloudMalformed(
            "new without type",
            changed(json, j -> without(j, "/push/changes/0/new/type")),
            "missing field /push/changes/0/new/type"),
        bitbucketCloudMalformed(
            "name is a number",
            changed(json, j -> with(j, "/push/changes/0/new/name", Json.createValue(5))),
            "missing field /push/changes/0/new/name"),
        bitbucketCloudMalformed(
            "no target hash",
            changed(json, j -> without(j, "/push/changes/0/new/target")),
            "missing field /push/changes/0/new/target/hash"),
        bitbucketCloudMalformed(
            "an abbreviated hash",
            changed(json, j -> with(j, "/push/changes/0/new/target/hash", value("1a6c57301741"))),
            "invalid commit sha at /push/changes/0/new/target/hash"));
  }

  private static Arguments bitbucketCloudMalformed(
      String name, Supplier<JsonObject> payload, String message) {
    return malformed("Bitbucket Cloud: " + name, BITBUCKET_CLOUD, "repo:push", payload, message);
  }

  // ---- Bitbucket Server ----

  private static final String BBS_COMMIT = "bc7219d0490685856b4b29e2f9af44b33bc5c1f5";
  private static final String BBS_CAPTURED = "823b2230a56056231c9425d63758fa87078a66b4";
  private static final List<String> BBS_OPS =
      List.of(
          "ssh://git@bitbucket.example.com:7999/ops/deploy.git",
          "https://bitbucket.example.com/scm/ops/deploy.git");
  private static final List<String> BBS_TEST_REPO =
      List.of(
          "ssh://git@bitbucketserver:7999/myproject/test-repo.git",
          "https://bitbucketserver/scm/myproject/test-repo.git");
  private static final List<String> BBS_MY_REPO =
      List.of("https://bitbucket.example.com/scm/prj/my-repo.git");

  static Stream<Arguments> bitbucketServerPushes() {
    String file = "bitbucket-server/repo-refs_changed.json";
    List<RefUpdate> main = List.of(new RefUpdate("refs/heads/main", BBS_COMMIT));
    List<RefUpdate> master =
        List.of(new RefUpdate("refs/heads/master", "22671f0349857934857983457983475ec39f196b"));
    return Stream.of(
        bitbucketServer(
            "every clone link but not the browse link, and the branch commit",
            null,
            own(file),
            BBS_OPS,
            main),
        bitbucketServer(
            "every change of a push but the deleted branch",
            null,
            own("bitbucket-server/repo-refs_changed-several-changes.json"),
            List.of("https://bitbucket.example.com/scm/ops/deploy.git"),
            List.of(
                new RefUpdate("refs/heads/main", BBS_COMMIT),
                // this change has only `ref.id`, no `refId`
                new RefUpdate("refs/tags/v2.0.0", "235855927014158e7158c7b11fd3a9f22fb89fd6"))),
        bitbucketServer(
            "captured push with clone links",
            null,
            captured("bitbucket-server/repo-refs_changed.json"),
            BBS_TEST_REPO,
            master),
        bitbucketServer(
            "captured push with clone links ignores the configured server",
            SERVER,
            captured("bitbucket-server/repo-refs_changed.json"),
            BBS_TEST_REPO,
            master),
        bitbucketServer(
            "captured push without links, no server configured: no repository URL",
            null,
            captured("bitbucket-server/repo-refs_changed-no-links.json"),
            List.of(),
            List.of(new RefUpdate("refs/heads/master", BBS_CAPTURED))),
        bitbucketServer(
            "captured push without links, server configured: its clone URL",
            SERVER,
            captured("bitbucket-server/repo-refs_changed-no-links.json"),
            BBS_MY_REPO,
            List.of(new RefUpdate("refs/heads/master", BBS_CAPTURED))),
        bitbucketServer(
            "captured tag push without links, server configured with a trailing slash",
            SERVER + "/",
            captured("bitbucket-server/repo-refs_changed-tag.json"),
            BBS_MY_REPO,
            List.of(new RefUpdate("refs/tags/v1.1.0", BBS_CAPTURED))),
        bitbucketServer(
            "captured branch deletion in a personal project",
            null,
            captured("bitbucket-server/repo-refs_changed-branch-delete.json"),
            List.of(
                "ssh://git@server.bitbucket.local:7999/~gopher/webhook-test.git",
                "https://server.bitbucket.local/scm/~gopher/webhook-test.git"),
            List.of()),
        bitbucketServer(
            "the personal project clone URL is derived when the payload has no links",
            SERVER,
            own(
                file,
                j ->
                    with(
                        without(j, "/repository/links"),
                        "/repository/project/key",
                        value("~ALICE"))),
            List.of("https://bitbucket.example.com/scm/~alice/deploy.git"),
            main),
        bitbucketServer(
            "a blank server URL derives nothing",
            " ",
            own(file, j -> without(j, "/repository/links")),
            List.of(),
            main),
        bitbucketServer(
            "an add whose target is zeros is no update",
            null,
            own(file, j -> with(j, "/changes/0/toHash", value(ZEROS))),
            BBS_OPS,
            List.of()),
        bitbucketServer(
            "a push without changes moves nothing",
            null,
            own(file, j -> with(j, "/changes", JsonValue.EMPTY_JSON_ARRAY)),
            BBS_OPS,
            List.of()));
  }

  /** Its payloads never name the default branch. */
  private static Arguments bitbucketServer(
      String name,
      String serverUrl,
      Supplier<JsonObject> payload,
      List<String> repoUrls,
      List<RefUpdate> updates) {
    return push(
        "Bitbucket Server: " + name,
        new BitbucketServer(serverUrl),
        "repo:refs_changed",
        payload,
        repoUrls,
        updates,
        null);
  }

  static Stream<Arguments> bitbucketServerMalformed() {
    Supplier<JsonObject> json = own("bitbucket-server/repo-refs_changed.json");
    return Stream.of(
        bitbucketServerMalformed(
            "empty body", () -> JsonValue.EMPTY_JSON_OBJECT, "missing field /repository"),
        bitbucketServerMalformed(
            "no repository",
            changed(json, j -> without(j, "/repository")),
            "missing field /repository"),
        bitbucketServerMalformed(
            "no changes", changed(json, j -> without(j, "/changes")), "missing field /changes"),
        bitbucketServerMalformed(
            "changes is an object",
            changed(json, j -> with(j, "/changes", JsonValue.EMPTY_JSON_OBJECT)),
            "missing field /changes"),
        bitbucketServerMalformed(
            "a change without any ref id",
            changed(json, j -> without(without(j, "/changes/0/refId"), "/changes/0/ref")),
            "missing field /changes/0/ref/id"),
        bitbucketServerMalformed(
            "a change that is a string",
            changed(json, j -> with(j, "/changes/0", value("refs/heads/main"))),
            "missing field /changes/0/ref/id"),
        bitbucketServerMalformed(
            "no toHash",
            changed(json, j -> without(j, "/changes/0/toHash")),
            "missing field /changes/0/toHash"),
        bitbucketServerMalformed(
            "toHash is not a sha",
            changed(json, j -> with(j, "/changes/0/toHash", value("refs/heads/main"))),
            "invalid commit sha at /changes/0/toHash"));
  }

  private static Arguments bitbucketServerMalformed(
      String name, Supplier<JsonObject> payload, String message) {
    return malformed(
        "Bitbucket Server: " + name,
        new BitbucketServer(SERVER),
        "repo:refs_changed",
        payload,
        message);
  }

  // ---- Gogs ----

  private static final List<String> GOGS_ACME =
      List.of(
          "https://gogs.example.com/acme/deploy",
          "https://gogs.example.com/acme/deploy.git",
          "ssh://git@gogs.example.com:2222/acme/deploy.git");
  private static final List<String> GOGS_HELLO_WORLD =
      List.of(
          "http://try.gogs.io/gogits/hello-world",
          "http://try.gogs.io/gogits/hello-world.git",
          "git@localhost:gogits/hello-world.git");

  static Stream<Arguments> gogsPushes() {
    return Stream.of(
        push(
            "Gogs: the repository URLs, the branch commit and the default branch",
            GOGS,
            "push",
            own("gogs/push.json"),
            GOGS_ACME,
            List.of(new RefUpdate("refs/heads/main", "5ecb93841285429cd8fb9375df803a7bbe15b4af")),
            "main"),
        push(
            "Gogs: the creation of a tag is a push of the tag",
            GOGS,
            "create",
            own("gogs/create-tag.json"),
            GOGS_ACME,
            List.of(new RefUpdate("refs/tags/v2.0.0", "c15de542647add67a411d01ac46f5b4a49e0729d")),
            "main"),
        gogsCaptured(
            "push.json",
            "push",
            GOGS_HELLO_WORLD,
            new RefUpdate("refs/heads/master", "4522cbcefc20728a5b72b3a86af35e608622c514")),
        gogsCaptured(
            "push-docs-example.json",
            "push",
            List.of(
                "http://localhost:3000/unknwon/webhooks",
                "http://localhost:3000/unknwon/webhooks.git",
                "ssh://unknwon@localhost:2222/unknwon/webhooks.git"),
            new RefUpdate("refs/heads/develop", "bffeb74224043ba2feb48d137756c8a9331c449a")),
        gogsCaptured(
            "push-new-branch.json",
            "push",
            List.of(
                "http://gogs-server/john/repo-test",
                "http://gogs-server/john/repo-test.git",
                "git@gogs-server/repo-test.git"),
            new RefUpdate("refs/heads/master", "0a05129851238652bf806a400af89fa974ade739")),
        gogsCaptured(
            "create-tag.json",
            "create",
            GOGS_HELLO_WORLD,
            new RefUpdate("refs/tags/v1.0.0", "599d25c67b05717269f50ac082b34f176d085179")),
        push(
            "Gogs: the creation of a branch moves nothing, because its push follows",
            GOGS,
            "create",
            own("gogs/create-tag.json", j -> with(j, "/ref_type", value("branch"))),
            GOGS_ACME,
            List.of(),
            "main"),
        push(
            "Gogs: the test delivery of an empty repository moves nothing",
            GOGS,
            "push",
            own("gogs/push.json", j -> with(j, "/after", value(ZEROS))),
            GOGS_ACME,
            List.of(),
            "main"));
  }

  private static Arguments gogsCaptured(
      String file, String event, List<String> repoUrls, RefUpdate update) {
    return push(
        "Gogs: captured " + file,
        GOGS,
        event,
        captured("gogs/" + file),
        repoUrls,
        List.of(update),
        "master");
  }

  static Stream<Arguments> gogsMalformed() {
    Supplier<JsonObject> push = own("gogs/push.json");
    Supplier<JsonObject> create = own("gogs/create-tag.json");
    return Stream.of(
        malformed(
            "Gogs: push without repository",
            GOGS,
            "push",
            changed(push, j -> without(j, "/repository")),
            "missing field /repository"),
        malformed(
            "Gogs: push with a numeric ref",
            GOGS,
            "push",
            changed(push, j -> with(j, "/ref", Json.createValue(5))),
            "missing field /ref"),
        malformed(
            "Gogs: push with after null",
            GOGS,
            "push",
            changed(push, j -> with(j, "/after", JsonValue.NULL)),
            "missing field /after"),
        malformed(
            "Gogs: push with a short after",
            GOGS,
            "push",
            changed(push, j -> with(j, "/after", value("5ecb9384"))),
            "invalid commit sha at /after"),
        malformed(
            "Gogs: tag creation without repository",
            GOGS,
            "create",
            changed(create, j -> without(j, "/repository")),
            "missing field /repository"),
        malformed(
            "Gogs: tag creation without ref",
            GOGS,
            "create",
            changed(create, j -> without(j, "/ref")),
            "missing field /ref"),
        malformed(
            "Gogs: tag creation without sha",
            GOGS,
            "create",
            changed(create, j -> without(j, "/sha")),
            "missing field /sha"),
        malformed(
            "Gogs: tag creation with a branch name for sha",
            GOGS,
            "create",
            changed(create, j -> with(j, "/sha", value("main"))),
            "invalid commit sha at /sha"));
  }

  // ---- Gitea and Forgejo ----

  private static final String GITEA_COMMIT = "ed738f69c7f60aef5cd4abd219e1e53e200ec892";
  private static final List<String> GITEA_ACME =
      List.of(
          "https://gitea.example.com/acme/deploy",
          "https://gitea.example.com/acme/deploy.git",
          "git@gitea.example.com:acme/deploy.git");

  static Stream<Arguments> giteaPushes() {
    String file = "gitea/push.json";
    return Stream.of(
        push(
            "Gitea: the repository URLs, the branch commit and the default branch",
            GITEA,
            "push",
            own(file),
            GITEA_ACME,
            List.of(new RefUpdate("refs/heads/main", GITEA_COMMIT)),
            "main"),
        push(
            "Gitea: captured push",
            GITEA,
            "push",
            captured("gitea/push.json"),
            List.of(
                "http://localhost:3000/example/example",
                "http://localhost:3000/example/example.git",
                "git@localhost:example/example.git"),
            List.of(new RefUpdate("refs/heads/master", "67b56589a45103f891bdee7c0546e5d40bc02001")),
            "master"),
        push(
            "Gitea: a tag push is the full tag ref",
            GITEA,
            "push",
            own(file, j -> with(j, "/ref", value("refs/tags/v2.0.0"))),
            GITEA_ACME,
            List.of(new RefUpdate("refs/tags/v2.0.0", GITEA_COMMIT)),
            "main"),
        push(
            "Gitea: a deletion moves nothing",
            GITEA,
            "push",
            own(file, j -> with(with(j, "/deleted", JsonValue.TRUE), "/after", value(ZEROS))),
            GITEA_ACME,
            List.of(),
            "main"),
        push(
            "Gitea: the deleted flag alone moves nothing",
            GITEA,
            "push",
            own(file, j -> with(j, "/deleted", JsonValue.TRUE)),
            GITEA_ACME,
            List.of(),
            "main"));
  }

  static Stream<Arguments> giteaMalformed() {
    Supplier<JsonObject> json = own("gitea/push.json");
    return Stream.of(
        malformed(
            "Gitea: empty body",
            GITEA,
            "push",
            () -> JsonValue.EMPTY_JSON_OBJECT,
            "missing field /repository"),
        malformed(
            "Gitea: repository is null",
            GITEA,
            "push",
            changed(json, j -> with(j, "/repository", JsonValue.NULL)),
            "missing field /repository"),
        malformed(
            "Gitea: no ref",
            GITEA,
            "push",
            changed(json, j -> without(j, "/ref")),
            "missing field /ref"),
        malformed(
            "Gitea: ref is a number",
            GITEA,
            "push",
            changed(json, j -> with(j, "/ref", Json.createValue(5))),
            "missing field /ref"),
        malformed(
            "Gitea: no after",
            GITEA,
            "push",
            changed(json, j -> without(j, "/after")),
            "missing field /after"),
        malformed(
            "Gitea: after of 41 digits",
            GITEA,
            "push",
            changed(json, j -> with(j, "/after", value(GITEA_COMMIT + "0"))),
            "invalid commit sha at /after"));
  }

  // ---- Azure DevOps ----

  private static final String AZURE_COMMIT = "43ab3055044ab959698e45ef163a59c298d6a6da";
  private static final List<String> AZURE_ACME =
      List.of("https://dev.azure.com/acme/platform/_git/deploy");

  static Stream<Arguments> azureDevOpsPushes() {
    String file = "azure-devops/git.push.json";
    List<RefUpdate> main = List.of(new RefUpdate("refs/heads/main", AZURE_COMMIT));
    return Stream.of(
        azureDevOps(
            "the remote URL, the branch commit and the default branch",
            own(file),
            AZURE_ACME,
            main,
            "main"),
        azureDevOps(
            "every ref update and every URL form, but the deleted branch",
            own("azure-devops/git.push-several-changes.json"),
            List.of(
                "https://acme.visualstudio.com/platform/_git/deploy",
                "git@ssh.dev.azure.com:v3/acme/platform/deploy",
                "https://acme.visualstudio.com/platform/_git/deploy"),
            List.of(
                new RefUpdate("refs/heads/main", AZURE_COMMIT),
                new RefUpdate("refs/tags/v2.0.0", "9b684efb08035be4086e470e2ed3affa9c486e0d")),
            "main"),
        azureDevOps(
            "captured push",
            captured("azure-devops/git.push.json"),
            List.of("https://dev.azure.com/alexander0053/alex-test/_git/alex-test"),
            List.of(new RefUpdate("refs/heads/master", "298a79aa1552799a70718a0ee914d153d5a1a76b")),
            "master"),
        azureDevOps(
            "captured documentation sample",
            captured("azure-devops/git.push-docs-sample.json"),
            List.of(
                "https://dev.azure.com/fabrikam-fiber-inc/DefaultCollection/_git/Fabrikam-Fiber-Git"),
            List.of(new RefUpdate("refs/heads/main", "33b55f7cb7e7e245323987634f960cf4a6e6bc74")),
            "main"),
        azureDevOps(
            "a push without ref updates moves nothing",
            own(file, j -> with(j, "/resource/refUpdates", JsonValue.EMPTY_JSON_ARRAY)),
            AZURE_ACME,
            List.of(),
            "main"),
        azureDevOps(
            "a repository without default branch says none",
            own(file, j -> without(j, "/resource/repository/defaultBranch")),
            AZURE_ACME,
            main,
            null));
  }

  private static Arguments azureDevOps(
      String name,
      Supplier<JsonObject> payload,
      List<String> repoUrls,
      List<RefUpdate> updates,
      String defaultBranch) {
    return push(
        "Azure DevOps: " + name,
        AZURE_DEVOPS,
        "git.push",
        payload,
        repoUrls,
        updates,
        defaultBranch);
  }

  static Stream<Arguments> azureDevOpsMalformed() {
    Supplier<JsonObject> json = own("azure-devops/git.push.json");
    return Stream.of(
        azureDevOpsMalformed(
            "empty body", () -> JsonValue.EMPTY_JSON_OBJECT, "missing field /resource"),
        azureDevOpsMalformed(
            "resource is a string",
            changed(json, j -> with(j, "/resource", value("git.push"))),
            "missing field /resource"),
        azureDevOpsMalformed(
            "no repository",
            changed(json, j -> without(j, "/resource/repository")),
            "missing field /resource/repository"),
        azureDevOpsMalformed(
            "no refUpdates",
            changed(json, j -> without(j, "/resource/refUpdates")),
            "missing field /resource/refUpdates"),
        azureDevOpsMalformed(
            "refUpdates is an object",
            changed(json, j -> with(j, "/resource/refUpdates", JsonValue.EMPTY_JSON_OBJECT)),
            "missing field /resource/refUpdates"),
        azureDevOpsMalformed(
            "a refUpdate without name",
            changed(json, j -> without(j, "/resource/refUpdates/0/name")),
            "missing field /resource/refUpdates/0/name"),
        azureDevOpsMalformed(
            "a refUpdate that is null",
            changed(json, j -> with(j, "/resource/refUpdates/0", JsonValue.NULL)),
            "missing field /resource/refUpdates/0/name"),
        azureDevOpsMalformed(
            "a newObjectId that is not hex",
            changed(
                json, j -> with(j, "/resource/refUpdates/0/newObjectId", value("z".repeat(40)))),
            "invalid commit sha at /resource/refUpdates/0/newObjectId"));
  }

  private static Arguments azureDevOpsMalformed(
      String name, Supplier<JsonObject> payload, String message) {
    return malformed("Azure DevOps: " + name, AZURE_DEVOPS, "git.push", payload, message);
  }

  // ---- cases ----

  private static Arguments push(
      String name,
      Provider provider,
      String event,
      Supplier<JsonObject> payload,
      List<String> repoUrls,
      List<RefUpdate> updates,
      String defaultBranch) {
    return Arguments.of(
        name,
        provider,
        event,
        payload,
        new Push(provider, event, ID, repoUrls, updates, defaultBranch));
  }

  private static Arguments malformed(
      String name, Provider provider, String event, Supplier<JsonObject> payload, String message) {
    return Arguments.of(name, provider, event, payload, message);
  }

  /** One of the project's own payloads, in {@code src/test/resources/payloads}. */
  private static Supplier<JsonObject> own(String file) {
    return () -> json(resource("payloads/" + file));
  }

  private static Supplier<JsonObject> own(String file, UnaryOperator<JsonObject> change) {
    return changed(own(file), change);
  }

  /** A captured payload from the shared folder: read in the test, which skips without it. */
  private static Supplier<JsonObject> captured(String file) {
    return () -> json(shared(file));
  }

  private static Supplier<JsonObject> changed(
      Supplier<JsonObject> payload, UnaryOperator<JsonObject> change) {
    return () -> change.apply(payload.get());
  }

  private static JsonValue value(String value) {
    return Json.createValue(value);
  }
}
