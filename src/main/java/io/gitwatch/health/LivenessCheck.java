package io.gitwatch.health;

import io.gitwatch.polling.PollScheduler;
import io.gitwatch.polling.Poller;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Liveness;

/**
 * Alive unless a poll is stuck: every remote call has a timeout, so a poll running far past it
 * means a wedged worker that only a restart frees.
 */
@Liveness
@ApplicationScoped
public class LivenessCheck implements HealthCheck {

  @Inject PollScheduler scheduler;
  @Inject Poller poller;

  @Inject
  @ConfigProperty(name = "gitwatch.polling.timeout", defaultValue = "30s")
  Duration timeout;

  @Override
  public HealthCheckResponse call() {
    Duration longest = scheduler.longestInFlight();
    // Every remote call ends within the timeout; a poll far past it is a wedged worker.
    Duration limit = timeout.multipliedBy(4).plusMinutes(1);
    Instant lastSuccess = poller.lastSuccess();
    return HealthCheckResponse.named("polling")
        .status(longest.compareTo(limit) < 0)
        .withData("gitreposScheduled", scheduler.scheduled())
        .withData("pollsInFlight", scheduler.inFlight())
        .withData("longestPollSeconds", longest.toSeconds())
        .withData(
            "lastSuccessfulPollAgeSeconds",
            lastSuccess == null ? -1 : Duration.between(lastSuccess, Instant.now()).toSeconds())
        .build();
  }
}
