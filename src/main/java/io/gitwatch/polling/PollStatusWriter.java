package io.gitwatch.polling;

import io.gitwatch.gitrepo.GitRepo;
import io.gitwatch.gitrepo.GitRepoCondition;
import io.gitwatch.gitrepo.GitRepoStatus;
import io.gitwatch.gitrepo.GitRepoStore;
import jakarta.ejb.Stateless;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Objects;
import java.util.logging.Logger;

/**
 * Writes what polling owns: {@code commit}, {@code pollingCommit}, {@code lastPollingTriggered} and
 * the {@code GitPolling} condition, in one merge patch, and only when something changed, so an
 * unchanged head costs no API write.
 */
@Stateless
@TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
public class PollStatusWriter {

  private static final Logger LOG = Logger.getLogger(PollStatusWriter.class.getName());
  static final String GIT_POLLING = "GitPolling";
  static final String INVALID_POLLING_INTERVAL = "InvalidPollingInterval";

  @Inject GitRepoStore store;

  public void onPolled(@Observes Polled polled) {
    GitRepo gitRepo = polled.gitRepo();
    GitRepoStatus status = gitRepo.status();
    String time = polled.at().truncatedTo(ChronoUnit.SECONDS).toString();
    var patch = new GitRepoStatus();
    boolean changed;
    if (polled.succeeded()) {
      // An ignored spec field is said on the condition, so the user sees it where they look.
      String reason = polled.notice() == null ? null : INVALID_POLLING_INTERVAL;
      changed =
          !polled.commit().equals(status.getCommit())
              || !polled.commit().equals(status.getPollingCommit())
              || !hasCondition(status, "True", blank(reason), blank(polled.notice()));
      patch.setCommit(polled.commit());
      patch.setPollingCommit(polled.commit());
      // Empty reason and message are left out: sent as "" they reached a real API server as null,
      // and the CRD schema (type: string) refused the whole patch with a 422.
      patch.setConditions(gitPolling("True", reason, polled.notice(), time));
    } else {
      // A fixed reason code and our own message: never text the remote sent.
      String reason = polled.reason().code();
      changed = !hasCondition(status, "False", reason, polled.failure());
      patch.setConditions(gitPolling("False", reason, polled.failure(), time));
    }
    if (changed) {
      patch.setLastPollingTriggered(time);
      store.patchStatus(gitRepo, patch);
    }
    LOG.fine(
        () ->
            "Poll of "
                + gitRepo.id()
                + ": "
                + (polled.succeeded() ? polled.commit() : polled.reason().code())
                + ", commit was "
                + status.getCommit()
                + (changed ? ": written" : ": unchanged"));
  }

  private static boolean hasCondition(
      GitRepoStatus status, String value, String reason, String message) {
    return conditions(status).stream()
        .anyMatch(
            c ->
                GIT_POLLING.equals(c.getType())
                    && value.equals(c.getStatus())
                    && Objects.equals(blank(c.getReason()), reason)
                    && Objects.equals(blank(c.getMessage()), message));
  }

  // Only our condition: the store merges it by type into the GitRepo's current list, so the other
  // writers' conditions (Fleet's Ready, Accepted, Stalled...) are never written back from a copy.
  private static List<GitRepoCondition> gitPolling(
      String value, String reason, String message, String time) {
    var condition = new GitRepoCondition();
    condition.setType(GIT_POLLING);
    condition.setStatus(value);
    condition.setReason(reason);
    condition.setMessage(message);
    condition.setLastUpdateTime(time);
    return List.of(condition);
  }

  private static List<GitRepoCondition> conditions(GitRepoStatus status) {
    return status.getConditions() == null ? List.of() : status.getConditions();
  }

  private static String blank(String value) {
    return value == null ? "" : value;
  }
}
