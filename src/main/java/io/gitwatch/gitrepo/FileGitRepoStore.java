package io.gitwatch.gitrepo;

import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.enterprise.inject.Typed;
import jakarta.inject.Inject;
import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Stream;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.yaml.snakeyaml.nodes.MappingNode;

/**
 * GitRepos from a directory of manifests, the YAML one would {@code kubectl apply}: watched, so
 * edits take effect without a restart, with status written back into the files atomically.
 */
@ApplicationScoped
@Typed(FileGitRepoStore.class)
public class FileGitRepoStore implements GitRepoStore {

  private static final Logger LOG = Logger.getLogger(FileGitRepoStore.class.getName());

  /** Editors save in bursts of events; one reload after the burst is enough. */
  private static final long DEBOUNCE_MILLIS = 50;

  private static final long MAX_BURST_MILLIS = 500;

  /** How often a missing directory is looked for. */
  private static final long DIRECTORY_RETRY_SECONDS = 1;

  /** A user saving the file again and again while we patch: give up rather than spin. */
  private static final int WRITE_ATTEMPTS = 5;

  @Inject GitRepoIndex index;
  @Inject Event<SecretChanged> secretChanged;

  @Inject
  @ConfigProperty(name = "gitwatch.file.dir", defaultValue = "./gitrepos")
  String dir;

  private Path directory;
  private volatile boolean synced;
  private WatchService watcher;
  private Thread watching;
  private final CountDownLatch stopped = new CountDownLatch(1);

  /** One lock per file: writers and reloads of a file take turns, so none loses another's work. */
  private final Map<Path, ReentrantLock> locks = new ConcurrentHashMap<>();

  // The merged view of all files, guarded by "this"; files in name order, the first one wins.
  private final SortedMap<Path, ManifestFile.Contents> files = new TreeMap<>();
  private final Map<GitRepoId, Path> owners = new HashMap<>();
  private final Map<GitRepoId, ManifestFile.Entry> indexed = new HashMap<>();
  private final Map<Path, Set<String>> reported = new HashMap<>();
  private final Set<GitRepoId> duplicates = new HashSet<>();
  private final Map<String, StoredSecret> secrets = new ConcurrentHashMap<>();
  private final Map<String, Map<String, String>> configMaps = new ConcurrentHashMap<>();

  @PostConstruct
  void start() {
    directory = Path.of(dir).toAbsolutePath().normalize();
    try {
      watcher = directory.getFileSystem().newWatchService();
    } catch (IOException e) {
      LOG.warning("Cannot watch " + directory + " for changes: " + e.getMessage());
    }
    // Registered before the first load, so a file written meanwhile is not missed.
    WatchKey key = register();
    if (key == null) {
      LOG.warning(
          "GitRepo directory "
              + directory
              + " (gitwatch.file.dir) does not exist or is not readable; waiting for it");
    }
    rescan();
    synced = true;
    LOG.info("Loaded " + indexedCount() + " GitRepos from " + directory);
    if (watcher != null) {
      watching = new Thread(() -> watch(key), "gitwatch-file-store");
      watching.setDaemon(true);
      watching.start();
    }
  }

  @PreDestroy
  @Override
  public void stop() {
    if (stopped.getCount() == 0) {
      return;
    }
    stopped.countDown();
    try {
      if (watcher != null) {
        watcher.close();
      }
      if (watching != null) {
        watching.join(TimeUnit.SECONDS.toMillis(5));
      }
    } catch (IOException e) {
      LOG.fine(() -> "Closing the watch service: " + e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** The directory has one tenant, its owner: nothing to restrict. */
  @Override
  public Restrictions restrictions(String namespace) {
    return Restrictions.NONE;
  }

  @Override
  public boolean isSynced() {
    return synced;
  }

  @Override
  public boolean isReachable() {
    return directory != null && Files.isDirectory(directory) && Files.isReadable(directory);
  }

  /** There is no event sink without a cluster: the log is where a file-mode user looks. */
  @Override
  public void recordEvent(GitRepo gitRepo, boolean warning, String reason, String message) {
    LOG.log(warning ? Level.WARNING : Level.INFO, gitRepo.id() + " " + reason + ": " + message);
  }

  @Override
  public Optional<StoredSecret> storedSecret(String namespace, String name) {
    return Optional.ofNullable(secrets.get(namespace + "/" + name));
  }

  @Override
  public Optional<Map<String, String>> configMap(String namespace, String name) {
    return Optional.ofNullable(configMaps.get(namespace + "/" + name));
  }

  /** The directory is the user's own: {@code file:} URLs in it are theirs to poll. */
  @Override
  public boolean isLocal() {
    return true;
  }

  /**
   * Re-reads the file holding the GitRepo, so a spec the user saved a moment ago is kept, merges
   * the patch into its status and replaces the file atomically.
   */
  @Override
  public boolean patchStatus(GitRepo gitRepo, GitRepoStatus patch) {
    String name = gitRepo.getMetadata().getName();
    String namespace =
        Objects.requireNonNullElse(
            gitRepo.getMetadata().getNamespace(), ManifestFile.DEFAULT_NAMESPACE);
    GitRepoId id = new GitRepoId(namespace, name);
    Map<String, Object> status = ManifestFile.fields(patch);
    for (int attempt = 1; attempt <= WRITE_ATTEMPTS; attempt++) {
      Path file = owner(id);
      if (file == null) {
        return false;
      }
      ReentrantLock lock = lock(file);
      lock.lock();
      try {
        if (patchIn(file, namespace, name, status)) {
          return true;
        }
      } catch (NoSuchFileException e) {
        apply(file, null);
      } catch (IOException e) {
        throw new StoreUnavailable("status write of " + id + " to " + file + " failed: " + e, e);
      } catch (ManifestFile.InvalidYaml e) {
        throw new StoreUnavailable("status write of " + id + ": " + file + " " + e.getMessage(), e);
      } finally {
        lock.unlock();
      }
    }
    throw new StoreUnavailable(
        "status write of " + id + ": its file kept changing while it was written", null);
  }

  /**
   * One attempt, holding the file's lock.
   *
   * @return true when patched (or nothing changed), false to look again: the GitRepo left the file
   *     or the file changed while it was written
   */
  private boolean patchIn(Path file, String namespace, String name, Map<String, Object> status)
      throws IOException, ManifestFile.InvalidYaml {
    ManifestFile manifests = ManifestFile.read(file);
    Optional<MappingNode> document = manifests.gitRepo(namespace, name);
    if (document.isEmpty()) {
      // Removed or moved by the user just now: the file as it is tells the index where it went.
      apply(file, manifests.contents());
      return false;
    }
    if (!ManifestFile.mergeStatus(document.get(), status)) {
      return true;
    }
    if (!manifests.replaceIfUnchanged(manifests.render())) {
      return false;
    }
    // Readers see the new status now, not when the watcher gets to the file.
    apply(file, manifests.contents());
    return true;
  }

  private void watch(WatchKey first) {
    WatchKey key = first;
    while (stopped.getCount() > 0) {
      try {
        if (key == null || !key.isValid()) {
          key = awaitDirectory();
          continue;
        }
        var changed = new LinkedHashSet<Path>();
        boolean rescan = false;
        WatchKey signalled = watcher.take();
        // Drain the burst (an editor's save or a ConfigMap swap is several events), but not
        // forever: a steady stream of status writes must not hold back a user's edit.
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(MAX_BURST_MILLIS);
        while (signalled != null) {
          rescan |= collect(signalled, changed);
          signalled =
              System.nanoTime() - deadline < 0
                  ? watcher.poll(DEBOUNCE_MILLIS, TimeUnit.MILLISECONDS)
                  : null;
        }
        if (rescan || !key.isValid()) {
          rescan();
        } else {
          changed.forEach(this::reload);
        }
      } catch (ClosedWatchServiceException | InterruptedException e) {
        return;
      } catch (RuntimeException e) {
        LOG.log(Level.WARNING, "Watching " + directory + " failed; continuing", e);
      }
    }
  }

  /** Waits for a missing (or deleted) directory to appear, then loads it afresh. */
  private WatchKey awaitDirectory() throws InterruptedException {
    WatchKey key = register();
    if (key == null) {
      stopped.await(DIRECTORY_RETRY_SECONDS, TimeUnit.SECONDS);
      return null;
    }
    LOG.info("GitRepo directory " + directory + " is there; loading it");
    rescan();
    return key;
  }

  /**
   * Adds the manifest files an event names to {@code changed}.
   *
   * @return whether everything must be read again: events were lost, the directory went away, or a
   *     ConfigMap mount swapped its {@code ..data} link
   */
  private boolean collect(WatchKey key, Set<Path> changed) {
    boolean rescan = false;
    for (WatchEvent<?> event : key.pollEvents()) {
      if (event.kind() == StandardWatchEventKinds.OVERFLOW) {
        rescan = true;
      } else if (event.context() instanceof Path name) {
        if (isManifest(name)) {
          changed.add(directory.resolve(name));
        } else if (name.toString().startsWith("..")) {
          rescan = true;
        }
      }
    }
    return !key.reset() || rescan;
  }

  private WatchKey register() {
    if (watcher == null || !isReachable()) {
      return null;
    }
    try {
      return directory.register(
          watcher,
          StandardWatchEventKinds.ENTRY_CREATE,
          StandardWatchEventKinds.ENTRY_MODIFY,
          StandardWatchEventKinds.ENTRY_DELETE);
    } catch (IOException e) {
      LOG.warning("Cannot watch " + directory + ": " + e.getMessage());
      return null;
    }
  }

  /** Reads every manifest file again; files that are gone take their GitRepos with them. */
  private void rescan() {
    var present = new ArrayList<Path>();
    if (isReachable()) {
      try (DirectoryStream<Path> entries = Files.newDirectoryStream(directory)) {
        entries.forEach(
            entry -> {
              if (isManifest(entry.getFileName()) && Files.isRegularFile(entry)) {
                present.add(entry);
              }
            });
      } catch (IOException e) {
        LOG.warning("Cannot list " + directory + ": " + e.getMessage());
        return;
      }
    }
    present.forEach(this::reload);
    knownFiles().stream().filter(f -> !present.contains(f)).forEach(this::reload);
  }

  /** Reads one file again and updates the index; a file that does not parse keeps its GitRepos. */
  private void reload(Path file) {
    ReentrantLock lock = lock(file);
    lock.lock();
    try {
      if (!Files.isRegularFile(file)) {
        apply(file, null);
        return;
      }
      apply(file, ManifestFile.read(file).contents());
    } catch (NoSuchFileException e) {
      apply(file, null);
    } catch (IOException e) {
      report(file, List.of("cannot be read: " + e));
    } catch (ManifestFile.InvalidYaml e) {
      // Often a save in progress: dropping its GitRepos would cancel their polling for nothing.
      report(file, List.of(e.getMessage() + "; ignored until fixed, what it defined before stays"));
    } catch (RuntimeException e) {
      // One odd file must not stop the others loading, nor the watcher.
      LOG.log(Level.WARNING, file + ": cannot be loaded; what it defined before stays", e);
    } finally {
      lock.unlock();
    }
  }

  /** Replaces what a file contributes ({@code null}: the file is gone) and updates the index. */
  private synchronized void apply(Path file, ManifestFile.Contents contents) {
    ManifestFile.Contents old = contents == null ? files.remove(file) : files.put(file, contents);
    report(file, contents == null ? null : contents.problems());
    var gitRepoIds = new LinkedHashSet<GitRepoId>();
    var secretIds = new LinkedHashSet<String>();
    var configMapIds = new LinkedHashSet<String>();
    for (ManifestFile.Contents c : Stream.of(old, contents).filter(Objects::nonNull).toList()) {
      gitRepoIds.addAll(c.gitRepos().keySet());
      secretIds.addAll(c.secrets().keySet());
      configMapIds.addAll(c.configMaps().keySet());
    }
    gitRepoIds.forEach(this::resolveGitRepo);
    secretIds.forEach(this::resolveSecret);
    configMapIds.forEach(this::resolveConfigMap);
  }

  /** Puts the winning definition of a GitRepo into the index, or removes it when none is left. */
  private void resolveGitRepo(GitRepoId id) {
    Path winner = null;
    ManifestFile.Entry entry = null;
    var others = new ArrayList<Path>();
    for (var file : files.entrySet()) {
      ManifestFile.Entry candidate = file.getValue().gitRepos().get(id);
      if (candidate != null && winner == null) {
        winner = file.getKey();
        entry = candidate;
      } else if (candidate != null) {
        others.add(file.getKey());
      }
    }
    warnOfDuplicates(id, winner, others);
    ManifestFile.Entry previous = indexed.get(id);
    if (entry == null) {
      owners.remove(id);
      indexed.remove(id);
      if (previous != null) {
        index.remove(previous.gitRepo());
      }
      return;
    }
    owners.put(id, winner);
    // A reload after our own status write finds what is indexed already: no put, no loop.
    if (previous == null || !previous.source().equals(entry.source())) {
      indexed.put(id, entry);
      index.put(entry.gitRepo());
    }
  }

  private void resolveSecret(String id) {
    Optional<StoredSecret> secret =
        files.values().stream().map(c -> c.secrets().get(id)).filter(Objects::nonNull).findFirst();
    StoredSecret previous = secret.isPresent() ? secrets.put(id, secret.get()) : secrets.remove(id);
    // Receiver URLs are made from a webhook Secret's token: tell them when one changed.
    if (secretChanged != null && !Objects.equals(previous, secret.orElse(null))) {
      int slash = id.indexOf('/');
      secretChanged.fire(new SecretChanged(id.substring(0, slash), id.substring(slash + 1)));
    }
  }

  private void resolveConfigMap(String id) {
    Optional<Map<String, String>> data =
        files.values().stream()
            .map(c -> c.configMaps().get(id))
            .filter(Objects::nonNull)
            .findFirst();
    data.ifPresentOrElse(d -> configMaps.put(id, d), () -> configMaps.remove(id));
  }

  private void warnOfDuplicates(GitRepoId id, Path winner, List<Path> others) {
    if (others.isEmpty()) {
      duplicates.remove(id);
    } else if (duplicates.add(id)) {
      LOG.warning(
          "GitRepo " + id + " is defined in " + winner + " and in " + others + "; using " + winner);
    }
  }

  /** Logs a file's problems once each, not again on every reload until they are fixed. */
  private synchronized void report(Path file, List<String> problems) {
    if (problems == null) {
      reported.remove(file);
      return;
    }
    Set<String> before = reported.getOrDefault(file, Set.of());
    for (String problem : problems) {
      if (!before.contains(problem)) {
        LOG.warning(file + ": " + problem);
      }
    }
    reported.put(file, Set.copyOf(problems));
  }

  private synchronized Path owner(GitRepoId id) {
    return owners.get(id);
  }

  private synchronized List<Path> knownFiles() {
    return List.copyOf(files.keySet());
  }

  private synchronized int indexedCount() {
    return indexed.size();
  }

  private ReentrantLock lock(Path file) {
    return locks.computeIfAbsent(file, f -> new ReentrantLock());
  }

  /** {@code *.yaml} and {@code *.yml}; hidden files are editors' and our own temporary files. */
  private static boolean isManifest(Path name) {
    String s = name.toString();
    return !s.startsWith(".") && (s.endsWith(".yaml") || s.endsWith(".yml"));
  }
}
