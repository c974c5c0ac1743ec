package io.gitwatch.webhook;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.gitwatch.gitrepo.GitRepo;
import io.gitwatch.gitrepo.GitRepoIndex;
import io.gitwatch.gitrepo.GitRepoSpec;
import io.gitwatch.gitrepo.Restrictions;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * What a delivery costs to match: the push's URLs to repository keys, the keys to candidate
 * GitRepos through the index, the candidates to targets ({@link Recipients#matching}, which the
 * webhook runs before verifying). The cost must not grow with the number of GitRepos.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class MatchingBenchmark {

  private static final String COMMIT = "0123456789abcdef0123456789abcdef01234567";

  @Param({"10", "1000", "10000"})
  public int repos;

  private Recipients recipients;
  private Push push;

  @Setup
  public void setUp() {
    var index = new GitRepoIndex(); // outside CDI: no change events
    for (int i = 0; i < repos; i++) {
      index.put(
          gitRepo("team-" + (i % 10), "app-" + i, "https://github.com/acme/app-" + i, "main"));
    }
    // The pushed repository is also watched on another branch: two candidates, one target.
    int pushed = repos / 2;
    index.put(gitRepo("staging", "app-" + pushed, "git@github.com:acme/app-" + pushed, "staging"));
    push =
        new Push(
            new GitHub(false),
            "push",
            "delivery-1",
            List.of(
                "https://github.com/acme/app-" + pushed,
                "https://github.com/acme/app-" + pushed + ".git",
                "git@github.com:acme/app-" + pushed + ".git",
                "git://github.com/acme/app-" + pushed + ".git"),
            List.of(new RefUpdate("refs/heads/main", COMMIT)),
            "main");
    // Matching reads no Secret: verification is another benchmark's.
    recipients = new Recipients(index, new WebhookSecrets(), namespace -> Restrictions.NONE);
    if (match().size() != 1) {
      throw new IllegalStateException("expected one target, got " + match());
    }
  }

  @Benchmark
  public List<Target> match() {
    return recipients.matching(push);
  }

  private static GitRepo gitRepo(String namespace, String name, String repo, String branch) {
    var gitRepo = new GitRepo();
    gitRepo.setMetadata(new ObjectMetaBuilder().withNamespace(namespace).withName(name).build());
    var spec = new GitRepoSpec();
    spec.setRepo(repo);
    spec.setBranch(branch);
    gitRepo.setSpec(spec);
    return gitRepo;
  }
}
