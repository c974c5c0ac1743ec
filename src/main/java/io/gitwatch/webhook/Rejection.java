package io.gitwatch.webhook;

import jakarta.ejb.ApplicationException;
import java.time.Duration;
import java.util.Optional;

/**
 * The one failure of the webhook path: an HTTP status, a message that is safe to show the caller,
 * and the cause for the log.
 *
 * <p>It carries no JAX-RS types so that parsers and verifiers can be tested without a runtime, and
 * it is an EJB application exception so that it leaves a status writer bean unwrapped.
 */
@ApplicationException
public class Rejection extends RuntimeException {

  /** Why a delivery was refused, with the status it is answered with. */
  public enum Reason {
    MALFORMED(400),
    UNKNOWN_PROVIDER(400),
    UNAUTHENTICATED(401),
    UNKNOWN_RECEIVER(404),
    TOO_LARGE(413),
    UNSUPPORTED_MEDIA_TYPE(415),
    STORE_UNAVAILABLE(503),
    NOT_READY(503),
    OVERLOADED(503);

    private final int status;

    Reason(int status) {
      this.status = status;
    }

    public int status() {
      return status;
    }
  }

  /**
   * The message of every 401, whatever the cause: telling "no such Secret" from "no such key" or
   * "wrong signature" would tell a caller which repositories are configured.
   */
  static final String UNAUTHENTICATED_MESSAGE =
      "missing or invalid signature, token or credentials";

  private final Reason reason;
  private final String cause;
  private final Duration retryAfter;

  public Rejection(Reason reason, String message) {
    this(reason, message, message, null);
  }

  private Rejection(Reason reason, String message, String cause, Duration retryAfter) {
    super(message, null, false, false);
    this.reason = reason;
    this.cause = cause;
    this.retryAfter = retryAfter;
  }

  /** A 503 that tells the provider when to try again. */
  static Rejection overloaded(String cause, Duration retryAfter) {
    return new Rejection(
        Reason.OVERLOADED, "too many deliveries at once; redeliver later", cause, retryAfter);
  }

  /** A 503 while the GitRepos are not loaded yet: answering would match against nothing. */
  static Rejection notReady(Duration retryAfter) {
    return new Rejection(
        Reason.NOT_READY,
        "the GitRepos are not loaded yet; redeliver later",
        "the GitRepos are not loaded yet",
        retryAfter);
  }

  /**
   * A 404 for a receiver URL that belongs to no GitRepo (or to a token that was rotated away), with
   * one body whatever the digest, so a caller learns nothing by trying digests.
   */
  static Rejection unknownReceiver() {
    return new Rejection(Reason.UNKNOWN_RECEIVER, "no receiver at this URL");
  }

  /** A 503 when the GitRepo store could not be read or written: the provider must redeliver. */
  static Rejection storeUnavailable() {
    return new Rejection(
        Reason.STORE_UNAVAILABLE, "the GitRepo store is unavailable; redeliver later");
  }

  /** When the caller may try again; empty when the status says nothing about retrying. */
  public Optional<Duration> retryAfter() {
    return Optional.ofNullable(retryAfter);
  }

  /** A 401 with the one message every 401 has; {@code cause} goes to the log only. */
  static Rejection unauthenticated(String cause) {
    return new Rejection(Reason.UNAUTHENTICATED, UNAUTHENTICATED_MESSAGE, cause, null);
  }

  public Reason reason() {
    return reason;
  }

  public int status() {
    return reason.status();
  }

  /** What went wrong, for the log: the message, or for a 401 its real cause. */
  public String cause() {
    return cause;
  }
}
