package io.gitwatch.health;

import io.gitwatch.gitrepo.GitRepoIndex;
import io.gitwatch.gitrepo.GitRepoStore;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Startup;

/** Started once the initial load of GitRepos has completed. */
@Startup
@ApplicationScoped
public class StartupCheck implements HealthCheck {

  @Inject GitRepoStore store;
  @Inject GitRepoIndex index;

  @Override
  public HealthCheckResponse call() {
    return HealthCheckResponse.named("initial-sync")
        .status(store.isSynced())
        .withData("gitrepos", index.size())
        .build();
  }
}
