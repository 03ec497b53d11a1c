package lab;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * contract/contract.json, read once at start: limits, outcomes, metric vocabulary and the line
 * protocol's answers (contract/README.md is the prose). Every number and name the row uses comes
 * from here, as in ts-common, labcommon and go-goroutines' contract.go.
 */
final class Contract {
  /** An integer range of limits.*: min..max. */
  record Range(int min, int max) {}

  /** One metric of metrics.every_row. */
  record MetricSpec(String name, String type, List<String> labels, String help) {}

  final int textMaxBytes;
  final int lineMaxBytes;
  final int headerFieldsMaxBytes;
  final long bodyMaxBytes;
  final Range delayMs, cpuIters, cpuMs, workers, tasks, sleepMs;
  final List<String> modes;
  final String defaultMode;
  final List<String> outcomes;
  final List<String> protocols;
  final String implLabel;
  final String answerPrefix, errorPrefix, lineTooLong;
  private final List<MetricSpec> metrics = new ArrayList<>();

  @SuppressWarnings("unchecked")
  private static Map<String, Object> obj(Object o, String what) {
    if (!(o instanceof Map)) throw new IllegalArgumentException(what + " is not an object");
    return (Map<String, Object>) o;
  }

  @SuppressWarnings("unchecked")
  private static List<String> strings(Object o) {
    return new ArrayList<>((List<String>) o);
  }

  private static Range range(Map<String, Object> m, String key) {
    Map<String, Object> r = obj(m.get(key), key);
    return new Range(((Double) r.get("min")).intValue(), ((Double) r.get("max")).intValue());
  }

  @SuppressWarnings("unchecked")
  Contract(Map<String, Object> c) {
    if (!Double.valueOf(1).equals(c.get("version"))) throw new IllegalArgumentException("not a version 1 contract");
    Map<String, Object> limits = obj(c.get("limits"), "limits");
    textMaxBytes = ((Double) limits.get("text_max_bytes")).intValue();
    lineMaxBytes = ((Double) limits.get("line_max_bytes")).intValue();
    headerFieldsMaxBytes = ((Double) limits.get("header_fields_max_bytes")).intValue();
    bodyMaxBytes = ((Double) limits.get("body_max_bytes")).longValue();
    Map<String, Object> echo = obj(limits.get("echo"), "limits.echo");
    delayMs = range(echo, "delay_ms");
    cpuIters = range(echo, "cpu_iters");
    cpuMs = range(echo, "cpu_ms");
    Map<String, Object> overhead = obj(limits.get("overhead"), "limits.overhead");
    workers = range(overhead, "workers");
    tasks = range(overhead, "tasks");
    sleepMs = range(overhead, "sleep_ms");
    modes = strings(overhead.get("modes"));
    defaultMode = (String) overhead.get("default_mode");
    outcomes = new ArrayList<>();
    for (Object o : (List<Object>) c.get("outcomes")) outcomes.add((String) obj(o, "outcome").get("name"));
    Map<String, Object> m = obj(c.get("metrics"), "metrics");
    implLabel = (String) m.get("label_on_every_series");
    protocols = strings(obj(m.get("label_values"), "metrics.label_values").get("protocol"));
    for (Object o : (List<Object>) m.get("every_row")) {
      Map<String, Object> spec = obj(o, "metric");
      metrics.add(new MetricSpec((String) spec.get("name"), (String) spec.get("type"), strings(spec.get("labels")), (String) spec.get("help")));
    }
    Map<String, Object> line = obj(c.get("line_protocol"), "line_protocol");
    answerPrefix = (String) line.get("answer_prefix");
    errorPrefix = (String) line.get("error_prefix");
    lineTooLong = (String) line.get("line_too_long");
  }

  /** The contract's spec of a metric; a name it does not define is a bug of this row, found at start. */
  MetricSpec metric(String name, String type) {
    for (MetricSpec s : metrics) {
      if (s.name().equals(name)) {
        if (!s.type().equals(type)) throw new IllegalStateException("contract metric " + name + " is a " + s.type() + ", this row exports a " + type);
        return s;
      }
    }
    throw new IllegalStateException("metric " + name + " is not in contract/contract.json");
  }

  /**
   * Where a checkout and the images keep the contract: the classes are
   * services/java-threads-common/bin/classes, the contract is contract/contract.json four
   * folders up (the images keep the repository layout under /app).
   */
  static Path defaultPath() throws URISyntaxException {
    Path classes = Path.of(Contract.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    return classes.resolve("../../../../contract/contract.json").normalize();
  }

  static Contract load(Path path) throws IOException {
    String text;
    try {
      text = Files.readString(path);
    } catch (IOException e) {
      throw new IOException("cannot read the lab's contract at " + path + " (" + e + "); an image must COPY contract/contract.json", e);
    }
    try {
      return new Contract(obj(Json.parse(text), "contract"));
    } catch (RuntimeException e) {
      throw new IOException(path + ": not a version 1 contract: " + e.getMessage(), e);
    }
  }
}
