package io.gitwatch.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The benchmark table: each benchmark appends its rows to {@code target/bench/results.tsv} as it
 * finishes, and {@link #main} prints them all, with the machine they were measured on, as the last
 * step of {@code mvn -P bench verify}.
 */
public final class BenchTable {

  private BenchTable() {}

  static Path file() {
    return Path.of(System.getProperty("gitwatch.basedir", "."), "target", "bench", "results.tsv");
  }

  /** Starts an empty table (the first step of a bench run). */
  public static void reset() {
    try {
      Files.createDirectories(file().getParent());
      Files.deleteIfExists(file());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * One row: what was measured, the number, the target, and whether it was met ({@code null} when
   * there is no target).
   */
  public static synchronized void row(String what, String measured, String target, Boolean met) {
    String verdict = met == null ? "" : met ? "OK" : "MISSED";
    String line = String.join("\t", what, measured, target == null ? "" : target, verdict) + "\n";
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
    rows.add(new String[] {"Benchmark", "Measured", "Target", ""});
    if (Files.exists(file())) {
      for (String line : Files.readAllLines(file(), StandardCharsets.UTF_8)) {
        rows.add(line.split("\t", -1));
      }
    }
    int[] widths = new int[4];
    for (String[] row : rows) {
      for (int i = 0; i < 4; i++) {
        widths[i] = Math.max(widths[i], i < row.length ? row[i].length() : 0);
      }
    }
    System.out.println();
    System.out.println("Gitwatch benchmarks on " + Machine.describe());
    System.out.println();
    for (int r = 0; r < rows.size(); r++) {
      String[] row = rows.get(r);
      StringBuilder out = new StringBuilder("| ");
      for (int i = 0; i < 4; i++) {
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
