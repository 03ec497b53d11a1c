package lab;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import sun.misc.Signal;

/**
 * java-virtual-threads and java-platform-threads: threadecho2.py's loop on a thread per
 * connection, blocking code (ServerSocket, a line read, a blocking HTTP fetch, a write). First
 * below, the loop: accept, a thread per connection, read a line, fetch, write. Then main(): the
 * wiring, the listeners, SIGTERM/SIGINT and the drain. One argument chooses the kind of thread
 * (Units), the only difference between the two rows:
 *   java ... lab.Main virtual|platform
 * Plumbing in sibling classes: LineServer (framing, the line limit, gauges), Connections (the
 * drain), HttpFront (the same job over HTTP), EchoJob and Upstream (the fetch), Metrics,
 * Validation, Overhead.
 * Env: PORT, LINE_PORT, UPSTREAM_URL (required: the lab sets them from the manifest),
 * UPSTREAM_TIMEOUT_MS (10000), BIND (127.0.0.1).
 */
public final class Main {
  // --- threadecho2.py: accept, a thread per connection; it reads a line, fetches, writes ------

  /**
   * Both ports' accept loop, until the socket is closed: `clientsock, addr = serversock.accept()`,
   * then a new thread of the row's kind per connection, where the seed started a threading.Thread.
   */
  void acceptLoop(ServerSocket server, Connections connections, Consumer<Socket> serve) {
    while (!server.isClosed()) {
      Socket s;
      try {
        s = server.accept();
      } catch (IOException e) {
        if (server.isClosed()) return;
        pause(); // EMFILE and friends: wait a little instead of spinning
        continue;
      }
      if (!connections.add(s)) { // draining: refused
        close(s);
        continue;
      }
      try {
        units.start(() -> serve.accept(s));
      } catch (Throwable e) { // no thread to be had (ulimit -u, memory): this connection is refused
        connections.remove(s);
        close(s);
        pause();
      }
    }
  }

  /** threadecho2.py's echo(), on the connection's own thread: read a line, fetch, write, repeat. */
  void echo(Socket s) {
    try (LineServer.Session line = lines.open(s)) { // counted open, known to the drain; closes s
      byte[] raw;
      while ((raw = line.read()) != null) { // line = fileobj.readline(); null: EOF, drain, too long
        line.write(answer(raw)); // the fetch, then one write; only this thread waits
      }
    } catch (IOException gone) {
      // the client left, or the drain closed an idle connection
    }
  }

  /** One line's answer, counted before it leaves: `urllib.urlopen(url).read()` is job.run (EchoJob, Upstream). */
  private String answer(byte[] raw) {
    long started = System.nanoTime();
    AtomicLong inflight = metrics.inflight("line");
    inflight.incrementAndGet();
    String outcome = "ok";
    try {
      String text = lines.text(raw); // UTF-8 (a bad byte: U+FFFD), a trailing '\r' dropped, checked
      return contract.answerPrefix + job.run(new Validation.EchoParams(text, null, 0, 0)) + "\n";
    } catch (Validation.Bad bad) {
      outcome = "bad_request";
      return contract.errorPrefix + HttpFront.oneLine(bad.getMessage());
    } catch (Upstream.Failure f) {
      outcome = f.outcome;
      return contract.errorPrefix + HttpFront.oneLine(f.getMessage());
    } finally {
      metrics.record("line", outcome, (System.nanoTime() - started) / 1e9);
      inflight.decrementAndGet();
    }
  }

  // --- wiring, listeners, SIGTERM/SIGINT and the drain --------------------------------------

  /** How long SIGTERM waits for in-flight requests and lines (the other rows wait 10 s too). */
  private static final long DRAIN_MS = 10_000;

  private final Units units;
  private final Metrics metrics;
  private final Contract contract;
  private final EchoJob job;
  private final LineServer lines;

  private Main(Units units, Metrics metrics, Contract contract, EchoJob job, LineServer lines) {
    this.units = units;
    this.metrics = metrics;
    this.contract = contract;
    this.job = job;
    this.lines = lines;
  }

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
    LineServer lines = new LineServer(metrics, validate, contract);
    Main row = new Main(units, metrics, contract, job, lines);

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
    Thread.ofPlatform().name("accept-http").start(() -> row.acceptLoop(h, http.connections, http::connection));
    Thread.ofPlatform().name("accept-line").start(() -> row.acceptLoop(l, lines.connections, row::echo));

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
    Thread lineDrain = Thread.ofPlatform().start(() -> {
      try {
        lines.connections.drain(DRAIN_MS);
      } catch (InterruptedException ignored) {
        // exiting anyway
      }
    });
    http.connections.drain(DRAIN_MS);
    lineDrain.join();
    System.exit(0);
  }

  private static void pause() {
    try {
      Thread.sleep(5);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void close(Socket s) {
    try {
      s.close();
    } catch (IOException ignored) {
      // nothing more to do for a refused connection
    }
  }
}
