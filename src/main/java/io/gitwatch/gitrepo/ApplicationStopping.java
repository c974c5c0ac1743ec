package io.gitwatch.gitrepo;

/**
 * Tells a failure caused by the application stopping from a real one. Liberty stops the EJB module
 * before CDI announces the stop ({@code @BeforeDestroyed(ApplicationScoped.class)}), so a watch
 * callback that runs in between finds the enterprise beans it notifies gone: no error, the next
 * start loads everything again.
 */
final class ApplicationStopping {

  private static final String LIBERTY_EJB_STOPPED =
      "com.ibm.websphere.ejbcontainer.EJBStoppedException";

  private ApplicationStopping() {}

  /** Whether {@code failure} or one of its causes says an enterprise bean has stopped. */
  static boolean caused(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof jakarta.ejb.NoSuchEJBException
          || t.getClass().getName().equals(LIBERTY_EJB_STOPPED)) {
        return true;
      }
    }
    return false;
  }
}
