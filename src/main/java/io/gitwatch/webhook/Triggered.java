package io.gitwatch.webhook;

import io.gitwatch.gitrepo.GitRepo;

/**
 * The CDI event of a verified trigger on a GitRepo's receiver URL ({@code generic-hmac}): poll it
 * now and write what the remote says; no commit comes with it, nothing of the body is trusted.
 */
public record Triggered(GitRepo gitRepo) {}
