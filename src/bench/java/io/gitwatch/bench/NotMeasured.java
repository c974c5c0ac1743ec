package io.gitwatch.bench;

import java.io.UncheckedIOException;
import java.util.List;
import org.awaitility.core.ConditionTimeoutException;

/**
 * A measurement this run cannot make (what it waited for never came, the server stopped answering):
 * its rows say "not measured" and why, and the run goes on. Anything else thrown by a benchmark is
 * a harness bug and fails the build.
 */
public final class NotMeasured extends RuntimeException {

  /** A row a measurement writes: what it measures and the target, if any. */
  public record Row(String what, String target) {}

  /** A measurement that may wait, sleep and throw. */
  public interface Body {
    void run() throws Exception;
  }

  public NotMeasured(String reason) {
    super(reason);
  }

  /**
   * Runs {@code body}; if it cannot be measured, each of {@code rows} not written yet is written as
   * not measured, with the reason.
   */
  public static void orSaySo(List<Row> rows, Body body) throws Exception {
    String reason;
    try {
      body.run();
      return;
    } catch (NotMeasured e) {
      reason = e.getMessage();
    } catch (ConditionTimeoutException e) {
      reason = e.getMessage();
    } catch (UncheckedIOException e) {
      reason = "the server did not answer (" + e.getCause() + ")";
    }
    System.out.println("NOT MEASURED: " + reason);
    for (Row row : rows) {
      if (!BenchTable.written(row.what())) {
        BenchTable.notMeasured(row.what(), row.target(), reason);
      }
    }
  }
}
