package io.gitwatch.bench.support;

import io.gitwatch.testing.LoopbackGitServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.jgit.lib.CommitBuilder;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectInserter;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.lib.RefUpdate;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;

/**
 * Pushes to the loopback git server's repositories as fast as a benchmark sends webhooks: each push
 * is one new commit object on {@code main} (same tree as its parent) and a ref update, through a
 * repository kept open, so a push costs a fraction of a millisecond of the support JVM's CPU.
 */
final class Commits implements AutoCloseable {

  private static final String MAIN = Constants.R_HEADS + "main";
  private static final PersonIdent PUSHER =
      new PersonIdent("Gitwatch Bench", "bench@gitwatch.io", Instant.EPOCH, ZoneOffset.UTC);

  private final LoopbackGitServer git;
  private final Map<String, Repository> open = new ConcurrentHashMap<>();
  private final AtomicLong pushes = new AtomicLong();

  Commits(LoopbackGitServer git) {
    this.git = git;
  }

  /** A new repository with one commit on {@code main}; returns that commit. */
  String create(String name) {
    git.createRepository(name);
    return git.commit(name, "main");
  }

  /** One new commit on {@code main}, as a push would leave it; returns the new head. */
  String push(String name) {
    Repository repository = open.computeIfAbsent(name, this::open);
    synchronized (repository) {
      try (ObjectInserter inserter = repository.newObjectInserter();
          RevWalk walk = new RevWalk(repository)) {
        ObjectId parent = repository.resolve(MAIN);
        CommitBuilder commit = new CommitBuilder();
        commit.setTreeId(walk.parseCommit(parent).getTree());
        commit.setParentId(parent);
        commit.setAuthor(PUSHER);
        commit.setCommitter(PUSHER);
        commit.setMessage("push " + pushes.incrementAndGet() + "\n");
        ObjectId id = inserter.insert(commit);
        inserter.flush();
        RefUpdate update = repository.updateRef(MAIN);
        update.setExpectedOldObjectId(parent);
        update.setNewObjectId(id);
        RefUpdate.Result result = update.update(walk);
        if (result != RefUpdate.Result.FAST_FORWARD) {
          throw new IOException("push to " + name + " failed: " + result);
        }
        return id.name();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  /** The head of {@code main}, as an ls-remote would see it. */
  String head(String name) {
    Repository repository = open.computeIfAbsent(name, this::open);
    synchronized (repository) {
      try {
        ObjectId head = repository.resolve(MAIN);
        return head == null ? "" : head.name();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  private Repository open(String name) {
    try {
      return new FileRepositoryBuilder()
          .setGitDir(git.directory(name).toFile())
          .setMustExist(true)
          .build();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    open.values().forEach(Repository::close);
  }
}
