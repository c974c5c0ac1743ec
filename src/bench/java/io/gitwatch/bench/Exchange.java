package io.gitwatch.bench;

/**
 * One request the load driver sent: when it was due, sent and answered ({@link System#nanoTime}; -1
 * when never answered), the status (-1 for a transport error) and its {@code Retry-After} in
 * seconds (-1 without one; an HTTP date counts as 1).
 */
public record Exchange(long due, long sent, long done, int status, int retryAfter) {

  /** From when it was due to its answer, in milliseconds: what a provider would have waited. */
  public double latencyMillis() {
    return done < 0 ? Double.POSITIVE_INFINITY : (done - due) / 1e6;
  }

  /** From when it was sent to its answer, in milliseconds: the server's part. */
  public double serviceMillis() {
    return done < 0 ? Double.POSITIVE_INFINITY : (done - sent) / 1e6;
  }
}
