package io.gitwatch.polling;

/**
 * Why a poll failed, as the fixed reason code of the {@code GitPolling} condition and of the
 * failure Event: a closed set, so users and alerts can match on it and no remote can choose it.
 */
public enum FailureReason {
  /** The egress policy forbids the URL's scheme or address; nothing was contacted. */
  REFUSED("Refused"),
  /** Reserved for Fleet's GitRepoRestriction and Policy objects. */
  RESTRICTED("Restricted"),
  INVALID_SPEC("InvalidSpec"),
  CREDENTIALS_UNUSABLE("CredentialsUnusable"),
  /** The credentials Secret or the known-hosts ConfigMap could not be read from the store. */
  CREDENTIALS_UNAVAILABLE("CredentialsUnavailable"),
  REPOSITORY_NOT_FOUND("RepositoryNotFound"),
  /** The remote answered, but without the branch, tag or HEAD the GitRepo follows. */
  REF_NOT_FOUND("RefNotFound"),
  TIMEOUT("Timeout"),
  TOO_LARGE("TooLarge"),
  TLS_UNTRUSTED("TlsUntrusted"),
  TLS_FAILED("TlsFailed"),
  AUTHENTICATION_REQUIRED("AuthenticationRequired"),
  AUTHENTICATION_FAILED("AuthenticationFailed"),
  CANNOT_CONNECT("CannotConnect"),
  HOST_KEY_UNKNOWN("HostKeyUnknown"),
  HOST_KEY_MISMATCH("HostKeyMismatch"),
  LS_REMOTE_FAILED("LsRemoteFailed");

  private final String code;

  FailureReason(String code) {
    this.code = code;
  }

  /** The condition's {@code reason}: UpperCamelCase, as Kubernetes conditions spell reasons. */
  public String code() {
    return code;
  }
}
