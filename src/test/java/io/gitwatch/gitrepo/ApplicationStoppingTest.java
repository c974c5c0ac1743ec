package io.gitwatch.gitrepo;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.ejb.EJBException;
import jakarta.ejb.NoSuchEJBException;
import org.junit.jupiter.api.Test;

class ApplicationStoppingTest {

  @Test
  void aBeanGoneAnywhereInTheCausesIsTheStop() {
    // As Weld reports an observer it cannot reach: a creation failure around the EJB container's.
    var stopped =
        new IllegalStateException(
            "WELD-000079", new EJBException("nested", new NoSuchEJBException("stopped")));
    assertThat(ApplicationStopping.caused(stopped)).isTrue();
  }

  @Test
  void anyOtherFailureIsNot() {
    assertThat(ApplicationStopping.caused(new EJBException("a bug in an observer"))).isFalse();
    assertThat(ApplicationStopping.caused(new IllegalStateException("x", new RuntimeException())))
        .isFalse();
  }
}
