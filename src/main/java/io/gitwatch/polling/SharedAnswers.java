package io.gitwatch.polling;

import java.util.Comparator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.function.Supplier;

/**
 * ls-remote answers shared by the GitRepos of one repository: at most one call in flight per key,
 * and its answer (refs or failure) reused by every GitRepo of the key that asks within its sharing
 * window. A caller that finds the call of its key in flight does not queue behind it nor hold a
 * thread waiting: it is told {@link RemoteHeads.Busy} and comes back for the answer. A slot of the
 * global bound is taken only by a call that really talks to a remote. The answers kept are bounded
 * in bytes; the oldest go first.
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

  /** The refs, or the failure, of a call that started at {@code startedNanos}. */
  record Answer(Refs refs, RemoteHeadsException failure, long startedNanos, long bytes) {
    Answer orThrow() {
      if (failure != null) {
        throw failure; // the same failure: every GitRepo of the key gets the same condition
      }
      return this;
    }
  }

  private final RemoteHeads.Limits limits;
  private final Semaphore slots;
  private final Map<Key, Answer> answers = new ConcurrentHashMap<>();
  private final Map<Key, Long> running = new ConcurrentHashMap<>();
  private volatile Runnable onCall = () -> {};

  SharedAnswers(RemoteHeads.Limits limits) {
    this.limits = limits;
    this.slots = new Semaphore(limits.maxConcurrent());
  }

  /**
   * The answer of a call for {@code key} that started at {@code sinceNanos} or later (a {@link
   * System#nanoTime()} instant), kept or made now by {@code lsRemote}.
   *
   * @throws RemoteHeads.Busy when the call of this key is in flight (its answer will be kept), or a
   *     call must be made and every slot is taken
   * @throws RemoteHeadsException the failure of the call whose answer is shared
   */
  Answer get(Key key, long sinceNanos, Supplier<Refs> lsRemote) {
    Answer answer = answers.get(key);
    if (answer != null && answer.startedNanos() - sinceNanos >= 0) {
      return answer.orThrow();
    }
    long started = System.nanoTime();
    if (running.putIfAbsent(key, started) != null) {
      throw new RemoteHeads.Busy();
    }
    try {
      if (!slots.tryAcquire()) {
        throw new RemoteHeads.Busy();
      }
      try {
        onCall.run();
        Refs refs = lsRemote.get();
        Answer fresh = new Answer(refs, null, started, estimate(refs));
        keep(key, fresh);
        return fresh;
      } catch (RemoteHeadsException e) {
        keep(key, new Answer(null, e, started, 512));
        throw e;
      } finally {
        slots.release();
      }
    } finally {
      running.remove(key, started);
    }
  }

  void onCall(Runnable listener) {
    onCall = listener;
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
}
