package io.gitwatch.bench;

import io.gitwatch.bench.support.SupportJvm;

/**
 * The CPU each process sharing the machine used during one measurement: Liberty (Gitwatch), the
 * support JVM (mock API server and git server), this JVM (the load driver) and everything else,
 * from {@code /proc}, in percent of one core.
 */
public final class CpuWindow {

  private final long libertyPid;
  private final SupportJvm support;
  private final long driverPid = ProcessHandle.current().pid();
  private final double liberty;
  private final double supportJvm;
  private final double driver;
  private final double machine;
  private final long startNanos = System.nanoTime();

  private CpuWindow(long libertyPid, SupportJvm support) {
    this.libertyPid = libertyPid;
    this.support = support;
    liberty = libertyPid > 0 ? Machine.cpuSeconds(libertyPid) : Double.NaN;
    supportJvm = support.cpuSeconds();
    driver = Machine.cpuSeconds(driverPid);
    machine = Machine.machineCpuSeconds();
  }

  /** Starts a window on the benchmarks' Liberty server and the shared support JVM. */
  public static CpuWindow start() {
    return new CpuWindow(
        Machine.libertyPid(Machine.testServerName()).orElse(-1L), SupportJvm.shared());
  }

  /** Starts a window on another Liberty process. */
  public static CpuWindow start(long libertyPid) {
    return new CpuWindow(libertyPid, SupportJvm.shared());
  }

  /** Liberty's share so far, in percent of one core. */
  public double libertyPercent() {
    return percent(Machine.cpuSeconds(libertyPid) - liberty);
  }

  /** The shares so far, for the table's CPU column. */
  public String end() {
    double l = Machine.cpuSeconds(libertyPid) - liberty;
    double s = support.cpuSeconds() - supportJvm;
    double d = Machine.cpuSeconds(driverPid) - driver;
    double other = Math.max(0, Machine.machineCpuSeconds() - machine - l - s - d);
    return BenchTable.format(
        "%.0f / %.0f / %.0f / %.0f", percent(l), percent(s), percent(d), percent(other));
  }

  private double percent(double cpuSeconds) {
    return 100 * cpuSeconds / ((System.nanoTime() - startNanos) / 1e9);
  }
}
