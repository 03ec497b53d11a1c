package lab;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * The two kinds of CPU work a request may ask for after its fetch, on the thread that handles it.
 *
 * cpu_iters: the lab's fixed hash (ts-common/cpu-work.ts, labcommon/cpuwork.py): digest = the
 * text's UTF-8 bytes, then iters times digest = sha256(digest).
 *
 * cpu_ms: the same rounds until the OS thread running the request has used M ms of CPU by its
 * own clock (CLOCK_THREAD_CPUTIME_ID, which ThreadMXBean reads). A platform thread asks
 * ThreadMXBean.getCurrentThreadCpuTime(). For a virtual thread JDK 21 answers -1 (CPU time of
 * virtual threads is not supported), so the row reads the clock of its carrier: the platform
 * thread it is mounted on, from the JDK's own Thread.currentCarrierThread() (package-private,
 * reached with --add-opens java.base/java.lang=ALL-UNNAMED, which both rows' command lines
 * pass), through ThreadMXBean.getThreadCpuTime(carrier id). A busy loop never blocks, so the
 * virtual thread stays on that carrier and the carrier runs nothing else meanwhile: the
 * carrier's CPU time over the loop is this request's. The carrier is asked again at every
 * check, and a change of carrier (none expected in JDK 21, which does not time-slice virtual
 * threads) starts a new segment instead of mixing two threads' clocks.
 */
final class CpuWork {
  /** Rounds between two clock readings: about 10-20 us of hashing, so a reading costs little. */
  private static final int ROUNDS_PER_CHECK = 32;
  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
  private static final Method CURRENT_CARRIER = carrierMethod();

  private static Method carrierMethod() {
    try {
      Method m = Thread.class.getDeclaredMethod("currentCarrierThread");
      m.setAccessible(true);
      return m;
    } catch (ReflectiveOperationException | RuntimeException e) {
      return null;
    }
  }

  /**
   * Why cpu_ms cannot be measured on this kind of thread, or null when it can. Main refuses to
   * start a virtual-thread row without the carrier's clock rather than answer with a wrong one.
   */
  static String unsupported(Units.Kind kind) {
    if (!THREADS.isThreadCpuTimeSupported()) return "this JVM does not measure thread CPU time (ThreadMXBean)";
    if (!THREADS.isThreadCpuTimeEnabled()) THREADS.setThreadCpuTimeEnabled(true);
    if (kind == Units.Kind.VIRTUAL && CURRENT_CARRIER == null) {
      return "cpu_ms on virtual threads reads the carrier thread's CPU clock: start the JVM with --add-opens java.base/java.lang=ALL-UNNAMED";
    }
    return null;
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  static byte[] iters(String text, int iters) {
    MessageDigest md = sha256();
    byte[] digest = text.getBytes(StandardCharsets.UTF_8);
    for (int i = 0; i < iters; i++) digest = md.digest(digest);
    return digest;
  }

  /** The OS thread that runs the caller now: itself, or a virtual thread's carrier. */
  private static Thread osThread() {
    Thread t = Thread.currentThread();
    if (!t.isVirtual()) return t;
    try {
      return (Thread) CURRENT_CARRIER.invoke(null);
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("cannot read the carrier thread", e);
    }
  }

  private static long cpuNanos(Thread os) {
    return os == Thread.currentThread() ? THREADS.getCurrentThreadCpuTime() : THREADS.getThreadCpuTime(os.threadId());
  }

  /** Hash rounds until the running OS thread has used ms milliseconds of CPU; returns the nanoseconds used. */
  static long busyFor(String text, int ms) {
    long want = ms * 1_000_000L;
    long used = 0;
    MessageDigest md = sha256();
    byte[] digest = text.getBytes(StandardCharsets.UTF_8);
    Thread os = osThread();
    long mark = cpuNanos(os);
    if (mark < 0) throw new IllegalStateException("no CPU clock for " + os);
    while (used < want) {
      for (int i = 0; i < ROUNDS_PER_CHECK; i++) digest = md.digest(digest);
      Thread now = osThread();
      long clock = cpuNanos(now);
      if (clock < 0) throw new IllegalStateException("no CPU clock for " + now); // never loop blind
      if (now == os) used += clock - mark;
      os = now;
      mark = clock;
    }
    return used;
  }
}
