package io.gitwatch.polling;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The bounds of one ls-remote: a deadline for the call as a whole, enforced by closing whatever it
 * opened (JGit's timeout bounds each read, so a remote trickling a byte at a time would keep a call
 * alive forever), and a cap on the bytes read from the remote, over every connection of the call
 * (redirects and retries included).
 */
final class RemoteCall implements AutoCloseable {

  /** Thrown by a read past the byte cap; an {@link IOException} so JGit fails the call. */
  static final class TooLarge extends IOException {
    TooLarge(long cap) {
      super("more than " + cap + " bytes");
    }
  }

  private final long maxBytes;
  private final AtomicLong read = new AtomicLong();
  private final List<AutoCloseable> open = new CopyOnWriteArrayList<>();
  private volatile boolean expired;
  private volatile boolean done;

  private RemoteCall(long maxBytes) {
    this.maxBytes = maxBytes;
  }

  /** Starts the clock: at {@code deadline} everything {@linkplain #register registered} closes. */
  static RemoteCall start(Duration deadline, long maxBytes) {
    RemoteCall call = new RemoteCall(maxBytes);
    // The JDK's shared delay thread: no thread of ours to stop when the application stops.
    CompletableFuture.delayedExecutor(deadline.toMillis(), TimeUnit.MILLISECONDS)
        .execute(call::expire);
    return call;
  }

  /** Closes {@code resource} at the deadline (or at once, if it has passed). */
  void register(AutoCloseable resource) {
    open.add(resource);
    if (expired) {
      closeQuietly(resource);
    }
  }

  /** {@code in}, counted against the byte cap and failing once the deadline has passed. */
  InputStream bounded(InputStream in) {
    return new FilterInputStream(in) {
      @Override
      public int read() throws IOException {
        checkDeadline();
        int b = super.read();
        if (b >= 0) {
          count(1);
        }
        return b;
      }

      @Override
      public int read(byte[] buffer, int offset, int length) throws IOException {
        checkDeadline();
        int n = super.read(buffer, offset, length);
        if (n > 0) {
          count(n);
        }
        return n;
      }
    };
  }

  /** Whether the deadline passed before the call ended. */
  boolean expired() {
    return expired;
  }

  /** Whether the byte cap was passed. */
  boolean tooLarge() {
    return read.get() > maxBytes;
  }

  long maxBytes() {
    return maxBytes;
  }

  @Override
  public void close() {
    done = true;
    open.forEach(RemoteCall::closeQuietly);
    open.clear();
  }

  private void expire() {
    if (done) {
      return;
    }
    expired = true;
    open.forEach(RemoteCall::closeQuietly);
  }

  private void checkDeadline() throws IOException {
    if (expired) {
      throw new java.io.InterruptedIOException("deadline passed");
    }
  }

  private void count(int n) throws TooLarge {
    if (read.addAndGet(n) > maxBytes) {
      throw new TooLarge(maxBytes);
    }
  }

  private static void closeQuietly(AutoCloseable resource) {
    try {
      resource.close();
    } catch (Exception e) {
      // closing to unblock a reader: whatever it throws, the call is over
    }
  }
}
