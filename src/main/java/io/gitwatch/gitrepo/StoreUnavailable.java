package io.gitwatch.gitrepo;

import jakarta.ejb.ApplicationException;

/**
 * The store could not be read or written, even after retries; callers answer 503 or retry later. An
 * application exception, so it leaves the stateless writers as itself: not wrapped in an
 * EJBException and not logged by the container as an unexpected failure.
 */
@ApplicationException
public class StoreUnavailable extends RuntimeException {
  public StoreUnavailable(String message, Throwable cause) {
    super(message, cause);
  }
}
