package io.gitwatch.gitrepo;

/**
 * The CDI event of a GitRepo added ({@code previous} null), changed, or deleted ({@code current}
 * null), as the index learns of it from the store.
 */
public record GitRepoChanged(GitRepo previous, GitRepo current) {}
