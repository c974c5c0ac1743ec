package io.gitwatch.webhook;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.eclipse.microprofile.metrics.Counter;
import org.eclipse.microprofile.metrics.MetricRegistry;
import org.eclipse.microprofile.metrics.Tag;
import org.eclipse.microprofile.metrics.Timer;

/**
 * The webhook's Prometheus series: deliveries by receiver, provider, kind and status, their
 * latency, verification failures and GitRepos updated. Labels come from closed sets only (never a
 * header value), so a caller cannot blow up the series count.
 */
@ApplicationScoped
public class WebhookMetrics {

  @Inject MetricRegistry registry;

  // Looked up once per label set: a registry lookup with tags cost about 5 % of a delivery.
  private final Map<Labels, Counter> deliveries = new ConcurrentHashMap<>();
  private final Map<String, Timer> durations = new ConcurrentHashMap<>();
  private final Map<String, Counter> verificationFailures = new ConcurrentHashMap<>();

  private record Labels(String provider, String kind, int status, String receiver) {}

  /** One answered delivery. */
  void delivered(DeliveryLog seen, int status, Duration took) {
    String provider = seen.providerLabel();
    var labels =
        new Labels(
            provider,
            seen.kind == null ? "none" : seen.kind.name().toLowerCase(),
            status,
            seen.receiver.label());
    deliveries.computeIfAbsent(labels, this::deliveriesCounter).inc();
    durations
        .computeIfAbsent(
            provider, p -> registry.timer("gitwatch_webhook_duration", new Tag("provider", p)))
        .update(took);
    if (status == 401) {
      verificationFailures
          .computeIfAbsent(
              provider,
              p ->
                  registry.counter(
                      "gitwatch_webhook_verification_failures", new Tag("provider", p)))
          .inc();
    }
  }

  void updated(int gitRepos) {
    registry.counter("gitwatch_webhook_gitrepos_updated").inc(gitRepos);
  }

  private Counter deliveriesCounter(Labels labels) {
    return registry.counter(
        "gitwatch_webhook_deliveries",
        new Tag("provider", labels.provider()),
        new Tag("kind", labels.kind()),
        new Tag("status", Integer.toString(labels.status())),
        new Tag("receiver", labels.receiver()));
  }
}
