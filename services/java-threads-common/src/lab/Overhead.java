package lab;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The pool-overhead experiment in this row's unit, the kind of thread Units starts
 * (contract/README.md, /overhead):
 *  - pool (the original concurrency_test.py): C long-lived threads loop "take a task from an
 *    ArrayBlockingQueue(C), sleep S ms, count it done"; the caller puts N tasks (blocking while
 *    the queue is full), waits for the last one, then stops the workers with one stop task each.
 *    The seed's clock (DESIGN.md): its WorkerPool starts the workers in __init__ and only then
 *    takes start_time, so elapsed_s runs from after the C workers are started to the last task
 *    done, and the time to start them is reported beside it as setup_s.
 *  - spawn: a new thread per task, at most C alive (a Semaphore(C) the caller acquires before
 *    each start, the task releases): creating units is inside the window; setup_s is 0.
 */
final class Overhead {
  record Result(int workers, int tasks, int sleepMs, String mode, double elapsedS, double setupS, double idealS) {
    String json() {
      Double overhead = idealS > 0 ? elapsedS / idealS : null;
      return String.format(Locale.ROOT,
          "{\"workers\":%d,\"tasks\":%d,\"sleep_ms\":%d,\"mode\":%s,\"elapsed_s\":%s,\"setup_s\":%s,\"ideal_s\":%s,\"overhead\":%s}",
          workers, tasks, sleepMs, Json.quote(mode), elapsedS, setupS, idealS, overhead == null ? "null" : overhead.toString());
    }
  }

  private static final int STOP = -1;

  static Result run(Units units, Validation.OverheadParams p) throws InterruptedException {
    double ideal = p.sleepMs() * (double) p.tasks() / p.workers() / 1000;
    long[] times = "spawn".equals(p.mode()) ? spawn(units, p) : pool(units, p);
    return new Result(p.workers(), p.tasks(), p.sleepMs(), p.mode(), times[0] / 1e9, times[1] / 1e9, ideal);
  }

  /** {elapsed, setup} in nanoseconds. */
  static long[] pool(Units units, Validation.OverheadParams p) throws InterruptedException {
    ArrayBlockingQueue<Integer> queue = new ArrayBlockingQueue<>(p.workers());
    CountDownLatch done = new CountDownLatch(p.tasks());
    List<Thread> workers = new ArrayList<>(p.workers());
    long t0 = System.nanoTime();
    for (int i = 0; i < p.workers(); i++) {
      workers.add(units.start(() -> {
        try {
          while (queue.take() != STOP) {
            Thread.sleep(p.sleepMs());
            done.countDown();
          }
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }));
    }
    long started = System.nanoTime();
    for (int i = 0; i < p.tasks(); i++) queue.put(i);
    done.await();
    long elapsed = System.nanoTime() - started;
    for (int i = 0; i < p.workers(); i++) queue.put(STOP);
    for (Thread w : workers) w.join();
    return new long[] {elapsed, started - t0};
  }

  static long[] spawn(Units units, Validation.OverheadParams p) throws InterruptedException {
    Semaphore slots = new Semaphore(p.workers());
    CountDownLatch done = new CountDownLatch(p.tasks());
    long started = System.nanoTime();
    for (int i = 0; i < p.tasks(); i++) {
      slots.acquire();
      units.start(() -> {
        try {
          Thread.sleep(p.sleepMs());
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        } finally {
          slots.release();
          done.countDown();
        }
      });
    }
    done.await();
    return new long[] {System.nanoTime() - started, 0};
  }

  /** One experiment at a time: a second one would measure the first one's load. */
  static final class Guard {
    private final AtomicReference<Validation.OverheadParams> running = new AtomicReference<>();

    /** null when the slot is taken for p, else the reason for a 409. */
    String tryAcquire(Validation.OverheadParams p) {
      if (running.compareAndSet(null, p)) return null;
      Validation.OverheadParams r = running.get();
      if (r == null) return "an overhead experiment is already running; retry when it ends";
      return "an overhead experiment is already running (workers=" + r.workers() + ", tasks=" + r.tasks() + ", sleep_ms=" + r.sleepMs()
          + ", mode=" + r.mode() + "); retry when it ends";
    }

    void release() {
      running.set(null);
    }
  }
}
