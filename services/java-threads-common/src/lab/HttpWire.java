package lab;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;

/**
 * HTTP/1.1 on a blocking socket, the part this row needs: read one request's head (and skip a
 * body), write one response in one write (no Nagle/delayed-ACK stall between head and body).
 * Written by hand rather than with com.sun.net.httpserver, whose dispatcher thread reads every
 * request and parks idle keep-alive connections in a selector: here the connection's own
 * thread does it all, as in threadecho2.py, and the row can count its open connections.
 */
final class HttpWire {
  private static final int MAX_LINE = 8192;
  private static final int MAX_HEADERS = 100;
  private static final long MAX_BODY = 1 << 20;

  /** A request head; path and query are raw (not decoded), their bytes as ISO-8859-1 chars. */
  record Request(String method, String path, String query, boolean keepAlive) {}

  /** A request this server cannot read: answered with status and reason, then the connection closes. */
  static final class Malformed extends Exception {
    final int status;

    Malformed(int status, String reason) {
      super(reason, null, false, false);
      this.status = status;
    }
  }

  /** One line without its CRLF; null at EOF before any byte. */
  private static String line(InputStream in) throws IOException, Malformed {
    ByteArrayOutputStream b = new ByteArrayOutputStream(128);
    while (true) {
      int c = in.read();
      if (c < 0) {
        if (b.size() == 0) return null;
        throw new Malformed(400, "request ended inside a line");
      }
      if (c == '\n') break;
      if (b.size() >= MAX_LINE) throw new Malformed(431, "request line or header over " + MAX_LINE + " bytes");
      b.write(c);
    }
    String s = b.toString(StandardCharsets.ISO_8859_1);
    return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
  }

  /** The next request on the connection, null when the client closed it between requests. */
  static Request read(InputStream in) throws IOException, Malformed {
    String start = line(in);
    while (start != null && start.isEmpty()) start = line(in); // tolerated CRLF between requests
    if (start == null) return null;
    String[] parts = start.split(" ");
    if (parts.length != 3 || !parts[2].startsWith("HTTP/1.")) throw new Malformed(400, "bad request line");
    boolean http11 = !parts[2].equals("HTTP/1.0");
    String connection = "";
    long length = 0;
    for (int n = 0; ; n++) {
      String h = line(in);
      if (h == null) throw new Malformed(400, "request ended inside its headers");
      if (h.isEmpty()) break;
      if (n >= MAX_HEADERS) throw new Malformed(431, "more than " + MAX_HEADERS + " headers");
      int colon = h.indexOf(':');
      if (colon <= 0) throw new Malformed(400, "bad header line");
      String name = h.substring(0, colon).trim().toLowerCase(Locale.ROOT);
      String value = h.substring(colon + 1).trim();
      switch (name) {
        case "connection" -> connection = value.toLowerCase(Locale.ROOT);
        case "transfer-encoding" -> throw new Malformed(400, "chunked request bodies are not supported");
        case "content-length" -> {
          try {
            length = Long.parseLong(value);
          } catch (NumberFormatException e) {
            throw new Malformed(400, "bad Content-Length");
          }
          if (length < 0 || length > MAX_BODY) throw new Malformed(413, "request body over " + MAX_BODY + " bytes");
        }
        default -> { }
      }
    }
    // Every route is a GET: a body is read past so that the next request starts where it should.
    if (length > 0) in.skipNBytes(length);
    boolean keepAlive = http11 ? !connection.contains("close") : connection.contains("keep-alive");
    String target = parts[1];
    int q = target.indexOf('?');
    return new Request(parts[0], q < 0 ? target : target.substring(0, q), q < 0 ? "" : target.substring(q + 1), keepAlive);
  }

  private static final Map<Integer, String> REASONS = Map.of(200, "OK", 400, "Bad Request", 404, "Not Found", 405, "Method Not Allowed",
      409, "Conflict", 413, "Content Too Large", 431, "Request Header Fields Too Large", 502, "Bad Gateway", 503, "Service Unavailable",
      504, "Gateway Timeout");

  /** A whole response as one byte array: status line, headers, body. */
  static byte[] response(int status, String contentType, String body, boolean keepAlive) {
    byte[] b = body.getBytes(StandardCharsets.UTF_8);
    String head = "HTTP/1.1 " + status + " " + REASONS.getOrDefault(status, "Status") + "\r\n"
        + "Content-Type: " + contentType + "\r\n"
        + "Content-Length: " + b.length + "\r\n"
        + (keepAlive ? "" : "Connection: close\r\n")
        + "\r\n";
    byte[] h = head.getBytes(StandardCharsets.ISO_8859_1);
    byte[] all = new byte[h.length + b.length];
    System.arraycopy(h, 0, all, 0, h.length);
    System.arraycopy(b, 0, all, h.length, b.length);
    return all;
  }
}
