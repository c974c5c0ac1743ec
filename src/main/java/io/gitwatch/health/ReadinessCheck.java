package io.gitwatch.health;

import io.gitwatch.gitrepo.GitRepoIndex;
import io.gitwatch.gitrepo.GitRepoStore;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * Ready when the GitRepos are loaded and their store answers: only then can a delivery be matched.
 */
@Readiness
@ApplicationScoped
public class ReadinessCheck implements HealthCheck {

  @Inject GitRepoStore store;
  @Inject GitRepoIndex index;

  @Override
  public HealthCheckResponse call() {
    return HealthCheckResponse.named("gitrepo-store")
        .status(store.isSynced() && store.isReachable())
        .withData("synced", store.isSynced())
        .withData("reachable", store.isReachable())
        .withData("gitrepos", index.size())
        .build();
  }
}
