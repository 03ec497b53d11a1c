package lab;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * HTTP/1.1 on a blocking socket, the part this row needs: read one request's head (and skip a
 * body), write one response in one write (no Nagle/delayed-ACK stall between head and body).
 * Written by hand rather than with com.sun.net.httpserver, whose dispatcher thread reads every
 * request and parks idle keep-alive connections in a selector: here the connection's own
 * thread does it all, as in threadecho2.py, and the row can count its open connections.
 */
final class HttpWire {
  /** A request line carries up to 4096 bytes of text, %-encoded (~12 KiB), and the other parameters. */
  private static final int MAX_REQUEST_LINE = 65536;
  private static final int MAX_HEADERS = 100;

  /**
   * The contract's request limits (contract/README.md, "Limits"): header fields over
   * fieldsMax bytes (`name: value\r\n` each, the request line excluded) -> 431, a
   * Content-Length over bodyMax -> 413. The head is read to its end first, so that closing
   * after the answer leaves nothing unread (a reset could drop the answer).
   */
  record Limits(int fieldsMax, long bodyMax) {}

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

  /** A line without its CRLF, at most `max` bytes of it kept; `length` is its whole length. */
  private record Line(String text, int length) {}

  /** The next line; null at EOF before any byte. */
  private static Line line(InputStream in, int max) throws IOException, Malformed {
    ByteArrayOutputStream b = new ByteArrayOutputStream(128);
    int length = 0;
    while (true) {
      int c = in.read();
      if (c < 0) {
        if (length == 0) return null;
        throw new Malformed(400, "request ended inside a line");
      }
      if (c == '\n') break;
      if (length++ < max) b.write(c);
    }
    String s = b.toString(StandardCharsets.ISO_8859_1);
    if (s.endsWith("\r") && length <= max) return new Line(s.substring(0, s.length() - 1), length - 1);
    return new Line(s, length);
  }

  /** The next request on the connection, null when the client closed it between requests. */
  static Request read(InputStream in, Limits limits) throws IOException, Malformed {
    Line first = line(in, MAX_REQUEST_LINE);
    while (first != null && first.length() == 0) first = line(in, MAX_REQUEST_LINE); // tolerated CRLF between requests
    if (first == null) return null;
    if (first.length() > MAX_REQUEST_LINE) throw new Malformed(414, "request line over " + MAX_REQUEST_LINE + " bytes");
    String[] parts = first.text().split(" ");
    if (parts.length != 3 || !parts[2].startsWith("HTTP/1.")) throw new Malformed(400, "bad request line");
    boolean http11 = !parts[2].equals("HTTP/1.0");
    String connection = "";
    long length = 0;
    int fields = 0; // bytes of the header fields as sent
    Malformed refused = null; // the first problem; the head is still read to its end
    for (int n = 0; ; n++) {
      Line h = line(in, limits.fieldsMax() + 1);
      if (h == null) throw new Malformed(400, "request ended inside its headers");
      if (h.length() == 0) break;
      // A head far past the limit is cut without reading on (the socket's timeout bounds a slow one).
      if (fields > 8 * limits.fieldsMax()) throw fieldsTooLarge(fields, limits);
      if (n >= MAX_HEADERS) throw new Malformed(431, "error: more than " + MAX_HEADERS + " header fields");
      if (h.length() > limits.fieldsMax()) { // over the limit alone, and only partly kept: counted, not parsed
        fields += h.length() + 2;
        continue;
      }
      int colon = h.text().indexOf(':');
      if (colon <= 0) throw new Malformed(400, "bad header line");
      String name = h.text().substring(0, colon).trim().toLowerCase(Locale.ROOT);
      String value = h.text().substring(colon + 1).trim();
      fields += name.length() + value.length() + 4;
      if (refused != null) continue;
      switch (name) {
        case "connection" -> connection = value.toLowerCase(Locale.ROOT);
        case "transfer-encoding" -> refused = new Malformed(400, "chunked request bodies are not supported");
        case "content-length" -> {
          try {
            length = Long.parseLong(value);
          } catch (NumberFormatException e) {
            refused = new Malformed(400, "bad Content-Length");
          }
          if (length < 0) refused = new Malformed(400, "bad Content-Length");
        }
        default -> { }
      }
    }
    if (fields > limits.fieldsMax()) throw fieldsTooLarge(fields, limits);
    if (refused != null) throw refused;
    if (length > limits.bodyMax()) {
      throw new Malformed(413, "error: request body is " + length + " bytes, at most " + limits.bodyMax() + " allowed");
    }
    // Every route is a GET: a body is read past so that the next request starts where it should.
    if (length > 0) in.skipNBytes(length);
    boolean keepAlive = http11 ? !connection.contains("close") : connection.contains("keep-alive");
    String target = parts[1];
    int q = target.indexOf('?');
    return new Request(parts[0], q < 0 ? target : target.substring(0, q), q < 0 ? "" : target.substring(q + 1), keepAlive);
  }

  private static Malformed fieldsTooLarge(int fields, Limits limits) {
    return new Malformed(431, "error: request header fields are " + fields + " bytes, at most " + limits.fieldsMax() + " allowed");
  }

  private static String reason(int status) {
    return switch (status) {
      case 200 -> "OK";
      case 400 -> "Bad Request";
      case 404 -> "Not Found";
      case 405 -> "Method Not Allowed";
      case 409 -> "Conflict";
      case 413 -> "Content Too Large";
      case 414 -> "URI Too Long";
      case 431 -> "Request Header Fields Too Large";
      case 502 -> "Bad Gateway";
      case 503 -> "Service Unavailable";
      case 504 -> "Gateway Timeout";
      default -> "Status";
    };
  }

  /** A whole response as one byte array: status line, headers, body. */
  static byte[] response(int status, String contentType, String body, boolean keepAlive) {
    byte[] b = body.getBytes(StandardCharsets.UTF_8);
    String head = "HTTP/1.1 " + status + " " + reason(status) + "\r\n"
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
