package io.gitwatch.gitrepo;

import java.io.Serializable;

/** A GitRepo's identity, its namespace and name; shown as {@code namespace/name}. */
// Serializable: it is the info of an EJB timer, which the container copies by serialization.
public record GitRepoId(String namespace, String name) implements Serializable {

  @Override
  public String toString() {
    return namespace + "/" + name;
  }
}
