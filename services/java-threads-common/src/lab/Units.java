package lab;

import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicLong;

/**
 * THE switch between the two Java rows: the kind of thread that runs every connection, every
 * /overhead worker and every spawned task. Everything else in this code base is the same for
 * both. A virtual thread (Thread.ofVirtual) is mounted on one of a few carrier threads and
 * unmounted whenever it blocks in a socket read, write, sleep or lock; a platform thread
 * (Thread.ofPlatform) is an OS thread with its own stack for its whole life.
 *
 * The JVM has no count of live virtual threads (Thread.getAllStackTraces and ThreadMXBean see
 * platform threads only), so the row counts the units it starts itself, for both kinds alike:
 * lab_concurrency_units is that count; lab_os_threads (from /proc) is what the OS runs.
 */
final class Units {
  enum Kind {
    VIRTUAL("virtual", "virtual_threads"),
    PLATFORM("platform", "threads");

    final String arg;
    /** The manifest's concurrencyUnit, the label of lab_concurrency_units. */
    final String unitLabel;

    Kind(String arg, String unitLabel) {
      this.arg = arg;
      this.unitLabel = unitLabel;
    }

    static Kind of(String arg) {
      for (Kind k : values()) if (k.arg.equals(arg)) return k;
      throw new IllegalArgumentException("the kind of thread must be 'virtual' or 'platform', got '" + arg + "'");
    }
  }

  final Kind kind;
  private final ThreadFactory factory;
  private final AtomicLong live = new AtomicLong();

  Units(Kind kind) {
    this.kind = kind;
    // A builder's factory is thread safe (a builder is not). Platform threads are daemons so
    // that a connection's thread never holds the JVM up after the drain; virtual ones are
    // daemons by definition.
    this.factory = kind == Kind.VIRTUAL
        ? Thread.ofVirtual().name("unit-", 0).factory()
        : Thread.ofPlatform().daemon(true).name("unit-", 0).factory();
  }

  /** Starts task on a new unit of this row's kind, counted while it runs. */
  Thread start(Runnable task) {
    live.incrementAndGet();
    Thread t = factory.newThread(() -> {
      try {
        task.run();
      } finally {
        live.decrementAndGet();
      }
    });
    try {
      t.start();
    } catch (Throwable e) { // OutOfMemoryError "unable to create native thread", for one
      live.decrementAndGet();
      throw e;
    }
    return t;
  }

  /** Units of this kind started by the row and not yet finished. */
  long live() {
    return live.get();
  }
}
