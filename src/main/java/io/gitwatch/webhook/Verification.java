package io.gitwatch.webhook;

/**
 * The result of checking one delivery against one webhook Secret.
 *
 * @param reason a short message safe to log or show: on failure it names the header or Secret key
 *     that was wrong, never a secret or an expected signature
 * @param weak true when only Bitbucket Cloud's {@code X-Hook-UUID} matched, which is an id and not
 *     a secret (accepted for Fleet compatibility; the caller says so once in the log)
 */
public record Verification(boolean verified, String reason, boolean weak) {

  private static final Verification OK = new Verification(true, "verified", false);

  public static Verification ok() {
    return OK;
  }

  public static Verification weakOk() {
    return new Verification(true, "X-Hook-UUID matched; a hook UUID is not a secret", true);
  }

  public static Verification failed(String reason) {
    return new Verification(false, reason, false);
  }
}
