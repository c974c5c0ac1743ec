package io.gitwatch.polling;

import io.gitwatch.gitrepo.Admission;
import io.gitwatch.gitrepo.GitRepo;
import io.gitwatch.gitrepo.GitRepoChanged;
import io.gitwatch.gitrepo.GitRepoId;
import io.gitwatch.gitrepo.GitRepoStore;
import io.gitwatch.gitrepo.OrderedWrites;
import io.gitwatch.gitrepo.StoreUnavailable;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.Reception;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Logger;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.metrics.MetricRegistry;
import org.eclipse.microprofile.metrics.Tag;

/**
 * Polls one GitRepo: checks it against its namespace's restrictions and the egress policy, resolves
 * its credentials, asks the remote (through {@link RemoteHeads}, which shares ls-remotes between
 * GitRepos of one repository) for the head of the ref it tracks, and fires {@link Polled} with what
 * was found.
 */
@ApplicationScoped
public class Poller {

  /** The term of a poll that any replica may write: one a webhook asked for. */
  public static final long ANY_TERM = -1;

  private static final Logger LOG = Logger.getLogger(Poller.class.getName());
  // A failing repository repeats its Warning event at most this often, unless the failure changes.
  private static final Duration FAILURE_EVENT_EVERY = Duration.ofMinutes(10);

  @Inject GitRepoStore store;
  @Inject PollCredentials credentials;
  @Inject PollingLease lease;
  @Inject Event<Polled> polled;
  @Inject MetricRegistry metrics;

  @Inject
  @ConfigProperty(name = "gitwatch.polling.timeout", defaultValue = "30s")
  Duration timeout;

  @Inject
  @ConfigProperty(name = "gitwatch.polling.max-advertisement-bytes", defaultValue = "8388608")
  long maxAdvertisementBytes;

  @Inject
  @ConfigProperty(name = "gitwatch.polling.max-concurrent", defaultValue = "16")
  int maxConcurrent;

  @Inject
  @ConfigProperty(name = "gitwatch.polling.max-shared-bytes", defaultValue = "67108864")
  long maxSharedBytes;

  @Inject
  @ConfigProperty(name = "gitwatch.polling.allowed-schemes")
  Optional<String> allowedSchemes;

  @Inject
  @ConfigProperty(
      name = "gitwatch.polling.denied-networks",
      defaultValue = EgressPolicy.DEFAULT_DENIED_NETWORKS)
  String deniedNetworks;

  private RemoteHeads remoteHeads;
  // Polls of one GitRepo overlap (a scheduled one and those after webhooks): the answer asked last
  // is recorded last, or not at all, so commit never moves back to an older head.
  private final OrderedWrites answerOrder = new OrderedWrites();
  private volatile Instant lastSuccess;
  private final Map<GitRepoId, Reported> reportedFailures = new ConcurrentHashMap<>();

  private record Reported(String message, long atNanos) {}

  /**
   * One poll: what the remote said, and whether it was recorded on the GitRepo (not when the status
   * write failed, nor when the Lease term it ran in ended meanwhile), or superseded: not recorded,
   * because a newer answer for the GitRepo already was.
   */
  public record Outcome(Polled polled, boolean recorded, boolean superseded) {
    public boolean succeeded() {
      return polled.succeeded() && (recorded || superseded);
    }
  }

  @PostConstruct
  void init() {
    EgressPolicy egress =
        EgressPolicy.of(
            allowedSchemes
                .filter(s -> !s.isBlank())
                .orElse(EgressPolicy.defaultSchemes(store.isLocal())),
            deniedNetworks);
    LOG.info("Polling egress: " + egress);
    remoteHeads =
        new RemoteHeads(
            new RemoteHeads.Limits(timeout, maxAdvertisementBytes, maxConcurrent, maxSharedBytes),
            egress,
            Proxies.fromEnvironment(System.getenv()));
    // Calls that really reach a remote; shared answers are not counted.
    remoteHeads.onRemoteCall(() -> metrics.counter("gitwatch_ls_remote_calls").inc());
  }

  /**
   * Polls the GitRepo and records what the remote said.
   *
   * @param sharedSinceNanos the {@link System#nanoTime()} instant from which on a started ls-remote
   *     of the same repository is shared; now asks the remote now
   * @param term the Lease term a scheduled poll runs in, or {@link #ANY_TERM}
   * @throws RemoteHeads.Busy when the repository's ls-remote is in flight, or every slot is taken:
   *     nothing happened, try again soon
   */
  public Outcome poll(GitRepo gitRepo, long sharedSinceNanos, long term) {
    Instant at = Instant.now();
    long start = System.nanoTime();
    Polled result = ask(gitRepo, sharedSinceNanos, at);
    String outcome = result.succeeded() ? "success" : "failure";
    boolean recorded = false;
    boolean superseded = false;
    if (term != ANY_TERM && !lease.holds(term)) {
      // The Lease moved on while the remote was asked: the new holder polls and writes.
      outcome = "lease_lost";
    } else {
      try {
        recorded =
            answerOrder.write(
                gitRepo.id(),
                result.askedNanos(),
                () -> {
                  report(gitRepo, result);
                  polled.fire(result);
                  return true;
                });
        if (!recorded) {
          superseded = true;
          outcome = "superseded";
        }
      } catch (StoreUnavailable e) {
        // The remote answered but its answer could not be recorded: a failed poll, retried with
        // backoff, and decided again then against the status the API server really holds.
        LOG.info(() -> "poll of " + gitRepo.id() + ": " + e.getMessage());
        outcome = "write_failed";
      }
    }
    metrics.counter("gitwatch_polls", new Tag("outcome", outcome)).inc();
    metrics.timer("gitwatch_poll_duration").update(Duration.ofNanos(System.nanoTime() - start));
    if (outcome.equals("success")) {
      lastSuccess = at;
    }
    return new Outcome(result, recorded, superseded);
  }

  /** When a poll last succeeded, or null before the first. */
  public Instant lastSuccess() {
    return lastSuccess;
  }

  /** Forgets the order of a deleted GitRepo's answers. */
  // Only if it exists: creating the Poller for this event would read the store's isLocal() while
  // the file store, still starting, fires its first GitRepos; that started a second store, and so
  // on until the stack overflowed (one leaked inotify watch each).
  void onChanged(@Observes(notifyObserver = Reception.IF_EXISTS) GitRepoChanged change) {
    if (change.current() == null) {
      answerOrder.forget(change.previous().id());
    }
  }

  private Polled ask(GitRepo gitRepo, long sharedSinceNanos, Instant at) {
    long began = System.nanoTime();
    try {
      Admission admission =
          store.restrictions(gitRepo.getMetadata().getNamespace()).admit(gitRepo.spec());
      if (!admission.allowed()) {
        // Nothing is read or contacted for a GitRepo its namespace's restrictions refuse.
        throw new RemoteHeadsException(FailureReason.RESTRICTED, admission.refusal());
      }
      remoteHeads.check(gitRepo.spec().getRepo()); // refused before any Secret is read
      Credentials auth = credentials.of(gitRepo, admission);
      RemoteHeads.Answer answer = remoteHeads.poll(gitRepo.spec(), auth, sharedSinceNanos);
      return Polled.found(
          gitRepo, at, answer, PollingInterval.problem(gitRepo.spec()).orElse(null));
    } catch (RemoteHeadsException e) {
      if (e.detail() != null) {
        LOG.info(() -> "poll of " + gitRepo.id() + ": " + e.reason().code() + ": " + e.detail());
      }
      return Polled.failed(gitRepo, at, e.reason(), e.getMessage(), began);
    }
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
    LOG.info(
        () ->
            "poll of "
                + gitRepo.id()
                + " failed: "
                + result.reason().code()
                + ": "
                + RemoteHeadsException.escaped(result.failure()));
    Reported last = reportedFailures.get(gitRepo.id());
    long now = System.nanoTime();
    if (last == null
        || !Objects.equals(last.message(), result.failure())
        || now - last.atNanos() > FAILURE_EVENT_EVERY.toNanos()) {
      reportedFailures.put(gitRepo.id(), new Reported(result.failure(), now));
      store.recordEvent(
          gitRepo, true, "FailedToCheckCommit", result.reason().code() + ": " + result.failure());
    }
  }
}
