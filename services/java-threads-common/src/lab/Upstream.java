package lab;

import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.HttpURLConnection;
import java.net.Proxy;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/**
 * The fetch every request makes: GET $UPSTREAM_URL/arrpi, written as the seed's blocking urllib
 * call, with java.net.HttpURLConnection on the calling thread. A platform thread blocks in the
 * socket read; a virtual thread unmounts from its carrier until the answer arrives (JDK 21's
 * socket and HttpURLConnection code parks virtual threads instead of pinning them). The JDK's
 * KeepAliveCache keeps upstream connections alive between fetches (http.maxConnections, set
 * in Main, raises its default of 5 idle connections per host). Failures map to the contract's
 * outcomes: slower than UPSTREAM_TIMEOUT_MS -> timeout (504); refused, non-2xx, bad body -> 502.
 */
final class Upstream {
  /** The upstream answers one short line; anything much longer is not a translation. */
  private static final int MAX_BODY = 1 << 20;

  /** Why there is no translation: the outcome counted, the HTTP status answered, one line of reason. */
  static final class Failure extends Exception {
    final String outcome;
    final int status;

    Failure(String outcome, int status, String reason) {
      super(reason, null, false, false);
      this.outcome = outcome;
      this.status = status;
    }
  }

  private final String base;
  private final int timeoutMs;

  Upstream(String base, int timeoutMs) {
    this.base = base;
    this.timeoutMs = timeoutMs;
  }

  /** The text as UTF-8, percent-encoded (spaces as %20). */
  static String arrpiPath(String text, Integer delayMs) {
    String q = URLEncoder.encode(text, StandardCharsets.UTF_8).replace("+", "%20");
    return "/arrpi?text=" + q + (delayMs == null ? "" : "&delay_ms=" + delayMs);
  }

  private static Failure badGateway(String reason) {
    return new Failure("upstream_error", 502, reason);
  }

  /**
   * Blocks until the upstream answered, failed or the timeout passed. The connect and each read
   * wait at most UPSTREAM_TIMEOUT_MS; the upstream sends its one line at once after its delay,
   * so the read timeout bounds the whole fetch. A client that left does not cancel it (as in
   * the blocking originals): only its answer is lost.
   */
  String translate(String text, Integer delayMs) throws Failure {
    HttpURLConnection conn = null;
    try {
      // Loopback lab: never a proxy from the environment.
      conn = (HttpURLConnection) URI.create(base + arrpiPath(text, delayMs)).toURL().openConnection(Proxy.NO_PROXY);
      conn.setConnectTimeout(timeoutMs);
      conn.setReadTimeout(timeoutMs);
      conn.setUseCaches(false);
      int status = conn.getResponseCode();
      // The error body is read to its end too: only a fully read answer returns its
      // connection to the keep-alive cache.
      InputStream in = status >= 400 ? conn.getErrorStream() : conn.getInputStream();
      byte[] body = in == null ? new byte[0] : in.readNBytes(MAX_BODY);
      if (in != null) in.close();
      if (status < 200 || status > 299) throw badGateway("upstream answered HTTP " + status);
      return translation(body);
    } catch (SocketTimeoutException e) {
      throw new Failure("timeout", 504, "upstream did not answer within " + timeoutMs + " ms");
    } catch (ConnectException e) {
      throw badGateway("upstream refused the connection");
    } catch (IOException | IllegalArgumentException e) {
      if (conn != null) conn.disconnect();
      String reason = String.join(" ", String.valueOf(e.getMessage()).split("\\s+"));
      throw badGateway("upstream failed: " + (reason.length() > 200 ? reason.substring(0, 200) : reason));
    }
  }

  /** The upstream's line, one trailing newline dropped: the answer is exactly "echo: <translation>\n". */
  static String translation(byte[] body) throws Failure {
    var decoder = StandardCharsets.UTF_8.newDecoder();
    String text;
    try {
      text = decoder.decode(java.nio.ByteBuffer.wrap(body)).toString();
    } catch (java.nio.charset.CharacterCodingException e) {
      throw badGateway("upstream sent a bad body: not UTF-8");
    }
    if (text.endsWith("\n")) text = text.substring(0, text.length() - 1);
    if (text.contains("\n")) throw badGateway("upstream sent a bad body: more than one line");
    return text;
  }
}
