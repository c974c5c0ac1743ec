package io.gitwatch.gitrepo;

/**
 * Whether a GitRepo's namespace restrictions let Gitwatch poll and update it, and the credentials
 * Secret it then uses.
 *
 * @param clientSecretName {@code spec.clientSecretName}, else the restrictions' default; null when
 *     neither names one
 * @param refusal why the GitRepo is refused, in our words; null when it is allowed
 */
public record Admission(boolean allowed, String clientSecretName, String refusal) {

  static Admission allowed(String clientSecretName) {
    return new Admission(true, clientSecretName, null);
  }

  static Admission refused(String refusal) {
    return new Admission(false, null, refusal);
  }
}
