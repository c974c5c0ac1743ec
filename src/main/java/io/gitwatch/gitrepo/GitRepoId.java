package io.gitwatch.gitrepo;

/** A GitRepo's identity, its namespace and name; shown as {@code namespace/name}. */
public record GitRepoId(String namespace, String name) {

  @Override
  public String toString() {
    return namespace + "/" + name;
  }
}
