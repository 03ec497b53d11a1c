package lab;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.concurrent.CountDownLatch;
import sun.misc.Signal;

/**
 * java-virtual-threads and java-platform-threads: the echo job on a thread per connection,
 * blocking code (ServerSocket, a line read, a blocking HTTP fetch, a write). One argument
 * chooses the kind of thread (Units), the only difference between the two rows:
 *   java ... lab.Main virtual|platform
 * Env: PORT, LINE_PORT, UPSTREAM_URL (required: the lab sets them from the manifest),
 * UPSTREAM_TIMEOUT_MS (10000), BIND (127.0.0.1).
 */
public final class Main {
  /** How long SIGTERM waits for in-flight requests and lines (the other rows wait 10 s too). */
  private static final long DRAIN_MS = 10_000;

  private Main() {}

  static String model(Units.Kind kind) {
    return kind == Units.Kind.VIRTUAL
        ? "a virtual thread per connection, blocking code (ServerSocket, readLine, a blocking HTTP fetch)"
        : "the same code, one platform (OS) thread per connection: Java threads without a GIL";
  }

  static String runtime(Units.Kind kind) {
    return "openjdk " + Runtime.version() + " (" + kind.arg + " threads)";
  }

  private static void fail(String impl, int code, String message) {
    System.err.println(impl + ": " + message);
    System.exit(code);
  }

  public static void main(String[] args) throws Exception {
    if (args.length != 1) fail("java-threads", 2, "usage: lab.Main virtual|platform");
    Units.Kind kind;
    try {
      kind = Units.Kind.of(args[0]);
    } catch (IllegalArgumentException e) {
      fail("java-threads", 2, e.getMessage());
      return;
    }
    String impl = "java-" + kind.arg + "-threads";
    // Before the first HttpURLConnection: keep every upstream connection alive between fetches
    // (the JDK keeps 5 idle connections per host by default and closes the rest after use).
    System.setProperty("http.maxConnections", "65536");
    Config cfg = null;
    Contract contract = null;
    try {
      cfg = Config.read(System::getenv);
      contract = Contract.load(Contract.defaultPath());
    } catch (Config.BadConfig e) {
      fail(impl, 2, "bad configuration: " + e.getMessage());
    } catch (Exception e) {
      fail(impl, 2, e.getMessage());
    }
    String noClock = CpuWork.unsupported(kind);
    if (noClock != null) fail(impl, 2, noClock);

    Units units = new Units(kind);
    Metrics metrics = new Metrics(contract, new Metrics.RowInfo(impl, model(kind), "java", runtime(kind)), kind.unitLabel, units::live);
    Validation validate = new Validation(contract);
    EchoJob job = new EchoJob(new Upstream(cfg.upstreamUrl(), cfg.upstreamTimeoutMs()), metrics);
    HttpFront http = new HttpFront(units, metrics, validate, job, contract);
    LineServer line = new LineServer(units, metrics, validate, job, contract);

    ServerSocket httpSocket = null;
    ServerSocket lineSocket = null;
    try {
      InetAddress bind = InetAddress.getByName(cfg.bind());
      httpSocket = new ServerSocket();
      httpSocket.bind(new InetSocketAddress(bind, cfg.port()), 4096);
      lineSocket = new ServerSocket();
      lineSocket.bind(new InetSocketAddress(bind, cfg.linePort()), 4096);
    } catch (Exception e) {
      fail(impl, 1, "cannot listen (" + cfg.bind() + ", ports " + cfg.port() + "/" + cfg.linePort() + "): " + e.getMessage());
    }
    ServerSocket h = httpSocket;
    ServerSocket l = lineSocket;
    // The accept loops are plumbing, not units: one platform thread each, in both rows.
    Thread.ofPlatform().name("accept-http").start(() -> http.serve(h));
    Thread.ofPlatform().name("accept-line").start(() -> line.serve(l));

    // The main thread waits for SIGTERM/SIGINT and drains: the JVM ends when its last
    // non-daemon thread does, and every connection's thread is a daemon, so the drain must run
    // on this one (not on the signal's own thread, after the accept loops have ended).
    CountDownLatch stop = new CountDownLatch(1);
    for (String sig : new String[] {"TERM", "INT"}) {
      Signal.handle(new Signal(sig), s -> {
        System.err.println(impl + ": SIG" + s.getName() + ": draining");
        stop.countDown();
      });
    }
    // One parseable line: tests start the row with PORT=0 and read the ports from it.
    System.err.println(impl + ": listening http=" + h.getLocalPort() + " line=" + l.getLocalPort() + " bind=" + cfg.bind()
        + " upstream=" + cfg.upstreamUrl());
    stop.await();
    h.close();
    l.close();
    Thread lines = Thread.ofPlatform().start(() -> {
      try {
        line.connections.drain(DRAIN_MS);
      } catch (InterruptedException ignored) {
        // exiting anyway
      }
    });
    http.connections.drain(DRAIN_MS);
    lines.join();
    System.exit(0);
  }
}
