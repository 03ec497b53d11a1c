package lab;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * lab_os_threads, process_* and lab_context_switches_total for this one process, from /proc like
 * the other rows: threads and CPU from /proc/self/stat, RSS from /proc/self/status (VmRSS, so no
 * page size is assumed). The JDK has no getrusage, and /proc/self/status counts the switches of
 * the main thread alone, so switches are summed over /proc/self/task/* /status as the Node rows
 * do, at most every 10 s above 256 threads (one file per thread per scrape made python-threads
 * spend more CPU on being observed than on its work: contract change 13). Threads that exited
 * take their switches with them; the counter is held where it was rather than go down.
 */
final class ProcStats {
  record Sample(long threads, double cpuSeconds, long rssBytes, long voluntary, long involuntary) {}

  /** USER_HZ: 100 on every Linux ABI the JDK runs on; /proc reports utime and stime in it. */
  private static final double TICKS_PER_SECOND = 100;
  private static final int MANY_THREADS = 256;
  private static final long SLOW_REFRESH_NANOS = 10_000_000_000L;

  private long voluntary, involuntary, switchesReadAt;
  private boolean switchesRead;

  synchronized Sample sample() {
    try {
      String stat = Files.readString(Path.of("/proc/self/stat"));
      // The command name may hold spaces and ')': fields are split after the last ')'.
      String[] f = stat.substring(stat.lastIndexOf(')') + 2).trim().split(" +");
      long threads = Long.parseLong(f[17]);
      double cpu = (Long.parseLong(f[11]) + Long.parseLong(f[12]) + Long.parseLong(f[13]) + Long.parseLong(f[14])) / TICKS_PER_SECOND;
      long rss = 0;
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith("VmRSS:")) rss = Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
      }
      long now = System.nanoTime();
      if (!switchesRead || threads <= MANY_THREADS || now - switchesReadAt >= SLOW_REFRESH_NANOS) {
        readSwitches();
        switchesRead = true;
        switchesReadAt = now;
      }
      return new Sample(threads, cpu, rss, voluntary, involuntary);
    } catch (IOException | RuntimeException e) {
      return null; // not Linux: the scrape goes on without these
    }
  }

  private void readSwitches() throws IOException {
    long vol = 0, invol = 0;
    try (DirectoryStream<Path> tasks = Files.newDirectoryStream(Path.of("/proc/self/task"))) {
      for (Path task : tasks) {
        try {
          for (String line : Files.readAllLines(task.resolve("status"))) {
            if (line.startsWith("voluntary_ctxt_switches:")) vol += Long.parseLong(line.substring(24).trim());
            else if (line.startsWith("nonvoluntary_ctxt_switches:")) invol += Long.parseLong(line.substring(27).trim());
          }
        } catch (IOException gone) {
          // the thread exited between the listing and the read
        }
      }
    }
    voluntary = Math.max(voluntary, vol);
    involuntary = Math.max(involuntary, invol);
  }
}
