package io.gitwatch.webhook;

import io.gitwatch.gitrepo.RepoKey;
import java.util.List;
import java.util.logging.Logger;
import java.util.stream.Collectors;

/**
 * What is known of one delivery while it is handled, for its one log line and its metrics:
 * identifiers only, never a body or a secret.
 */
final class DeliveryLog {

  private static final Logger LOG = Logger.getLogger(WebhookResource.class.getName());

  Provider provider;
  Provider.Kind kind;
  String event;
  String deliveryId = "";
  Push push;
  List<String> matched = List.of();
  List<String> updated = List.of();

  /** Logs the delivery's line, ending with how it was answered. */
  void answered(String status) {
    LOG.info(() -> line(status));
  }

  String line(String status) {
    String refs =
        push == null
            ? ""
            : push.updates().stream()
                .map(u -> u.ref() + "@" + u.commit())
                .collect(Collectors.joining(","));
    String repo =
        push == null || push.repoUrls().isEmpty()
            ? ""
            : RepoKey.of(push.repoUrls().get(0)).map(RepoKey::toString).orElse("");
    return "webhook provider="
        + (provider == null ? "unknown" : provider.label())
        + " event="
        + event
        + " delivery="
        + deliveryId
        + " repo="
        + repo
        + " refs="
        + refs
        + " matched="
        + matched
        + " updated="
        + updated
        + " status="
        + status;
  }
}
