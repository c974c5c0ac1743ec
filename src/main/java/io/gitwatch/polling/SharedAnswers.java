package io.gitwatch.polling;

import java.time.Duration;
import java.util.Comparator;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * ls-remote answers shared by the GitRepos of one repository: at most one call in flight per key
 * (callers for the same key wait for it instead of queueing their own), recent answers reused, and
 * a slot of the global bound taken only by a call that really talks to a remote. The answers kept
 * are bounded in bytes; the oldest go first.
 */
final class SharedAnswers {

  /** Where refs come from: equal keys give equal answers. {@link #toString()} shows no secret. */
  record Key(
      String repository, String userInfo, Credentials credentials, TransportOptions options) {
    @Override
    public String toString() {
      return "Key[" + repository + ", " + credentials + "]";
    }
  }

  private record Answer(Refs refs, long startedNanos, long bytes) {}

  private record Running(CompletableFuture<Refs> answer, long startedNanos) {}

  private final RemoteHeads.Limits limits;
  private final Semaphore slots;
  private final Map<Key, Answer> answers = new ConcurrentHashMap<>();
  private final Map<Key, Running> running = new ConcurrentHashMap<>();
  private volatile Runnable onCall = () -> {};

  SharedAnswers(RemoteHeads.Limits limits) {
    this.limits = limits;
    this.slots = new Semaphore(limits.maxConcurrent());
  }

  /**
   * Refs of {@code key} from a call that started at most {@code maxAge} ago: kept, in flight, or
   * made now by {@code lsRemote}.
   *
   * @throws RemoteHeads.Busy when a call must be made and every slot is taken
   */
  Refs get(Key key, Duration maxAge, Supplier<Refs> lsRemote) {
    long oldest = System.nanoTime() - maxAge.toNanos();
    while (true) {
      Answer answer = answers.get(key);
      if (answer != null && answer.startedNanos() - oldest >= 0 && !maxAge.isZero()) {
        return answer.refs();
      }
      Running mine = new Running(new CompletableFuture<>(), System.nanoTime());
      Running other = running.putIfAbsent(key, mine);
      if (other == null) {
        return call(key, mine, lsRemote);
      }
      Refs refs = await(other);
      if (other.startedNanos() - oldest >= 0) {
        return refs; // asked after we were: as fresh as our own call would be
      }
      // It started before we were asked (a webhook wants what the remote says now): one more.
    }
  }

  private Refs call(Key key, Running mine, Supplier<Refs> lsRemote) {
    try {
      if (!slots.tryAcquire()) {
        RemoteHeads.Busy busy = new RemoteHeads.Busy();
        mine.answer().completeExceptionally(busy);
        throw busy;
      }
      try {
        onCall.run();
        Refs refs = lsRemote.get();
        keep(key, new Answer(refs, mine.startedNanos(), estimate(refs)));
        mine.answer().complete(refs);
        return refs;
      } catch (RuntimeException e) {
        mine.answer().completeExceptionally(e);
        throw e;
      } finally {
        slots.release();
      }
    } finally {
      running.remove(key, mine);
    }
  }

  /** The answer of a call in flight; its own deadline bounds the wait. */
  private Refs await(Running other) {
    try {
      return other.answer().get(limits.timeout().toMillis() * 2 + 1000, TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException failure) {
        throw failure; // the same failure: every GitRepo of the key gets the same condition
      }
      throw new IllegalStateException(e.getCause());
    } catch (TimeoutException e) {
      throw new RemoteHeadsException(
          FailureReason.TIMEOUT, "the shared ls-remote of this repository did not end in time");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new RemoteHeadsException(FailureReason.TIMEOUT, "interrupted");
    }
  }

  private synchronized void keep(Key key, Answer answer) {
    if (answer.bytes() > limits.maxSharedBytes()) {
      answers.remove(key);
      return;
    }
    answers.put(key, answer);
    long total = answers.values().stream().mapToLong(Answer::bytes).sum();
    while (total > limits.maxSharedBytes()) {
      Map.Entry<Key, Answer> oldest =
          answers.entrySet().stream()
              .min(Comparator.comparingLong(e -> e.getValue().startedNanos()))
              .orElseThrow();
      answers.remove(oldest.getKey());
      total -= oldest.getValue().bytes();
    }
  }

  /** Two bytes a character, plus the map's overhead per ref: an upper bound, not a measure. */
  private static long estimate(Refs refs) {
    long bytes = 256;
    for (Map.Entry<String, String> ref : refs.commits().entrySet()) {
      bytes += 2L * (ref.getKey().length() + ref.getValue().length()) + 96;
    }
    return bytes;
  }

  void onCall(Runnable listener) {
    onCall = listener;
  }

  /** Number of answers kept, for tests. */
  int kept() {
    return answers.size();
  }
}
