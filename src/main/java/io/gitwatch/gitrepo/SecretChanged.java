package io.gitwatch.gitrepo;

/**
 * The CDI event of a Secret added, changed or removed, fired by a store that sees Secrets change
 * (the file store); in a cluster Secrets are read by name and never watched.
 */
public record SecretChanged(String namespace, String name) {}
