package io.gitwatch.webhook;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.gitwatch.gitrepo.GitRepo;
import io.gitwatch.gitrepo.GitRepoIndex;
import io.gitwatch.gitrepo.GitRepoSpec;
import io.gitwatch.gitrepo.Restrictions;
import io.gitwatch.testing.Fuzzing;
import jakarta.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Any request an outsider can send — any headers, a JSON or a form body — ends in an answer or a
 * 4xx {@link Rejection} along the whole path {@code WebhookResource} takes before it writes:
 * provider detection (by header, or by body for Azure DevOps), payload, event, delivery id, push,
 * the GitRepos it matches, the signature check, and a log line without control characters.
 *
 * <p>The input is a request as text: header lines ({@code Name: value}, ISO-8859-1 as on the wire),
 * an empty line, the body. Seeds: one JSON and one form request per provider, in {@code
 * src/test/resources/io/gitwatch/webhook/DeliveryFuzzTestInputs/request}.
 */
class DeliveryFuzzTest {

  private static final Providers PROVIDERS =
      new Providers(true, "https://bitbucket.example.com"); // every code path, SHA-1 included
  private static final PayloadReader PAYLOADS = new PayloadReader(64, 64);
  private static final Recipients RECIPIENTS =
      new Recipients(index(), null, namespace -> Restrictions.NONE); // matching only
  private static final WebhookSecret SECRET =
      WebhookSecret.of(
          Map.of(
              "github", "s3cret",
              "gitlab", "s3cret",
              "bitbucket", "s3cret\n{00000000-0000-0000-0000-000000000000}",
              "bitbucket-server", "s3cret",
              "gogs", "s3cret",
              "gitea", "s3cret",
              "azure-username", "u",
              "azure-password", "p"));

  @DictionaryEntries({
    // No line breaks: Jazzer 0.24 writes them into its dictionary file unescaped, and libFuzzer
    // then refuses the dictionary.
    "Content-Type: application/x-www-form-urlencoded",
    "Content-Type: application/json",
    "payload=",
    "X-GitHub-Event: ",
    "X-Hub-Signature-256: sha256=",
    "X-Hub-Signature: sha1=",
    "X-Gitlab-Event: ",
    "X-Gitlab-Token: ",
    "Idempotency-Key: ",
    "X-Event-Key: ",
    "X-Hook-UUID: ",
    "X-Request-UUID: ",
    "X-Request-Id: ",
    "X-Gogs-Event: ",
    "X-Gogs-Signature: ",
    "X-Gitea-Event: ",
    "X-Gitea-Signature: ",
    "X-Forgejo-Event: ",
    "X-Forgejo-Signature: ",
    "X-Vss-ActivityId: ",
    "X-Vss-SubscriptionId: ",
    "Authorization: Basic ",
    "System Hook",
    "Tag Push Hook",
    "repo:refs_changed",
    "diagnostics:ping",
    "\"publisherId\":\"tfs\"",
    "\"eventType\":\"git.push\""
  })
  @FuzzTest(maxDuration = Fuzzing.DURATION)
  void request(byte[] request) {
    int blank = indexOf(request, new byte[] {'\n', '\n'});
    int bodyStart = blank < 0 ? request.length : blank + 2;
    String head = new String(request, 0, Math.max(blank, 0), StandardCharsets.ISO_8859_1);
    byte[] body = Arrays.copyOfRange(request, bodyStart, request.length);
    Map<String, String> headers = new HashMap<>();
    for (String line : head.split("\n")) {
      int colon = line.indexOf(':');
      if (colon > 0) {
        // WebhookResource takes each header's first value.
        headers.putIfAbsent(line.substring(0, colon).strip(), line.substring(colon + 1).strip());
      }
    }
    DeliveryLog seen = new DeliveryLog();
    try {
      answer(seen, headers, body);
    } catch (Rejection rejection) {
      assertTrue(
          rejection.status() >= 400 && rejection.status() < 500,
          "status " + rejection.status() + ": " + rejection.getMessage());
      assertEscaped(seen.line(rejection.status() + " " + rejection.cause()));
    }
  }

  /** What WebhookResource does with a delivery that passed its size check, up to the write. */
  private static void answer(DeliveryLog seen, Map<String, String> headers, byte[] body) {
    if (body.length == 0) {
      return; // a 400 before any parsing
    }
    String contentType = headers.getOrDefault("Content-Type", "").toLowerCase(Locale.ROOT);
    Delivery delivery =
        contentType.startsWith(Delivery.FORM)
            ? Delivery.form(headers, body)
            : Delivery.json(headers, body);
    Provider provider = PROVIDERS.detect(delivery, () -> PAYLOADS.readOrNull(delivery.payload()));
    if (provider == null) {
      return; // a 400
    }
    seen.provider = provider;
    JsonObject json = PAYLOADS.read(delivery.payload());
    String event = seen.event = provider.event(delivery, json);
    seen.deliveryId = provider.deliveryId(delivery, json);
    assertNotNull(seen.deliveryId);
    seen.kind = provider.kind(event, json);
    if (seen.kind == Provider.Kind.PUSH) {
      Push push = seen.push = provider.parse(event, seen.deliveryId, json);
      ProviderFuzzTest.check(provider, event, push);
      seen.matched =
          RECIPIENTS.matching(push).stream().map(t -> t.gitRepo().id().toString()).toList();
      assertNotNull(provider.verify(delivery, SECRET).reason());
    }
    assertEscaped(seen.line("200"));
  }

  private static void assertEscaped(String logLine) {
    assertFalse(
        logLine.chars().anyMatch(c -> c < ' ' || c == 0x7f || c == 0x2028 || c == 0x2029),
        "unescaped control character in the log line " + logLine);
  }

  /** GitRepos on every seed's repository: one per branch, tag and default-branch rule. */
  private static GitRepoIndex index() {
    GitRepoIndex index = new GitRepoIndex();
    String[] repos = {
      "https://github.com/acme/deploy",
      "https://gitlab.example.com/acme/platform/deploy",
      "https://bitbucket.org/acme/deploy",
      "https://bitbucket.example.com/scm/ops/deploy.git",
      "https://gogs.example.com/acme/deploy",
      "https://gitea.example.com/acme/deploy",
      "https://dev.azure.com/acme/platform/_git/deploy"
    };
    int n = 0;
    for (String repo : repos) {
      for (String[] rule : new String[][] {{"main", null}, {null, "v2.0.0"}, {null, null}}) {
        GitRepoSpec spec = new GitRepoSpec();
        spec.setRepo(repo);
        spec.setBranch(rule[0]);
        spec.setRevision(rule[1]);
        GitRepo gitRepo = new GitRepo();
        gitRepo.setMetadata(
            new ObjectMetaBuilder().withNamespace("fleet-local").withName("r" + n++).build());
        gitRepo.setSpec(spec);
        index.put(gitRepo);
      }
    }
    return index;
  }

  private static int indexOf(byte[] bytes, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= bytes.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (bytes[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }
}
