package lab;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Request validation: the rules and one-line reasons of ts-common/validation.ts,
 * labcommon/validation.py and go-goroutines' validation.go, every limit from the contract. A
 * parser returns its values or throws Bad with the reason, which the caller sends as the body
 * of a 400 (or an `error:` line).
 */
final class Validation {
  static final class Bad extends Exception {
    Bad(String reason) {
      super(reason, null, false, false);
    }
  }

  /** delayMs null: the upstream's own default delay. */
  record EchoParams(String text, Integer delayMs, int cpuIters, int cpuMs) {}

  record OverheadParams(int workers, int tasks, int sleepMs, String mode) {}

  // Digits only: Integer.parseInt would take "+7"; " 7", "1e3", "0x10" and "1_000" must fail too.
  private static final Pattern INT = Pattern.compile("-?\\d{1,9}");

  private final Contract c;

  Validation(Contract c) {
    this.c = c;
  }

  /**
   * A query string (its bytes as ISO-8859-1 chars) as name -> values in order. Like Python's parse_qs(errors="replace"): '+' is
   * a space, a bad %-escape stays as it is, and bytes that are not UTF-8 become U+FFFD.
   */
  static Map<String, List<String>> parseQuery(String raw) {
    Map<String, List<String>> q = new LinkedHashMap<>();
    if (raw == null || raw.isEmpty()) return q;
    for (String pair : raw.split("&")) {
      if (pair.isEmpty()) continue;
      int eq = pair.indexOf('=');
      String name = decode(eq < 0 ? pair : pair.substring(0, eq));
      String value = eq < 0 ? "" : decode(pair.substring(eq + 1));
      q.computeIfAbsent(name, k -> new ArrayList<>()).add(value);
    }
    return q;
  }

  private static int hex(char ch) {
    return Character.digit(ch, 16);
  }

  static String decode(String s) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(s.length());
    for (int i = 0; i < s.length(); i++) {
      char ch = s.charAt(i);
      if (ch == '+') out.write(' ');
      else if (ch == '%' && i + 2 < s.length() && hex(s.charAt(i + 1)) >= 0 && hex(s.charAt(i + 2)) >= 0) {
        out.write(hex(s.charAt(i + 1)) * 16 + hex(s.charAt(i + 2)));
        i += 2;
      } else {
        out.write(ch); // the request target is read as ISO-8859-1: one char per byte
      }
    }
    // new String replaces what is not UTF-8 with U+FFFD.
    return new String(out.toByteArray(), StandardCharsets.UTF_8);
  }

  static String clip(String raw) {
    String flat = raw.replaceAll("[\r\n]+", " ");
    return flat.length() > 40 ? flat.substring(0, 40) + "..." : flat;
  }

  private static int intInRange(String name, String raw, Contract.Range r) throws Bad {
    if (!INT.matcher(raw).matches()) {
      throw new Bad(name + " must be an integer from " + r.min() + " to " + r.max() + ", got '" + clip(raw) + "'");
    }
    int n = Integer.parseInt(raw);
    if (n < r.min() || n > r.max()) throw new Bad(name + " must be an integer from " + r.min() + " to " + r.max() + ", got " + n);
    return n;
  }

  /** The parameter's only value, null when absent. */
  private static String single(Map<String, List<String>> q, String name) throws Bad {
    List<String> values = q.get(name);
    if (values == null || values.isEmpty()) return null;
    if (values.size() > 1) throw new Bad(name + " is given " + values.size() + " times, give it once");
    return values.get(0);
  }

  private static Integer optionalInt(Map<String, List<String>> q, String name, Contract.Range r) throws Bad {
    String raw = single(q, name);
    return raw == null ? null : intInRange(name, raw, r);
  }

  private static int requiredInt(Map<String, List<String>> q, String name, Contract.Range r) throws Bad {
    String raw = single(q, name);
    if (raw == null) throw new Bad(name + " is required (an integer from " + r.min() + " to " + r.max() + ")");
    return intInRange(name, raw, r);
  }

  /** HTTP and line protocol alike: the text must be there and at most text_max_bytes of UTF-8. */
  void checkText(String text) throws Bad {
    if (text == null || text.isEmpty()) throw new Bad("text is required");
    int n = text.getBytes(StandardCharsets.UTF_8).length;
    if (n > c.textMaxBytes) throw new Bad("text is " + n + " bytes, at most " + c.textMaxBytes + " allowed");
  }

  EchoParams echo(Map<String, List<String>> q) throws Bad {
    String text = single(q, "text");
    checkText(text);
    Integer delay = optionalInt(q, "delay_ms", c.delayMs);
    Integer iters = optionalInt(q, "cpu_iters", c.cpuIters);
    Integer ms = optionalInt(q, "cpu_ms", c.cpuMs);
    return new EchoParams(text, delay, iters == null ? 0 : iters, ms == null ? 0 : ms);
  }

  OverheadParams overhead(Map<String, List<String>> q) throws Bad {
    int workers = requiredInt(q, "workers", c.workers);
    int tasks = requiredInt(q, "tasks", c.tasks);
    int sleepMs = requiredInt(q, "sleep_ms", c.sleepMs);
    String mode = single(q, "mode");
    if (mode == null || mode.isEmpty()) mode = c.defaultMode;
    else if (!c.modes.contains(mode)) throw new Bad("mode must be one of " + String.join(", ", c.modes) + ", got '" + clip(mode) + "'");
    return new OverheadParams(workers, tasks, sleepMs, mode);
  }
}
