package io.gitwatch.gitrepo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

class FileGitRepoStoreTest {

  private static final Logger STORE_LOG = Logger.getLogger(FileGitRepoStore.class.getName());

  @TempDir Path dir;

  private final GitRepoIndex index = new GitRepoIndex();
  private final Warnings warnings = new Warnings();
  private FileGitRepoStore store;

  @BeforeEach
  void captureWarnings() {
    STORE_LOG.addHandler(warnings);
  }

  @AfterEach
  void stopStore() {
    STORE_LOG.removeHandler(warnings);
    if (store != null) {
      store.stop();
    }
  }

  @Test
  void loadsGitReposAndSecretsFromMultiDocumentFiles() throws IOException {
    String token = Base64.getEncoder().encodeToString("from-data".getBytes(StandardCharsets.UTF_8));
    write(
        "apps.yaml",
        gitRepo(null, "one", "https://github.com/example/one")
            + "---\n"
            + gitRepo("fleet-local", "two", "git@github.com:example/two.git")
            + """
            ---
            apiVersion: v1
            kind: Secret
            metadata:
              name: hooks
            data:
              github: %s
            stringData:
              gitlab: from-stringData
            ---
            apiVersion: v1
            kind: ConfigMap
            metadata:
              name: ignored
            """
                .formatted(token));
    write("more.yml", gitRepo("fleet-local", "three", "https://gitlab.com/example/three"));

    start();

    assertThat(store.isSynced()).isTrue();
    assertThat(store.isReachable()).isTrue();
    assertThat(index.size()).isEqualTo(3);
    assertThat(byRepo("https://github.com/example/one.git"))
        .extracting(g -> g.id().toString())
        .containsExactly("default/one");
    assertThat(byRepo("https://github.com/example/two"))
        .extracting(g -> g.id().toString())
        .contains("fleet-local/two");
    assertThat(byRepo("https://gitlab.com/example/three")).hasSize(1);
    assertThat(store.secret("default", "hooks"))
        .contains(Map.of("github", "from-data", "gitlab", "from-stringData"));
    assertThat(store.secret("default", "missing")).isEmpty();
  }

  @Test
  void indexesAFileThatAppears() throws IOException {
    start();

    write("new.yaml", gitRepo(null, "fresh", "https://github.com/example/fresh"));

    await().until(() -> byRepo("https://github.com/example/fresh").size() == 1);
  }

  @Test
  void followsAChangedRepositoryUrl() throws IOException {
    write("app.yaml", gitRepo(null, "app", "https://github.com/example/old"));
    start();

    write("app.yaml", gitRepo(null, "app", "https://github.com/example/new"));

    await().until(() -> byRepo("https://github.com/example/new").size() == 1);
    assertThat(byRepo("https://github.com/example/old")).isEmpty();
    assertThat(index.size()).isEqualTo(1);
  }

  @Test
  void dropsTheGitReposAndSecretsOfADeletedFile() throws IOException {
    write("keep.yaml", gitRepo(null, "keep", "https://github.com/example/keep"));
    write(
        "gone.yaml",
        gitRepo(null, "gone", "https://github.com/example/gone")
            + "---\n"
            + secret("gone-secret", "github: x"));
    start();
    assertThat(store.secret("default", "gone-secret")).isPresent();

    Files.delete(dir.resolve("gone.yaml"));

    await().until(() -> index.size() == 1);
    assertThat(byRepo("https://github.com/example/gone")).isEmpty();
    assertThat(store.secret("default", "gone-secret")).isEmpty();
  }

  @Test
  void skipsInvalidFilesAndDocumentsWhileTheRestLoads() throws IOException {
    write("broken.yaml", "spec: [unclosed\n  repo: x\n");
    write(
        "mixed.yaml",
        """
        apiVersion: fleet.cattle.io/v1alpha1
        kind: GitRepo
        metadata:
          name: no-repo
        spec:
          branch: main
        ---
        apiVersion: fleet.cattle.io/v1alpha1
        kind: GitRepo
        spec:
          repo: https://github.com/example/no-name
        ---
        """
            + gitRepo(null, "fine", "https://github.com/example/fine"));
    write("good.yaml", gitRepo(null, "good", "https://github.com/example/good"));

    start();

    assertThat(index.all())
        .extracting(g -> g.id().toString())
        .containsOnly("default/fine", "default/good");
    assertThat(store.isSynced()).isTrue();
    assertThat(store.isReachable()).isTrue();
    assertThat(warnings.messages())
        .anySatisfy(m -> assertThat(m).contains("broken.yaml").contains("document 1"))
        .anySatisfy(m -> assertThat(m).contains("mixed.yaml: document 1").contains("no spec.repo"))
        .anySatisfy(
            m -> assertThat(m).contains("mixed.yaml: document 2").contains("metadata.name"));
  }

  @Test
  void keepsTheGitReposOfAFileWhileItDoesNotParse() throws IOException {
    write("app.yaml", gitRepo(null, "app", "https://github.com/example/app"));
    start();

    write("app.yaml", "apiVersion: [half-saved\n");

    await().until(() -> warnings.messages().stream().anyMatch(m -> m.contains("app.yaml")));
    assertThat(byRepo("https://github.com/example/app")).hasSize(1);
  }

  @Test
  void waitsForAMissingDirectoryToAppear() throws IOException {
    dir = dir.resolve("later");
    start();
    assertThat(store.isReachable()).isFalse();
    assertThat(store.isSynced()).isTrue();

    Files.createDirectory(dir);
    write("app.yaml", gitRepo(null, "app", "https://github.com/example/app"));

    await().until(() -> index.size() == 1);
    assertThat(store.isReachable()).isTrue();
  }

  @Test
  void writesStatusIntoTheFileKeepingEverythingElseAsWritten() throws IOException {
    String original =
        """
        # Our apps, reviewed by the platform team.
        apiVersion: fleet.cattle.io/v1alpha1
        kind: GitRepo
        metadata:
          name: app # the main one
          labels:
            team: platform
        spec:
          repo: "https://github.com/example/app"
          branch: main
          paths:
            - charts/app
            - charts/db

          # polled slowly: webhooks do the work
          pollingInterval: 1h
        ---
        apiVersion: v1
        kind: Secret
        metadata:
          name: hooks
        stringData:
          github: s3cret
        """;
    write("app.yaml", original);
    start();

    assertThat(store.patchStatus(indexed("app"), status(s -> s.setWebhookCommit("abc123"))))
        .isTrue();

    String written = read("app.yaml");
    String[] documents = original.split("---\n");
    assertThat(written)
        .isEqualTo(documents[0] + "status:\n  webhookCommit: abc123\n---\n" + documents[1]);
    assertThat(indexed("app").status().getWebhookCommit()).isEqualTo("abc123");
    assertThat(store.secret("default", "hooks")).contains(Map.of("github", "s3cret"));
  }

  @Test
  void writesStatusInTheIndentationOfTheFile() throws IOException {
    String kubectlStyle =
        """
        apiVersion: fleet.cattle.io/v1alpha1
        kind: GitRepo
        metadata:
          name: app
        spec:
          repo: https://github.com/example/app
          paths:
          - charts/app
        """;
    write("app.yaml", kubectlStyle);
    start();
    var condition = new GitRepoCondition();
    condition.setType("GitPolling");
    condition.setStatus("True");

    store.patchStatus(indexed("app"), status(s -> s.setConditions(List.of(condition))));

    assertThat(read("app.yaml"))
        .isEqualTo(
            kubectlStyle
                + """
                status:
                  conditions:
                  - type: GitPolling
                    status: "True"
                """);
  }

  @Test
  void keepsEarlierStatusFieldsWhenPatchingOthers() throws IOException {
    write("app.yaml", gitRepo(null, "app", "https://github.com/example/app"));
    start();

    store.patchStatus(
        indexed("app"),
        status(
            s -> {
              s.setWebhookCommit("abc123");
              s.setLastWebhookTime("2025-01-02T03:04:05Z");
            }));
    var condition = new GitRepoCondition();
    condition.setType("GitPolling");
    condition.setStatus("True");
    store.patchStatus(
        indexed("app"),
        status(
            s -> {
              s.setCommit("def456");
              s.setConditions(List.of(condition));
            }));

    Map<String, Object> status = statusInFile("app.yaml", "app");
    assertThat(status)
        .containsEntry("webhookCommit", "abc123")
        .containsEntry("lastWebhookTime", "2025-01-02T03:04:05Z")
        .containsEntry("commit", "def456")
        .containsEntry("conditions", List.of(Map.of("type", "GitPolling", "status", "True")));
    assertThat(read("app.yaml")).contains("lastWebhookTime: \"2025-01-02T03:04:05Z\"");
    GitRepo gitRepo = indexed("app");
    assertThat(gitRepo.status().getLastWebhookTime()).isEqualTo("2025-01-02T03:04:05Z");
    assertThat(gitRepo.status().getCommit()).isEqualTo("def456");
  }

  @Test
  void mergesItsConditionIntoTheOnesWrittenInTheFile() throws IOException {
    write(
        "app.yaml",
        gitRepo(null, "app", "https://github.com/example/app")
            + """
            status:
              conditions:
              - type: Ready
                status: "True"
                lastTransitionTime: "2025-01-01T00:00:00Z"
              - type: GitPolling
                status: "False"
                reason: Timeout
            """);
    start();
    var condition = new GitRepoCondition();
    condition.setType("GitPolling");
    condition.setStatus("True");

    store.patchStatus(indexed("app"), status(s -> s.setConditions(List.of(condition))));

    assertThat(statusInFile("app.yaml", "app"))
        .containsEntry(
            "conditions",
            List.of(
                Map.of(
                    "type",
                    "Ready",
                    "status",
                    "True",
                    "lastTransitionTime",
                    "2025-01-01T00:00:00Z"),
                Map.of("type", "GitPolling", "status", "True")));
  }

  @Test
  void concurrentPatchesOfOneFileAllSurvive() throws Exception {
    int gitRepos = 4;
    int threads = 8;
    int patches = 20;
    var manifests = new ArrayList<String>();
    for (int g = 0; g < gitRepos; g++) {
      manifests.add(gitRepo(null, "app" + g, "https://github.com/example/app" + g));
    }
    write("apps.yaml", String.join("---\n", manifests));
    start();

    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      var results = new ArrayList<Future<Boolean>>();
      for (int t = 0; t < threads; t++) {
        int thread = t;
        results.add(
            pool.submit(
                () -> {
                  boolean all = true;
                  for (int i = 0; i < patches; i++) {
                    String value = thread + "-" + i;
                    // Two threads per GitRepo, each owning one field, as webhook and poller do.
                    all &=
                        store.patchStatus(
                            indexed("app" + thread % gitRepos),
                            status(
                                s -> {
                                  if (thread < gitRepos) {
                                    s.setWebhookCommit(value);
                                  } else {
                                    s.setPollingCommit(value);
                                  }
                                }));
                  }
                  return all;
                }));
      }
      for (Future<Boolean> result : results) {
        assertThat(result.get()).isTrue();
      }
    } finally {
      pool.shutdownNow();
    }

    for (int g = 0; g < gitRepos; g++) {
      assertThat(statusInFile("apps.yaml", "app" + g))
          .containsEntry("webhookCommit", g + "-" + (patches - 1))
          .containsEntry("pollingCommit", (g + gitRepos) + "-" + (patches - 1));
      assertThat(indexed("app" + g).status().getPollingCommit())
          .isEqualTo((g + gitRepos) + "-" + (patches - 1));
    }
  }

  @Test
  void keepsASpecEditSavedJustBeforeAPatch() throws IOException {
    write("app.yaml", gitRepo(null, "app", "https://github.com/example/app"));
    start();
    GitRepo before = indexed("app");

    write(
        "app.yaml",
        gitRepo(null, "app", "https://github.com/example/moved") + "  branch: release\n");
    assertThat(store.patchStatus(before, status(s -> s.setWebhookCommit("abc123")))).isTrue();

    Map<String, Object> manifest = documents(read("app.yaml")).get(0);
    assertThat(manifest.get("spec"))
        .isEqualTo(Map.of("repo", "https://github.com/example/moved", "branch", "release"));
    assertThat(statusInFile("app.yaml", "app")).containsEntry("webhookCommit", "abc123");
    assertThat(byRepo("https://github.com/example/moved")).hasSize(1);
  }

  @Test
  void neverShowsAHalfWrittenFile() throws Exception {
    write(
        "apps.yaml",
        gitRepo(null, "a", "https://github.com/example/a")
            + "---\n"
            + gitRepo(null, "b", "https://github.com/example/b"));
    start();
    var done = new AtomicBoolean();
    var reads = new AtomicInteger();
    var failures = new ConcurrentLinkedQueue<String>();
    Thread reader =
        new Thread(
            () -> {
              while (!done.get()) {
                try {
                  List<Map<String, Object>> documents = documents(read("apps.yaml"));
                  if (documents.size() != 2) {
                    failures.add(documents.size() + " documents");
                  }
                  reads.incrementAndGet();
                } catch (IOException | RuntimeException e) {
                  failures.add(e.toString());
                }
              }
            });
    reader.start();
    try {
      for (int i = 0; i < 100; i++) {
        String value = "commit-" + i;
        store.patchStatus(indexed(i % 2 == 0 ? "a" : "b"), status(s -> s.setCommit(value)));
      }
    } finally {
      done.set(true);
      reader.join();
    }

    assertThat(reads.get()).isPositive();
    assertThat(failures).isEmpty();
  }

  @Test
  void patchOfAnUnknownGitRepoReturnsFalse() throws IOException {
    write("app.yaml", gitRepo(null, "app", "https://github.com/example/app"));
    start();
    GitRepo unknown = indexed("app");
    unknown.getMetadata().setName("unknown");

    assertThat(store.patchStatus(unknown, status(s -> s.setWebhookCommit("abc")))).isFalse();
    assertThat(read("app.yaml")).doesNotContain("status");
  }

  @Test
  void neverLogsSecretValues() throws IOException {
    write(
        "secrets.yaml",
        secret("bad", "github: [not, a, string]\n  other: \"!!!not-base64\"")
            .replace("stringData", "data"));
    write("unclosed.yaml", secret("unclosed", "github: \"s3cret-value\n"));
    start();

    assertThat(warnings.messages())
        .anySatisfy(m -> assertThat(m).contains("secrets.yaml").contains("default/bad"))
        .anySatisfy(m -> assertThat(m).contains("unclosed.yaml").contains("line"))
        .allSatisfy(
            m ->
                assertThat(m)
                    .doesNotContain("not-base64")
                    .doesNotContain("not, a")
                    .doesNotContain("s3cret"));
    assertThat(store.secret("default", "bad")).isEmpty();
  }

  private void start() {
    store = new FileGitRepoStore();
    store.index = index;
    store.dir = dir.toString();
    store.start();
  }

  private GitRepo indexed(String name) {
    return index.get("default", name).orElseThrow();
  }

  private Collection<GitRepo> byRepo(String url) {
    return index.byRepoKey(RepoKey.of(url).orElseThrow());
  }

  private void write(String file, String content) throws IOException {
    Files.writeString(dir.resolve(file), content);
  }

  private String read(String file) throws IOException {
    return Files.readString(dir.resolve(file));
  }

  @SuppressWarnings("unchecked")
  private Map<String, Object> statusInFile(String file, String name) throws IOException {
    return documents(read(file)).stream()
        .filter(d -> name.equals(((Map<String, Object>) d.get("metadata")).get("name")))
        .map(d -> (Map<String, Object>) d.get("status"))
        .findFirst()
        .orElseThrow();
  }

  @SuppressWarnings("unchecked")
  private static List<Map<String, Object>> documents(String yaml) {
    var documents = new ArrayList<Map<String, Object>>();
    new Yaml(new SafeConstructor(new LoaderOptions()))
        .loadAll(yaml)
        .forEach(d -> documents.add((Map<String, Object>) d));
    return documents;
  }

  private static GitRepoStatus status(java.util.function.Consumer<GitRepoStatus> fields) {
    var status = new GitRepoStatus();
    fields.accept(status);
    return status;
  }

  private static String gitRepo(String namespace, String name, String repo) {
    return """
        apiVersion: fleet.cattle.io/v1alpha1
        kind: GitRepo
        metadata:
          name: %s
        %sspec:
          repo: %s
        """
        .formatted(name, namespace == null ? "" : "  namespace: " + namespace + "\n", repo);
  }

  private static String secret(String name, String stringData) {
    return """
        apiVersion: v1
        kind: Secret
        metadata:
          name: %s
        stringData:
          %s
        """
        .formatted(name, stringData);
  }

  /** The store's warnings, as a user reads them in the log. */
  private static final class Warnings extends Handler {
    private final ConcurrentLinkedQueue<String> messages = new ConcurrentLinkedQueue<>();

    List<String> messages() {
      return List.copyOf(messages);
    }

    @Override
    public void publish(LogRecord record) {
      if (record.getLevel().intValue() >= Level.WARNING.intValue()) {
        messages.add(record.getMessage());
      }
    }

    @Override
    public void flush() {}

    @Override
    public void close() {}
  }
}
