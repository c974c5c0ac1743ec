package io.gitwatch.testing;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Bare repositories made and changed by the real git command line (C git, not JGit), in one
 * directory that a {@link GitHttpBackendServer} or an {@link OpenSshServer} serves. The user's and
 * the system's git configuration are ignored, so a developer's settings cannot change the results.
 */
public final class GitCli {

  private static final AtomicInteger COMMITS = new AtomicInteger();

  private final Path root;

  private GitCli(Path root) {
    this.root = root;
  }

  /** The git CLI for bare repositories under {@code root}; skips the calling test without git. */
  public static GitCli in(Path root) {
    assumeTrue(
        version().startsWith("git version"),
        "the git command line (C git) is not installed: skipping tests against real git servers");
    return new GitCli(root);
  }

  /** {@code git --version}, or an empty string when git cannot be run. */
  static String version() {
    try {
      return run("--version").strip();
    } catch (IllegalStateException e) {
      return "";
    }
  }

  /** git's helper programs, e.g. {@code git-http-backend}. */
  static Path execPath() {
    return Path.of(run("--exec-path").strip());
  }

  /** The bare repository's directory: {@code <root>/<name>.git}. */
  public Path directory(String name) {
    return root.resolve(name + ".git");
  }

  /** {@code git init --bare}: an empty repository whose HEAD points to {@code defaultBranch}. */
  public void createRepository(String name, String defaultBranch) {
    createRepository(name, defaultBranch, "sha1");
  }

  /** The same with object ids of {@code objectFormat}: {@code sha1} or {@code sha256}. */
  public void createRepository(String name, String defaultBranch, String objectFormat) {
    run(
        "init",
        "--quiet",
        "--bare",
        "--initial-branch=" + defaultBranch,
        "--object-format=" + objectFormat,
        dir(name));
  }

  /** A new commit (an empty tree, a unique message) on top of {@code branch}; returns its SHA. */
  public String commit(String name, String branch) {
    String ref = "refs/heads/" + branch;
    String tree = git(name, "hash-object", "-t", "tree", "-w", "--stdin");
    List<String> commitTree = new ArrayList<>(List.of("commit-tree", tree));
    String parent = parent(name, ref);
    if (parent != null) {
      commitTree.addAll(List.of("-p", parent));
    }
    commitTree.addAll(List.of("-m", "commit " + COMMITS.incrementAndGet() + " on " + branch));
    String commit = git(name, commitTree.toArray(String[]::new));
    git(name, "update-ref", ref, commit);
    return commit;
  }

  /** {@code git branch <branch> <commit>}: a new branch at an existing commit. */
  public void branch(String name, String branch, String commit) {
    git(name, "branch", branch, commit);
  }

  /** {@code git tag <tag> <commit>}: a lightweight tag. */
  public void tag(String name, String tag, String commit) {
    git(name, "tag", tag, commit);
  }

  /** {@code git tag -a}: an annotated tag of {@code commit}; returns the tag object's id. */
  public String annotatedTag(String name, String tag, String commit) {
    git(name, "tag", "--annotate", "--message=release " + tag, tag, commit);
    return git(name, "rev-parse", "refs/tags/" + tag);
  }

  private String parent(String name, String ref) {
    try {
      return git(name, "rev-parse", "--verify", "--quiet", ref);
    } catch (IllegalStateException e) {
      return null; // a new branch
    }
  }

  private String git(String name, String... arguments) {
    List<String> command = new ArrayList<>(List.of("--git-dir=" + dir(name)));
    command.addAll(List.of(arguments));
    return run(command.toArray(String[]::new)).strip();
  }

  private String dir(String name) {
    return directory(name).toString();
  }

  private static String run(String... arguments) {
    List<String> command = new ArrayList<>(List.of("git"));
    command.addAll(List.of(arguments));
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.environment().putAll(environment());
    try {
      Process process = builder.start();
      process.getOutputStream().close(); // hash-object --stdin: the empty tree
      String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!process.waitFor(30, TimeUnit.SECONDS) || process.exitValue() != 0) {
        process.destroyForcibly();
        throw new IllegalStateException(String.join(" ", command) + " failed: " + output);
      }
      return output;
    } catch (IOException e) {
      throw new IllegalStateException("cannot run " + String.join(" ", command), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while running git", e);
    }
  }

  /** No user or system configuration, a fixed identity and date, so runs are reproducible. */
  static Map<String, String> environment() {
    return Map.of(
        "GIT_CONFIG_NOSYSTEM", "1",
        "GIT_CONFIG_GLOBAL", "/dev/null",
        "GIT_AUTHOR_NAME", "Gitwatch Test",
        "GIT_AUTHOR_EMAIL", "test@gitwatch.io",
        "GIT_AUTHOR_DATE", "1700000000 +0000",
        "GIT_COMMITTER_NAME", "Gitwatch Test",
        "GIT_COMMITTER_EMAIL", "test@gitwatch.io",
        "GIT_COMMITTER_DATE", "1700000000 +0000");
  }
}
