package io.gitwatch.testing;

import java.io.File;
import org.jboss.arquillian.container.test.api.Deployer;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * An integration test of the built WAR on the managed Liberty test server, whose cluster is the
 * shared mock API server: extend {@link Deployed}, or {@link DeployedByTest} to deploy it yourself,
 * or this class with a {@code @Deployment} of your own.
 */
@ExtendWith({ApiServer.Shared.class, ArquillianExtension.class})
public abstract class OnTestServer {

  protected final Gitwatch gitwatch = Gitwatch.testServer();
  protected final ApiServer api = ApiServer.shared();
  protected final GitRepos gitRepos = new GitRepos(api.client());

  /** The WAR the build made (system property {@code it.war}), as it is shipped. */
  public static WebArchive builtWar() {
    return ShrinkWrap.createFromZipFile(WebArchive.class, new File(System.getProperty("it.war")));
  }

  /** The built WAR, deployed before the class's tests and undeployed after them. */
  public abstract static class Deployed extends OnTestServer {
    // Arquillian finds @Deployment methods in superclasses too (TestClass walks the hierarchy).
    @Deployment(testable = false)
    static WebArchive war() {
      return builtWar();
    }
  }

  /** The built WAR, deployed and undeployed by the test through {@link #deployer}. */
  public abstract static class DeployedByTest extends OnTestServer {
    /** The deployment's name, for {@link Deployer#deploy} and {@link Deployer#undeploy}. */
    protected static final String WAR = "gitwatch";

    @ArquillianResource protected Deployer deployer;

    @Deployment(name = WAR, managed = false, testable = false)
    static WebArchive war() {
      return builtWar();
    }
  }
}
