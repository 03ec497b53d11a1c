package lab;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The HTTP side: a thread per connection (of the row's kind, started by Main.acceptLoop),
 * whose loop is plain blocking code: read a request, handle it (the echo fetches from the
 * upstream on this thread), write the answer, take the next request on the same keep-alive
 * connection. Routes are the contract's exact paths.
 */
final class HttpFront {
  private static final String TEXT = "text/plain; charset=utf-8";
  private static final String METRICS = "text/plain; version=0.0.4; charset=utf-8";
  /** Load generators hold keep-alive connections for a whole step; the other rows keep idle ones 72 s too. */
  static final int IDLE_TIMEOUT_MS = 72_000;

  private final Units units;
  private final Metrics metrics;
  private final Validation validate;
  private final EchoJob job;
  private final HttpWire.Limits limits;
  private final Overhead.Guard experiments = new Overhead.Guard();
  final Connections connections = new Connections();

  HttpFront(Units units, Metrics metrics, Validation validate, EchoJob job, Contract contract) {
    this.limits = new HttpWire.Limits(contract.headerFieldsMaxBytes, contract.bodyMaxBytes);
    this.units = units;
    this.metrics = metrics;
    this.validate = validate;
    this.job = job;
  }

  private record Answer(int status, String type, String body) {
    static Answer text(int status, String body) {
      return new Answer(status, TEXT, oneLine(body));
    }
  }

  /** A reason as one line of text, whatever the upstream or a parser said. */
  static String oneLine(String reason) {
    return String.join(" ", reason.trim().split("\\s+")) + "\n";
  }

  /** One connection, on its own thread (Main.acceptLoop starts it): read a request, answer, repeat. */
  void connection(Socket s) {
    AtomicLong open = metrics.open("http");
    open.incrementAndGet();
    try (s) {
      s.setTcpNoDelay(true);
      s.setSoTimeout(IDLE_TIMEOUT_MS);
      InputStream in = new BufferedInputStream(s.getInputStream());
      OutputStream out = s.getOutputStream();
      while (true) {
        HttpWire.Request req;
        try {
          req = HttpWire.read(in, limits);
        } catch (HttpWire.Malformed m) {
          // Not counted in lab_requests_total: no request was served.
          out.write(HttpWire.response(m.status, TEXT, oneLine(m.getMessage()), false));
          return;
        }
        if (req == null || !connections.begin(s)) return;
        boolean keep;
        try {
          Answer a = handle(req);
          keep = req.keepAlive() && !connections.stopping();
          out.write(HttpWire.response(a.status(), a.type(), a.body(), keep));
        } finally {
          connections.end(s);
        }
        if (!keep) return;
      }
    } catch (SocketTimeoutException idle) {
      // idle longer than IDLE_TIMEOUT_MS: closed
    } catch (IOException gone) {
      // the client left, or the drain closed an idle connection
    } finally {
      connections.remove(s);
      open.decrementAndGet();
    }
  }

  private Answer handle(HttpWire.Request r) {
    if (!r.method().equals("GET")) return Answer.text(405, "method " + Validation.clip(r.method()) + " not allowed, use GET");
    return switch (r.path()) {
      case "/echo" -> echo(r);
      case "/overhead" -> overhead(r);
      case "/healthz" -> new Answer(200, TEXT, "ok\n");
      case "/metrics" -> new Answer(200, METRICS, metrics.render());
      default -> Answer.text(404, "no route GET " + (r.path().length() > 200 ? r.path().substring(0, 200) : r.path()));
    };
  }

  private Answer echo(HttpWire.Request r) {
    long started = System.nanoTime();
    AtomicLong inflight = metrics.inflight("http");
    inflight.incrementAndGet();
    String outcome = "ok";
    try {
      Validation.EchoParams p = validate.echo(Validation.parseQuery(r.query()));
      return new Answer(200, TEXT, "echo: " + job.run(p) + "\n");
    } catch (Validation.Bad bad) {
      outcome = "bad_request";
      return Answer.text(400, bad.getMessage());
    } catch (Upstream.Failure f) {
      outcome = f.outcome;
      return Answer.text(f.status, "error: " + f.getMessage());
    } finally {
      // Counted before the answer leaves, so a scrape right after the client got it sees it.
      metrics.record("http", outcome, (System.nanoTime() - started) / 1e9);
      inflight.decrementAndGet();
    }
  }

  private Answer overhead(HttpWire.Request r) {
    Validation.OverheadParams p;
    try {
      p = validate.overhead(Validation.parseQuery(r.query()));
    } catch (Validation.Bad bad) {
      return Answer.text(400, bad.getMessage());
    }
    String busy = experiments.tryAcquire(p);
    if (busy != null) return Answer.text(409, busy);
    try {
      return new Answer(200, "application/json", Overhead.run(units, p).json() + "\n");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Answer.text(503, "the overhead experiment was interrupted");
    } catch (OutOfMemoryError e) {
      return Answer.text(503, "cannot start " + p.workers() + " threads: " + e.getMessage());
    } finally {
      experiments.release();
    }
  }
}
