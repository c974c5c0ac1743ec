package io.gitwatch.gitrepo;

import java.nio.file.Path;

/** A real file store on a directory, for tests of other features that read GitRepos and Secrets. */
public final class FileStores {

  private FileStores() {}

  /** Starts a store on {@code dir}; close it with {@link #stop}. */
  public static FileGitRepoStore start(Path dir, GitRepoIndex index) {
    FileGitRepoStore store = new FileGitRepoStore();
    store.index = index;
    store.dir = dir.toString();
    store.start();
    return store;
  }

  public static void stop(FileGitRepoStore store) {
    store.stop();
  }
}
