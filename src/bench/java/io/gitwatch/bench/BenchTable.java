package io.gitwatch.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The benchmark table: each benchmark appends its rows to {@code target/bench/results.tsv} as it
 * finishes, and {@link #main} prints them all, with the machine they were measured on and what
 * shared its cores, as the last step of {@code mvn -P bench verify}.
 */
public final class BenchTable {

  static final String[] HEADINGS = {
    "Benchmark", "Measured", "Target", "", "CPU % of a core: Liberty / mock+git / driver / other"
  };

  // Rows written by this JVM, so a measurement that fails half way does not repeat its rows.
  private static final Set<String> WRITTEN = ConcurrentHashMap.newKeySet();

  private BenchTable() {}

  /** Whether this JVM has written a row with this title. */
  static boolean written(String what) {
    return WRITTEN.contains(clean(what));
  }

  static Path file() {
    return dir().resolve("results.tsv");
  }

  private static Path dir() {
    return Path.of(System.getProperty("gitwatch.basedir", "."), "target", "bench");
  }

  /** Starts an empty table (the first step of a bench run), noting the machine's load. */
  public static void reset() {
    try {
      Files.createDirectories(dir());
      Files.deleteIfExists(file());
      Files.writeString(dir().resolve("load-at-start.txt"), Machine.loadAverage());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * One row: what was measured, the number, the target, and whether it was met ({@code null} when
   * there is no target).
   */
  public static void row(String what, String measured, String target, Boolean met) {
    row(what, measured, target, met, "");
  }

  /** One row with the CPU each process used while it was measured ({@link CpuWindow#end}). */
  public static synchronized void row(
      String what, String measured, String target, Boolean met, String cpu) {
    String verdict = met == null ? "" : met ? "OK" : "MISSED";
    write(what, measured, target, verdict, cpu);
  }

  /** A row that could not be measured, and why; the run goes on. */
  public static synchronized void notMeasured(String what, String target, String reason) {
    write(what, "not measured: " + reason, target, "–", "");
  }

  private static void write(
      String what, String measured, String target, String verdict, String cpu) {
    WRITTEN.add(clean(what));
    String line =
        String.join(
                "\t",
                clean(what),
                clean(measured),
                target == null ? "" : clean(target),
                verdict,
                cpu == null ? "" : clean(cpu))
            + "\n";
    System.out.print("BENCH " + line);
    try {
      Files.createDirectories(file().getParent());
      Files.writeString(
          file(),
          line,
          StandardCharsets.UTF_8,
          StandardOpenOption.CREATE,
          StandardOpenOption.APPEND);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String clean(String cell) {
    return cell.replaceAll("[\\t\\r\\n|]+", " ");
  }

  public static String format(String pattern, Object... values) {
    return String.format(Locale.ROOT, pattern, values);
  }

  /** Prints the table; with {@code --reset}, starts an empty one instead. */
  public static void main(String[] args) throws IOException {
    if (args.length > 0 && args[0].equals("--reset")) {
      reset();
      return;
    }
    List<String[]> rows = new ArrayList<>();
    rows.add(HEADINGS);
    if (Files.exists(file())) {
      for (String line : Files.readAllLines(file(), StandardCharsets.UTF_8)) {
        rows.add(line.split("\t", -1));
      }
    }
    int columns = HEADINGS.length;
    int[] widths = new int[columns];
    for (String[] row : rows) {
      for (int i = 0; i < columns; i++) {
        widths[i] = Math.max(widths[i], i < row.length ? row[i].length() : 0);
      }
    }
    Path start = dir().resolve("load-at-start.txt");
    String loadAtStart = Files.exists(start) ? Files.readString(start).trim() : "?";
    System.out.println();
    System.out.println(
        "_Gitwatch benchmarks on " + Machine.describe() + "_ (measured " + LocalDate.now() + ")");
    System.out.println();
    System.out.println(
        "Sharing the "
            + Runtime.getRuntime().availableProcessors()
            + " cores: Liberty (Gitwatch under test, and the echo WARs), the support JVM (fabric8's"
            + " mock API server and JGit's smart-HTTP git server), the load driver (Failsafe's JVM)"
            + " and whatever else ran on the machine (load average "
            + loadAtStart
            + " at the start, "
            + Machine.loadAverage()
            + " at the end). The CPU column is what each used while the row was measured, from"
            + " /proc, in % of one core.");
    System.out.println();
    for (int r = 0; r < rows.size(); r++) {
      String[] row = rows.get(r);
      StringBuilder out = new StringBuilder("| ");
      for (int i = 0; i < columns; i++) {
        String cell = i < row.length ? row[i] : "";
        out.append(cell).append(" ".repeat(widths[i] - cell.length())).append(" | ");
      }
      System.out.println(out.toString().stripTrailing());
      if (r == 0) {
        StringBuilder rule = new StringBuilder("|");
        for (int width : widths) {
          rule.append("-".repeat(width + 2)).append("|");
        }
        System.out.println(rule);
      }
    }
    System.out.println();
  }
}
