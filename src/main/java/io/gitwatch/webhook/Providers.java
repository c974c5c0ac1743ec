package io.gitwatch.webhook;

import jakarta.json.JsonObject;
import java.util.List;
import java.util.function.Supplier;

/** The providers we accept webhooks from, in the order that tells them apart (Fleet's). */
final class Providers {

  static final Providers DEFAULTS = new Providers(false, null);

  private final List<Provider> inDetectionOrder;

  /**
   * @param allowSha1 whether GitHub's legacy {@code X-Hub-Signature: sha1=} is accepted when no
   *     SHA-256 signature is sent
   * @param bitbucketServerUrl the Bitbucket Server base URL, to identify repositories in old
   *     payloads that carry no links; may be null
   */
  Providers(boolean allowSha1, String bitbucketServerUrl) {
    inDetectionOrder =
        List.of(
            // Gitea/Forgejo and Gogs also send X-GitHub-Event: they come before GitHub.
            new Gitea(),
            new Gogs(),
            new GitHub(allowSha1),
            new GitLab(),
            // Both Bitbucket flavours send X-Event-Key; only Cloud sends X-Hook-UUID.
            new BitbucketCloud(),
            new BitbucketServer(bitbucketServerUrl),
            // May send no header of its own: recognised by its body when nothing else matched.
            new AzureDevOps());
  }

  List<Provider> all() {
    return inDetectionOrder;
  }

  /**
   * Recognises the provider from the headers or, failing that, from the body, which is read only in
   * that last case.
   *
   * @return the provider, or null when nothing identifies one
   */
  Provider detect(Delivery delivery, Supplier<JsonObject> body) {
    for (Provider provider : inDetectionOrder) {
      if (provider.sentBy(delivery)) {
        return provider;
      }
    }
    JsonObject json = body.get();
    if (json != null) {
      for (Provider provider : inDetectionOrder) {
        if (provider.sentBy(json)) {
          return provider;
        }
      }
    }
    return null;
  }
}
