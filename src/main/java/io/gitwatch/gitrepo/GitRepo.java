package io.gitwatch.gitrepo;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Kind;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.Version;

/** Fleet's GitRepo ({@code fleet.cattle.io/v1alpha1}): the fields Gitwatch reads and writes. */
@Group("fleet.cattle.io")
@Version("v1alpha1")
@Kind("GitRepo")
@Plural("gitrepos")
@JsonIgnoreProperties(ignoreUnknown = true)
public class GitRepo extends CustomResource<GitRepoSpec, GitRepoStatus> implements Namespaced {

  /** Its namespace and name; {@code namespace/name} as GitRepos are named in responses and logs. */
  public GitRepoId id() {
    return new GitRepoId(getMetadata().getNamespace(), getMetadata().getName());
  }

  /** The current status, never null. */
  public GitRepoStatus status() {
    return getStatus() == null ? new GitRepoStatus() : getStatus();
  }

  /** The spec, never null. */
  public GitRepoSpec spec() {
    return getSpec() == null ? new GitRepoSpec() : getSpec();
  }
}
