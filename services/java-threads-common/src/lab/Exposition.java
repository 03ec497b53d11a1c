package lab;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.DoubleAdder;
import java.util.concurrent.atomic.LongAdder;

/**
 * Prometheus' text exposition format (version 0.0.4), written by hand: Debian packages no
 * Prometheus client for Java, and the rows take nothing from outside Debian's JDK. Counters,
 * gauges and histograms with labels; every series carries the contract's impl label first.
 * Names, help and label names come from the contract (Metrics), never from here.
 */
final class Exposition {
  /** A family's series, keyed by their label values in the family's label order. */
  abstract static class Family {
    final Contract.MetricSpec spec;
    final Map<List<String>, Object> series = new ConcurrentHashMap<>();
    /** The label values in the order their series were made: the scrape lists them so. */
    private final List<List<String>> order = new CopyOnWriteArrayList<>();

    Family(Contract.MetricSpec spec) {
      this.spec = spec;
    }

    @SuppressWarnings("unchecked")
    <T> T child(List<String> values, java.util.function.Supplier<T> make) {
      if (values.size() != spec.labels().size()) throw new IllegalArgumentException(spec.name() + " takes labels " + spec.labels());
      return (T) series.computeIfAbsent(values, k -> {
        order.add(k);
        return make.get();
      });
    }

    /** Each series in creation order. */
    void each(java.util.function.BiConsumer<List<String>, Object> f) {
      for (List<String> k : order) {
        Object v = series.get(k); // null for a moment while computeIfAbsent makes it
        if (v != null) f.accept(k, v);
      }
    }

    abstract void write(StringBuilder out, String implPair);
  }

  static final class Counter extends Family {
    Counter(Contract.MetricSpec spec) {
      super(spec);
    }

    LongAdder labels(String... values) {
      return child(List.of(values), LongAdder::new);
    }

    @Override
    void write(StringBuilder out, String implPair) {
      each((values, v) -> sample(out, spec.name(), implPair, spec.labels(), values, ((LongAdder) v).sum()));
    }
  }

  static final class Gauge extends Family {
    Gauge(Contract.MetricSpec spec) {
      super(spec);
    }

    AtomicLong labels(String... values) {
      return child(List.of(values), AtomicLong::new);
    }

    @Override
    void write(StringBuilder out, String implPair) {
      each((values, v) -> sample(out, spec.name(), implPair, spec.labels(), values, ((AtomicLong) v).get()));
    }
  }

  /** One histogram series: per-bucket counts (not cumulative), their sum and count. */
  static final class Buckets {
    final double[] bounds;
    final AtomicLongArray counts;
    final DoubleAdder sum = new DoubleAdder();

    Buckets(double[] bounds) {
      this.bounds = bounds;
      this.counts = new AtomicLongArray(bounds.length + 1);
    }

    void observe(double seconds) {
      int i = 0;
      while (i < bounds.length && seconds > bounds[i]) i++;
      counts.incrementAndGet(i);
      sum.add(seconds);
    }
  }

  static final class Histogram extends Family {
    private final double[] bounds;

    Histogram(Contract.MetricSpec spec, double[] bounds) {
      super(spec);
      this.bounds = bounds;
    }

    Buckets labels(String... values) {
      return child(List.of(values), () -> new Buckets(bounds));
    }

    @Override
    void write(StringBuilder out, String implPair) {
      each((values, v) -> {
        Buckets b = (Buckets) v;
        List<String> names = new ArrayList<>(spec.labels());
        names.add("le");
        long cumulative = 0;
        for (int i = 0; i <= bounds.length; i++) {
          cumulative += b.counts.get(i);
          List<String> vals = new ArrayList<>(values);
          vals.add(i < bounds.length ? number(bounds[i]) : "+Inf");
          sample(out, spec.name() + "_bucket", implPair, names, vals, cumulative);
        }
        sample(out, spec.name() + "_sum", implPair, spec.labels(), values, b.sum.sum());
        sample(out, spec.name() + "_count", implPair, spec.labels(), values, cumulative);
      });
    }
  }

  /** A number as Prometheus and every parser read it: integers without ".0", no exponent for bucket bounds. */
  static String number(double v) {
    if (v == Math.rint(v) && Math.abs(v) < 1e15) return Long.toString((long) v);
    return BigDecimal.valueOf(v).stripTrailingZeros().toPlainString();
  }

  static String escape(String value) {
    return value.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
  }

  static void sample(StringBuilder out, String name, String implPair, List<String> labels, List<String> values, double value) {
    out.append(name).append('{').append(implPair);
    for (int i = 0; i < labels.size(); i++) out.append(',').append(labels.get(i)).append("=\"").append(escape(values.get(i))).append('"');
    out.append("} ").append(number(value)).append('\n');
  }

  static void header(StringBuilder out, Contract.MetricSpec spec) {
    out.append("# HELP ").append(spec.name()).append(' ').append(spec.help().replace("\\", "\\\\").replace("\n", "\\n")).append('\n');
    out.append("# TYPE ").append(spec.name()).append(' ').append(spec.type()).append('\n');
  }
}
