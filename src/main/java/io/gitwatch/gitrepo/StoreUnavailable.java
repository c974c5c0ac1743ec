package io.gitwatch.gitrepo;

/** The store could not be read or written, even after retries; callers answer 503. */
public class StoreUnavailable extends RuntimeException {
  public StoreUnavailable(String message, Throwable cause) {
    super(message, cause);
  }
}
