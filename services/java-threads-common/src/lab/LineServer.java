package lab;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The line protocol's plumbing under Main.echo (threadecho2.py's loop, on a thread per
 * connection): each connection's gauge and its place in the drain (Connections), the line
 * framing with the contract's limit, the too-long refusal, the text's decoding and checks.
 * The line is read byte by byte from a buffered stream rather than with BufferedReader.readLine,
 * which has no length limit: a line one byte over the contract's limit must be refused as
 * soon as that byte arrives, not when (or if) its newline does.
 */
final class LineServer {
  /** How long a connection closed for a too-long line may still send: the error line arrives before the close. */
  private static final int DISCARD_AFTER_TOO_LONG_MS = 2000;

  private final Metrics metrics;
  private final Validation validate;
  private final Contract contract;
  final Connections connections = new Connections();

  LineServer(Metrics metrics, Validation validate, Contract contract) {
    this.metrics = metrics;
    this.validate = validate;
    this.contract = contract;
  }

  /** One accepted connection, counted open from here until close() (which closes the socket). */
  Session open(Socket s) throws IOException {
    Session session = new Session(s);
    try {
      session.start();
    } catch (IOException | RuntimeException e) {
      session.close();
      throw e;
    }
    return session;
  }

  final class Session implements AutoCloseable {
    private final Socket s;
    private final AtomicLong open = metrics.open("line");
    private InputStream in;
    private OutputStream out;

    private Session(Socket s) {
      this.s = s;
      open.incrementAndGet();
    }

    private void start() throws IOException {
      s.setTcpNoDelay(true);
      in = new BufferedInputStream(s.getInputStream());
      out = s.getOutputStream();
    }

    /**
     * The next line to answer, its bytes without the newline (a trailing '\r' counts, like the
     * other rows), the connection then marked busy for the drain until write(); null when there
     * is none: EOF, the drain, or a line over the limit (answered here, then the connection ends).
     */
    byte[] read() throws IOException {
      if (connections.stopping()) return null;
      byte[] raw;
      try {
        raw = readLine();
      } catch (TooLong e) {
        metrics.record("line", "bad_request", 0);
        closeAfterTooLong();
        return null;
      }
      if (raw == null || !connections.begin(s)) return null;
      return raw;
    }

    /** The answer, one whole line in one write; the connection is idle again for the drain. */
    void write(String answer) throws IOException {
      try {
        out.write(answer.getBytes(StandardCharsets.UTF_8));
      } finally {
        connections.end(s);
      }
    }

    @Override
    public void close() {
      try {
        s.close();
      } catch (IOException ignored) {
        // closing is all that is wanted
      } finally {
        connections.remove(s);
        open.decrementAndGet();
      }
    }

    /** One line's bytes without its newline; null at EOF. */
    private byte[] readLine() throws IOException, TooLong {
      ByteArrayOutputStream b = new ByteArrayOutputStream(256);
      while (true) {
        int c = in.read();
        if (c < 0) return b.size() == 0 ? null : b.toByteArray(); // a last line without newline
        if (c == '\n') return b.toByteArray();
        if (b.size() >= contract.lineMaxBytes) throw new TooLong();
        b.write(c);
      }
    }

    /** The error line, then our side closed; the rest of the client's data is read so that no reset drops the line. */
    private void closeAfterTooLong() throws IOException {
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

  /** Thrown by readLine for a line over the limit. */
  private static final class TooLong extends Exception {
    TooLong() {
      super(null, null, false, false);
    }
  }

  /** The line as text: invalid UTF-8 becomes U+FFFD (new String replaces it), a trailing '\r' is dropped; the contract's checks. */
  String text(byte[] raw) throws Validation.Bad {
    String text = new String(raw, StandardCharsets.UTF_8);
    if (text.endsWith("\r")) text = text.substring(0, text.length() - 1);
    validate.checkText(text);
    return text;
  }
}
