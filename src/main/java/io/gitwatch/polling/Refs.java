package io.gitwatch.polling;

import java.util.HashMap;
import java.util.Map;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Ref;

/**
 * One ls-remote's answer, which every GitRepo of the same repository and credentials can share:
 * each ref's commit (annotated tags already peeled, {@code HEAD} included) and the branch {@code
 * HEAD} points to.
 *
 * @param repo the repository URL without user info, for messages
 * @param commits full ref name → commit SHA
 * @param head the ref {@code HEAD} is a symbolic ref to, or null when the remote did not say
 */
public record Refs(String repo, Map<String, String> commits, String head) {

  private static final String PEELED_SUFFIX = "^{}";

  public Refs {
    commits = Map.copyOf(commits);
  }

  /** The refs as JGit's {@code LsRemoteCommand.callAsMap()} returned them. */
  static Refs of(String repo, Map<String, Ref> advertised) {
    Map<String, String> commits = new HashMap<>();
    String head = null;
    for (Ref ref : advertised.values()) {
      if (ref.getName().endsWith(PEELED_SUFFIX)) {
        continue;
      }
      ObjectId commit = commit(ref, advertised);
      if (commit == null) {
        continue; // an unborn HEAD: no commit yet
      }
      commits.put(ref.getName(), commit.name());
      if (ref.isSymbolic() && ref.getName().equals(Constants.HEAD)) {
        head = ref.getTarget().getName();
      }
    }
    return new Refs(repo, commits, head);
  }

  /**
   * The commit a ref stands for. An annotated tag points at a tag object; the commit is its peeled
   * id, which JGit folds into the ref, or which a server may list as a separate {@code <tag>^{}}.
   */
  private static ObjectId commit(Ref ref, Map<String, Ref> advertised) {
    Ref peeled = advertised.get(ref.getName() + PEELED_SUFFIX);
    if (peeled != null && peeled.getObjectId() != null) {
      return peeled.getObjectId();
    }
    if (ref.getPeeledObjectId() != null) {
      return ref.getPeeledObjectId();
    }
    return ref.getObjectId();
  }
}
