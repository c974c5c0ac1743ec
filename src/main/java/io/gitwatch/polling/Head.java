package io.gitwatch.polling;

/**
 * The commit a GitRepo should be at, and the full ref it was read from ({@code refs/heads/main},
 * {@code refs/tags/v1.2.0}); the ref is null when {@code spec.revision} pins a commit SHA.
 */
public record Head(String commit, String ref) {}
