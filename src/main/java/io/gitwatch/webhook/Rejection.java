package io.gitwatch.webhook;

import jakarta.ejb.ApplicationException;

/**
 * The one failure of the webhook path: an HTTP status and a message that is safe to show the
 * caller.
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
    TOO_LARGE(413),
    UNSUPPORTED_MEDIA_TYPE(415),
    STORE_UNAVAILABLE(503);

    private final int status;

    Reason(int status) {
      this.status = status;
    }

    public int status() {
      return status;
    }
  }

  private final Reason reason;

  public Rejection(Reason reason, String message) {
    super(message, null, false, false);
    this.reason = reason;
  }

  public Reason reason() {
    return reason;
  }

  public int status() {
    return reason.status();
  }
}
