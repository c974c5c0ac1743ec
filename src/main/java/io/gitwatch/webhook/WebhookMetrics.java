package io.gitwatch.webhook;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import org.eclipse.microprofile.metrics.MetricRegistry;
import org.eclipse.microprofile.metrics.Tag;

/**
 * The webhook's Prometheus series: deliveries by receiver, provider, kind and status, their
 * latency, verification failures and GitRepos updated. Labels come from closed sets only (never a
 * header value), so a caller cannot blow up the series count.
 */
@ApplicationScoped
public class WebhookMetrics {

  @Inject MetricRegistry registry;

  /** One answered delivery. */
  void delivered(DeliveryLog seen, int status, Duration took) {
    Tag[] tags = {
      new Tag("provider", seen.providerLabel()),
      new Tag("kind", seen.kind == null ? "none" : seen.kind.name().toLowerCase()),
      new Tag("status", Integer.toString(status)),
      new Tag("receiver", seen.receiver.label())
    };
    registry.counter("gitwatch_webhook_deliveries", tags).inc();
    registry.timer("gitwatch_webhook_duration", tags[0]).update(took);
    if (status == 401) {
      registry.counter("gitwatch_webhook_verification_failures", tags[0]).inc();
    }
  }

  void updated(int gitRepos) {
    registry.counter("gitwatch_webhook_gitrepos_updated").inc(gitRepos);
  }
}
