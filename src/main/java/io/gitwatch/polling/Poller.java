package io.gitwatch.polling;

import io.gitwatch.gitrepo.GitRepo;
import io.gitwatch.gitrepo.GitRepoIndex;
import io.gitwatch.gitrepo.GitRepoSpec;
import io.gitwatch.gitrepo.GitRepoStore;
import io.gitwatch.gitrepo.StoreUnavailable;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Logger;
import java.util.regex.Pattern;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.metrics.MetricRegistry;
import org.eclipse.microprofile.metrics.Tag;

/**
 * Polls one GitRepo: resolves its credentials, asks the remote for the head of the ref it tracks,
 * and fires {@link Polled} with what the remote said. GitRepos on the same URL with the same
 * credentials share one ls-remote per interval: one answer lists every branch and tag.
 */
@ApplicationScoped
public class Poller {

  private static final Logger LOG = Logger.getLogger(Poller.class.getName());
  private static final Pattern FULL_SHA = Pattern.compile("[0-9a-fA-F]{40}|[0-9a-fA-F]{64}");
  // A failing repository repeats its Warning event at most this often, unless the failure changes.
  private static final Duration FAILURE_EVENT_EVERY = Duration.ofMinutes(10);

  @Inject GitRepoStore store;
  @Inject GitRepoIndex index;
  @Inject Event<Polled> polled;
  @Inject MetricRegistry metrics;

  @Inject
  @ConfigProperty(name = "gitwatch.polling.timeout", defaultValue = "30s")
  String timeout;

  private RemoteHeads remoteHeads;
  private volatile Instant lastSuccess;
  private final Map<Source, Listed> recent = new ConcurrentHashMap<>();
  private final Map<Source, Object> sourceLocks = new ConcurrentHashMap<>();
  private final Map<String, Reported> reportedFailures = new ConcurrentHashMap<>();

  /** Where refs come from: equal sources give equal answers. */
  private record Source(String url, Credentials credentials, TransportOptions options) {}

  private record Listed(Refs refs, long atNanos) {}

  private record Reported(String message, long atNanos) {}

  @PostConstruct
  void init() {
    remoteHeads = new RemoteHeads(PollingInterval.parseGo(timeout));
  }

  /**
   * Polls the GitRepo as the index knows it now.
   *
   * @param maxAge how old a shared ls-remote answer may be; zero asks the remote now
   * @return true when the remote answered (or the GitRepo is gone), false when the poll failed
   */
  public boolean poll(String namespace, String name, Duration maxAge) {
    GitRepo gitRepo = index.get(namespace, name).orElse(null);
    if (gitRepo == null) {
      return true;
    }
    Instant at = Instant.now();
    long start = System.nanoTime();
    Polled result;
    try {
      result = Polled.found(latest(gitRepo), at, head(gitRepo, maxAge).commit());
    } catch (RemoteHeadsException e) {
      result = Polled.failed(latest(gitRepo), at, e.getMessage());
    } catch (StoreUnavailable e) {
      result = Polled.failed(latest(gitRepo), at, "the credentials Secret could not be read");
    }
    String outcome = result.succeeded() ? "success" : "failure";
    try {
      report(gitRepo, result);
      polled.fire(result);
    } catch (StoreUnavailable e) {
      // The remote answered but its answer could not be recorded: a failed poll, retried with
      // backoff, and decided again then against the status the API server really holds.
      LOG.info(() -> "poll of " + gitRepo.id() + ": " + e.getMessage());
      outcome = "write_failed";
    }
    metrics.counter("gitwatch_polls", new Tag("outcome", outcome)).inc();
    metrics.timer("gitwatch_poll_duration").update(Duration.ofNanos(System.nanoTime() - start));
    if (outcome.equals("success")) {
      lastSuccess = at;
    }
    return outcome.equals("success");
  }

  /** When a poll last succeeded, or null before the first. */
  public Instant lastSuccess() {
    return lastSuccess;
  }

  private Head head(GitRepo gitRepo, Duration maxAge) {
    GitRepoSpec spec = gitRepo.spec();
    Credentials credentials = credentials(gitRepo);
    String revision = spec.getRevision();
    if (revision != null && FULL_SHA.matcher(revision.trim()).matches()) {
      return remoteHeads.resolve(spec, credentials); // a pinned commit: the remote is not asked
    }
    var source = new Source(spec.getRepo(), credentials, TransportOptions.of(spec));
    return RemoteHeads.pick(refs(source, maxAge), spec);
  }

  private Refs refs(Source source, Duration maxAge) {
    // One ls-remote at a time per source, so GitRepos polled together share its answer.
    synchronized (sourceLocks.computeIfAbsent(source, s -> new Object())) {
      Listed listed = recent.get(source);
      if (listed != null && System.nanoTime() - listed.atNanos() < maxAge.toNanos()) {
        return listed.refs();
      }
      metrics.counter("gitwatch_ls_remote_calls").inc();
      Refs refs = remoteHeads.listRefs(source.url(), source.credentials(), source.options());
      recent.put(source, new Listed(refs, System.nanoTime()));
      return refs;
    }
  }

  private Credentials credentials(GitRepo gitRepo) {
    String secretName = gitRepo.spec().getClientSecretName();
    if (secretName == null || secretName.isBlank()) {
      return Credentials.none();
    }
    String namespace = gitRepo.getMetadata().getNamespace();
    Map<String, String> data =
        store
            .secret(namespace, secretName.trim())
            .orElseThrow(
                () ->
                    new RemoteHeadsException(
                        "clientSecretName "
                            + secretName
                            + " does not exist in namespace "
                            + namespace));
    return Credentials.fromSecret(null, data);
  }

  // Events for users: every new commit, and failures rate-limited so a broken repo does not flood.
  private void report(GitRepo gitRepo, Polled result) {
    if (result.succeeded()) {
      reportedFailures.remove(gitRepo.id());
      if (!result.commit().equals(gitRepo.status().getCommit())) {
        store.recordEvent(gitRepo, false, "GotNewCommit", result.commit());
      }
      return;
    }
    LOG.info(() -> "poll of " + gitRepo.id() + " failed: " + result.failure());
    Reported last = reportedFailures.get(gitRepo.id());
    long now = System.nanoTime();
    if (last == null
        || !Objects.equals(last.message(), result.failure())
        || now - last.atNanos() > FAILURE_EVENT_EVERY.toNanos()) {
      reportedFailures.put(gitRepo.id(), new Reported(result.failure(), now));
      store.recordEvent(gitRepo, true, "FailedToCheckCommit", result.failure());
    }
  }

  // The status may have moved while the remote was asked (a webhook write): decide on the newest.
  private GitRepo latest(GitRepo gitRepo) {
    return index
        .get(gitRepo.getMetadata().getNamespace(), gitRepo.getMetadata().getName())
        .orElse(gitRepo);
  }
}
