package io.gitwatch.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The machine and the Liberty process under test, seen from the benchmark's JVM: its description
 * for the table, and the server's CPU time and heap (Linux {@code /proc} and the JDK's {@code
 * jcmd}).
 */
public final class Machine {

  private Machine() {}

  /** Cores, CPU model, memory and Java: where the numbers came from. */
  public static String describe() {
    String cpu = "unknown CPU";
    String memory = "";
    try {
      cpu =
          Files.readAllLines(Path.of("/proc/cpuinfo")).stream()
              .filter(l -> l.startsWith("model name"))
              .map(l -> l.substring(l.indexOf(':') + 1).trim())
              .findFirst()
              .orElse(cpu);
      memory =
          Files.readAllLines(Path.of("/proc/meminfo")).stream()
              .filter(l -> l.startsWith("MemTotal"))
              .map(l -> Long.parseLong(l.replaceAll("\\D", "")) / 1024 / 1024 + " GiB, ")
              .findFirst()
              .orElse("");
    } catch (IOException | RuntimeException e) {
      // not Linux: the description says less
    }
    return Runtime.getRuntime().availableProcessors()
        + " cores ("
        + cpu
        + "), "
        + memory
        + "Java "
        + System.getProperty("java.version")
        + ", Open Liberty "
        + System.getProperty("liberty.version", "?");
  }

  /** The process id of the Liberty server {@code server}, if it runs on this machine. */
  public static Optional<Long> libertyPid(String server) {
    return ProcessHandle.allProcesses()
        .filter(
            p ->
                p.info()
                    .arguments()
                    .map(a -> String.join(" ", a))
                    .map(a -> a.contains("ws-server.jar") && a.contains(server))
                    .orElse(false))
        .map(ProcessHandle::pid)
        .findFirst();
  }

  /** The name of the Liberty server the benchmarks run on ({@code it.server.name}). */
  public static String testServerName() {
    return System.getProperty("it.server.name", "itServer");
  }

  /** The 1, 5 and 15 minute load averages, as {@code /proc/loadavg} gives them. */
  public static String loadAverage() {
    try {
      String[] fields = Files.readString(Path.of("/proc/loadavg")).split(" ");
      return fields[0] + ", " + fields[1] + ", " + fields[2];
    } catch (IOException | RuntimeException e) {
      return "?";
    }
  }

  /** CPU seconds all processes on the machine have used so far (busy time of every core). */
  public static double machineCpuSeconds() {
    try {
      String[] fields = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
      long busy = 0;
      // cpu user nice system idle iowait irq softirq steal ...: all but idle (4) and iowait (5)
      for (int i = 1; i < Math.min(fields.length, 9); i++) {
        if (i != 4 && i != 5) {
          busy += Long.parseLong(fields[i]);
        }
      }
      return busy / 100.0;
    } catch (IOException | RuntimeException e) {
      return Double.NaN;
    }
  }

  /** CPU seconds (user + system) the process has used so far. */
  public static double cpuSeconds(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
      String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      // utime and stime are fields 14 and 15 of stat; 12 and 13 after pid and (comm)
      long ticks = Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
      return ticks / 100.0; // USER_HZ is 100 on Linux
    } catch (IOException | RuntimeException e) {
      return Double.NaN;
    }
  }

  /** Heap in use after a full GC, in MiB, asked of the process with {@code jcmd}. */
  public static double heapAfterGcMiB(long pid) {
    jcmd(pid, "GC.run");
    String info = jcmd(pid, "GC.heap_info");
    // HotSpot: "... total 123456K, used 45678K [...]" on the first heap line
    var matcher = java.util.regex.Pattern.compile("used (\\d+)K").matcher(info);
    return matcher.find() ? Long.parseLong(matcher.group(1)) / 1024.0 : Double.NaN;
  }

  /**
   * Writes the process's thread dump to target/bench/{@code name} (for a row that could not be
   * measured because the server stopped answering); returns the file's path.
   */
  public static Path threadDump(long pid, String name) {
    Path file = Path.of(System.getProperty("gitwatch.basedir", "."), "target", "bench", name);
    try {
      Files.writeString(file, jcmd(pid, "Thread.print"));
    } catch (IOException e) {
      // the row still says why it was not measured
    }
    return Path.of("target", "bench", name);
  }

  private static String jcmd(long pid, String command) {
    Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
    try {
      Process process =
          new ProcessBuilder(jcmd.toString(), Long.toString(pid), command)
              .redirectErrorStream(true)
              .start();
      String out = new String(process.getInputStream().readAllBytes());
      process.waitFor();
      return out;
    } catch (IOException e) {
      return "";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "";
    }
  }
}
