package io.gitwatch.bench;

import io.gitwatch.bench.LoadDriver.Shot;
import io.gitwatch.bench.support.SupportJvm;
import io.gitwatch.testing.Gitwatch;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * GitRepos {@code prefix}0 .. each on a repository of its own on the git server, whose deliveries
 * are real pushes: a new delivery first pushes a new commit to the repository, and its {@code
 * before} is the previous push's {@code after}, as a provider sends them. Delivery {@code n} goes
 * to GitRepo {@code n % count}.
 */
final class PushedRepos {

  static final String SECRET = "bench-s3cret";
  private static final String ZERO = "0".repeat(40);

  private final SupportJvm support;
  private final String namespace;
  private final String prefix;
  private final int count;
  private final URI webhook;
  private final PushPayload payload = PushPayload.load();
  private final String[] before;
  private final String[] after;
  private final String[] lastId;
  private final String run = Long.toHexString(ThreadLocalRandom.current().nextLong());
  private final AtomicLong ids = new AtomicLong();
  // Per GitRepo, for the open loops: the slot of its latest push, and of its latest accepted one.
  private final AtomicLongArray latestSlot;
  private final AtomicLongArray acceptedSlot;
  private final Object[] locks;
  private volatile int active;
  private volatile BitSet leftOut = new BitSet();

  PushedRepos(SupportJvm support, String namespace, String prefix, int count, URI webhook) {
    this.support = support;
    this.namespace = namespace;
    this.prefix = prefix;
    this.count = count;
    this.webhook = webhook;
    before = new String[count];
    after = new String[count];
    lastId = new String[count];
    latestSlot = new AtomicLongArray(count);
    acceptedSlot = new AtomicLongArray(count);
    active = count;
    locks = new Object[count];
    for (int i = 0; i < count; i++) {
      locks[i] = new Object();
    }
  }

  /**
   * Creates the repositories (one commit each), the GitRepos on {@code main} (with {@code spec}'s
   * further fields) and the global webhook Secret.
   */
  void create(Map<String, String> spec) {
    support.secret("gitwatch-system", "gitjob-webhook", Map.of("github", SECRET));
    List<String> heads = support.createRepositories(prefix, count);
    Map<String, String> fields = new LinkedHashMap<>(spec);
    fields.put("branch", "main");
    support.createGitRepos(namespace, prefix, count, "{git}" + prefix + "{i}.git", fields);
    for (int i = 0; i < count; i++) {
      before[i] = ZERO;
      after[i] = heads.get(i);
    }
  }

  int count() {
    return count;
  }

  /**
   * Sends deliveries {@code n} to the first {@code active} GitRepos only ({@code n % active}), so
   * that more pushes for one GitRepo are in flight at once.
   */
  void use(int active) {
    this.active = Math.max(1, Math.min(count, active));
  }

  String namespace() {
    return namespace;
  }

  String repository(int i) {
    return prefix + i;
  }

  String payloadSource() {
    return payload.source();
  }

  /** Delivery {@code n}: pushes a new commit to GitRepo {@code n % active}'s repository first. */
  Shot push(long n) {
    int i = (int) (n % active);
    synchronized (lock(i)) {
      String head = support.push(repository(i));
      before[i] = after[i];
      after[i] = head;
      lastId[i] = nextId();
      latestSlot.accumulateAndGet(i, n, Math::max);
      return shot(i, lastId[i], "");
    }
  }

  /** {@link #unchanged(long)} sends nothing to these GitRepos (by number) from now on. */
  void leaveOut(BitSet gitRepos) {
    leftOut = (BitSet) gitRepos.clone();
  }

  /**
   * GitRepo {@code n % active}'s last push again under a new delivery id (the next one not left
   * out): nothing changed.
   */
  Shot unchanged(long n) {
    int i = (int) (n % active);
    BitSet skip = leftOut;
    while (skip.get(i)) {
      i = (i + 1) % active; // the caller leaves out fewer than all
    }
    synchronized (lock(i)) {
      return shot(i, nextId(), "");
    }
  }

  /**
   * GitRepo {@code i}'s last push under a new delivery id, its body padded with {@code padding}
   * trailing spaces (still the same JSON) so that no two bodies are alike.
   */
  Shot unchanged(int i, int padding) {
    synchronized (lock(i)) {
      return shot(i, nextId(), " ".repeat(padding));
    }
  }

  /** Starts counting which GitRepos' latest push was accepted (by slot numbers from 0). */
  void startTracking() {
    for (int i = 0; i < count; i++) {
      latestSlot.set(i, -1);
      acceptedSlot.set(i, -1);
    }
  }

  /** Told of each answer of an open loop whose shots are {@link #push}. */
  void answered(long slot, int status) {
    if (status == 200) {
      acceptedSlot.accumulateAndGet((int) (slot % active), slot, Math::max);
    }
  }

  /**
   * By GitRepo number: the latest push of every GitRepo whose latest push was not accepted, under
   * its own delivery id, as a provider redelivers it.
   */
  Map<Integer, Shot> redeliveries() {
    Map<Integer, Shot> shots = new LinkedHashMap<>();
    for (int i = 0; i < count; i++) {
      if (acceptedSlot.get(i) < latestSlot.get(i)) {
        synchronized (lock(i)) {
          shots.put(i, shot(i, lastId[i], ""));
        }
      }
    }
    return shots;
  }

  /** GitRepo {@code i}'s latest push was accepted on redelivery. */
  void accepted(int i) {
    acceptedSlot.accumulateAndGet(i, latestSlot.get(i), Math::max);
  }

  /**
   * Sends every GitRepo's current head (so each has a {@code webhookCommit}, and polls once an hour
   * from then on) and waits until the final-state rule holds.
   */
  FinalState prime(LoadDriver driver, Duration max) throws InterruptedException {
    for (int from = 0; from < count; from += 50) {
      List<Shot> shots = new ArrayList<>();
      for (int i = from; i < Math.min(count, from + 50); i++) {
        shots.add(unchanged(i, 0));
      }
      driver.burst(shots);
    }
    return awaitFinalState(max);
  }

  /**
   * Checks the final-state rule every second until it holds for every GitRepo or {@code max} has
   * passed; returns the last check.
   */
  FinalState awaitFinalState(Duration max) throws InterruptedException {
    long end = System.nanoTime() + max.toNanos();
    FinalState state = finalState();
    while (!state.holds() && System.nanoTime() < end) {
      Thread.sleep(1000);
      state = finalState();
    }
    return state;
  }

  /** Every GitRepo against {@code commit == webhookCommit == the repository's head}. */
  FinalState finalState() {
    Map<String, String[]> statuses = support.statuses(namespace);
    List<String> heads = support.heads(prefix, count);
    int webhook = 0;
    int commit = 0;
    List<String> examples = new ArrayList<>();
    BitSet off = new BitSet(count);
    for (int i = 0; i < count; i++) {
      String[] status = statuses.getOrDefault(repository(i), new String[] {"-", "-"});
      boolean webhookOk = status[0].equals(heads.get(i));
      boolean commitOk = status[1].equals(heads.get(i));
      webhook += webhookOk ? 0 : 1;
      commit += commitOk ? 0 : 1;
      if (webhookOk && commitOk) {
        continue;
      }
      off.set(i);
      if (examples.size() < 3) {
        // Enough to find the GitRepo's deliveries in Liberty's log.
        examples.add(
            BenchTable.format(
                "%s head %.7s webhookCommit %.7s commit %.7s",
                repository(i), heads.get(i), status[0], status[1]));
      }
    }
    return new FinalState(count, webhook, commit, examples, off);
  }

  /** info/refs requests (ls-remote) the git server has answered for these repositories. */
  long lsRemotes() {
    return support.infoRefs(prefix, count);
  }

  /** Status writes the API server applied to these GitRepos whose body contains {@code field}. */
  long writes(String field) {
    return support.writes("/namespaces/" + namespace + "/gitrepos/", "\"" + field + "\"");
  }

  private Shot shot(int i, String id, String padding) {
    byte[] body = payload.body(support.gitUrl(repository(i)), before[i], after[i], padding);
    return new Shot(
        webhook,
        body,
        Map.of(
            "Content-Type",
            "application/json",
            "X-GitHub-Event",
            "push",
            "X-GitHub-Delivery",
            id,
            "X-Hub-Signature-256",
            Gitwatch.githubSignature(SECRET, body)));
  }

  private String nextId() {
    return run + "-" + ids.incrementAndGet();
  }

  // A GitRepo's pushes are made one at a time, so each push's before is the previous after.
  private Object lock(int i) {
    return locks[i];
  }
}
