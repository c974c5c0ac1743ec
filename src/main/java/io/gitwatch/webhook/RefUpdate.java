package io.gitwatch.webhook;

/**
 * One ref a push moved to a new commit: a full ref name ({@code refs/heads/main}, {@code
 * refs/tags/v1}) and the commit it now points at. Deletions are never RefUpdates.
 */
public record RefUpdate(String ref, String commit) {

  static final String BRANCH_PREFIX = "refs/heads/";
  static final String TAG_PREFIX = "refs/tags/";

  public boolean isBranch(String branch) {
    return ref.equals(BRANCH_PREFIX + branch);
  }

  public boolean isTag(String tag) {
    return ref.equals(TAG_PREFIX + tag);
  }

  /** The branch name, or null for a tag or any other ref. */
  public String branch() {
    return ref.startsWith(BRANCH_PREFIX) ? ref.substring(BRANCH_PREFIX.length()) : null;
  }
}
