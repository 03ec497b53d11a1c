package lab;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * Configuration from the environment only (contract/README.md, "Configuration by environment").
 * A missing or bad value stops the row at start with one line naming the variable (exit 2),
 * never a silent default: ports and the upstream have none, the lab sets them from the manifest.
 */
record Config(int port, int linePort, String bind, String upstreamUrl, int upstreamTimeoutMs) {
  static final int DEFAULT_UPSTREAM_TIMEOUT_MS = 10000;
  private static final String NOT_SET = " is not set (the lab sets it from services/<row>/service.json; set it to run the service by hand)";
  private static final Pattern DIGITS = Pattern.compile("\\d{1,9}");

  /** Thrown with every problem at once, joined by "; ". */
  static final class BadConfig extends Exception {
    BadConfig(String message) {
      super(message);
    }
  }

  static Config read(Function<String, String> getenv) throws BadConfig {
    List<String> problems = new ArrayList<>();
    Function<String, String> get = (name) -> {
      String v = getenv.apply(name);
      return v == null ? "" : v.trim();
    };
    record IntVar(String name, Integer fallback, int lo, int hi) {}
    Function<IntVar, Integer> intVar = (v) -> {
      String raw = get.apply(v.name());
      if (raw.isEmpty()) {
        if (v.fallback() == null) problems.add(v.name() + NOT_SET);
        return v.fallback() == null ? 0 : v.fallback();
      }
      if (!DIGITS.matcher(raw).matches() || Integer.parseInt(raw) < v.lo() || Integer.parseInt(raw) > v.hi()) {
        problems.add(v.name() + " must be an integer from " + v.lo() + " to " + v.hi() + ", got '" + raw + "'");
        return 0;
      }
      return Integer.parseInt(raw);
    };
    int port = intVar.apply(new IntVar("PORT", null, 0, 65535));
    int linePort = intVar.apply(new IntVar("LINE_PORT", null, 0, 65535));
    int timeout = intVar.apply(new IntVar("UPSTREAM_TIMEOUT_MS", DEFAULT_UPSTREAM_TIMEOUT_MS, 1, 600000));
    String bind = get.apply("BIND");
    if (bind.isEmpty()) bind = "127.0.0.1";
    String upstream = get.apply("UPSTREAM_URL").replaceAll("/+$", "");
    if (upstream.isEmpty()) {
      problems.add("UPSTREAM_URL" + NOT_SET);
    } else {
      try {
        URI u = new URI(upstream);
        if (!"http".equals(u.getScheme()) || u.getHost() == null) {
          problems.add("UPSTREAM_URL must be an http:// URL with a host, got '" + upstream + "'");
        }
      } catch (Exception e) {
        problems.add("UPSTREAM_URL is not a URL: '" + upstream + "'");
      }
    }
    if (!problems.isEmpty()) throw new BadConfig(String.join("; ", problems));
    return new Config(port, linePort, bind, upstream, timeout);
  }
}
