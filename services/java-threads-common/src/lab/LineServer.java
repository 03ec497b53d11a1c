package lab;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The original protocol (threadecho2.py's loop) on a thread per connection: read a line, fetch,
 * write the answer, take the next line. Each read and write blocks only its own thread. The
 * line is read byte by byte from a buffered stream rather than with BufferedReader.readLine,
 * which has no length limit: a line one byte over the contract's limit must be refused as
 * soon as that byte arrives, not when (or if) its newline does.
 */
final class LineServer {
  /** How long a connection closed for a too-long line may still send: the error line arrives before the close. */
  private static final int DISCARD_AFTER_TOO_LONG_MS = 2000;

  private final Units units;
  private final Metrics metrics;
  private final Validation validate;
  private final EchoJob job;
  private final Contract contract;
  final Connections connections = new Connections();

  LineServer(Units units, Metrics metrics, Validation validate, EchoJob job, Contract contract) {
    this.units = units;
    this.metrics = metrics;
    this.validate = validate;
    this.job = job;
    this.contract = contract;
  }

  void serve(ServerSocket server) {
    Accept.loop(server, connections, units, this::connection);
  }

  /** Thrown by readLine for a line over the limit. */
  private static final class TooLong extends Exception {
    TooLong() {
      super(null, null, false, false);
    }
  }

  /** One line's bytes without its newline (a trailing '\r' counts, like the other rows); null at EOF. */
  private byte[] readLine(InputStream in) throws IOException, TooLong {
    ByteArrayOutputStream b = new ByteArrayOutputStream(256);
    while (true) {
      int c = in.read();
      if (c < 0) return b.size() == 0 ? null : b.toByteArray(); // a last line without newline
      if (c == '\n') return b.toByteArray();
      if (b.size() >= contract.lineMaxBytes) throw new TooLong();
      b.write(c);
    }
  }

  private void connection(Socket s) {
    AtomicLong open = metrics.open("line");
    open.incrementAndGet();
    try (s) {
      s.setTcpNoDelay(true);
      InputStream in = new BufferedInputStream(s.getInputStream());
      OutputStream out = s.getOutputStream();
      while (!connections.stopping()) {
        byte[] raw;
        try {
          raw = readLine(in);
        } catch (TooLong e) {
          metrics.record("line", "bad_request", 0);
          closeAfterTooLong(s, in, out);
          return;
        }
        if (raw == null || !connections.begin(s)) return;
        try {
          out.write(answer(raw).getBytes(StandardCharsets.UTF_8)); // one whole line, one write
        } finally {
          connections.end(s);
        }
      }
    } catch (IOException gone) {
      // the client left, or the drain closed an idle connection
    } finally {
      connections.remove(s);
      open.decrementAndGet();
    }
  }

  private String answer(byte[] raw) {
    long started = System.nanoTime();
    AtomicLong inflight = metrics.inflight("line");
    inflight.incrementAndGet();
    String outcome = "ok";
    try {
      // Invalid UTF-8 becomes U+FFFD (new String replaces it): answered, never fatal.
      String text = new String(raw, StandardCharsets.UTF_8);
      if (text.endsWith("\r")) text = text.substring(0, text.length() - 1);
      validate.checkText(text);
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

  /** The error line, then our side closed; the rest of the client's data is read so that no reset drops the line. */
  private void closeAfterTooLong(Socket s, InputStream in, OutputStream out) throws IOException {
    out.write(contract.lineTooLong.getBytes(StandardCharsets.UTF_8));
    s.shutdownOutput();
    s.setSoTimeout(DISCARD_AFTER_TOO_LONG_MS);
    byte[] sink = new byte[16384];
    try {
      while (in.read(sink) >= 0) { /* discard */ }
    } catch (IOException timeUp) {
      // the client kept sending: cut
    }
  }
}
