package lab;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The standalone overhead witness (manifest overheadWitness): the row's own /overhead code
 * (Overhead, Units, Validation) run outside any server, the independent cross-check that
 * `npm run bench -- overhead-fidelity` puts beside the row's GET /overhead.
 *   java ... lab.Witness virtual|platform --mode pool|spawn --workers C --tasks N --sleep-ms S [--warmup]
 * Prints the /overhead JSON plus "unit" and "where": "standalone" on one line; exits 2 on bad arguments.
 */
public final class Witness {
  private Witness() {}

  private static void usage(String why) {
    System.err.println("witness: " + why + " (usage: lab.Witness virtual|platform --mode pool|spawn --workers C --tasks N --sleep-ms S [--warmup])");
    System.exit(2);
  }

  public static void main(String[] args) throws Exception {
    if (args.length == 0) usage("the kind of thread is missing");
    Units.Kind kind = null;
    try {
      kind = Units.Kind.of(args[0]);
    } catch (IllegalArgumentException e) {
      usage(e.getMessage());
    }
    Map<String, List<String>> q = new LinkedHashMap<>();
    boolean warmup = false;
    for (int i = 1; i < args.length; i++) {
      String a = args[i];
      if (a.equals("--warmup")) { warmup = true; continue; }
      if (!List.of("--mode", "--workers", "--tasks", "--sleep-ms").contains(a)) usage("unknown argument '" + a + "'");
      if (i + 1 >= args.length) usage(a + " needs a value");
      q.computeIfAbsent(a.substring(2).replace('-', '_'), k -> new java.util.ArrayList<>()).add(args[++i]);
    }
    Validation.OverheadParams p = null;
    try {
      p = new Validation(Contract.load(Contract.defaultPath())).overhead(q);
    } catch (Validation.Bad bad) {
      usage(bad.getMessage());
    }
    Units units = new Units(kind);
    // --warmup: three unmeasured runs first of min(N, max(10C, 50)) tasks, as the other rows'
    // witnesses do (here also class loading and the JIT stay out of the figure).
    if (warmup) {
      Validation.OverheadParams w = new Validation.OverheadParams(p.workers(), Math.min(p.tasks(), Math.max(10 * p.workers(), 50)), p.sleepMs(), p.mode());
      for (int i = 0; i < 3; i++) Overhead.run(units, w);
    }
    String json = Overhead.run(units, p).json();
    System.out.println(json.substring(0, json.length() - 1) + ",\"unit\":" + Json.quote(kind.unitLabel) + ",\"where\":\"standalone\"}");
  }
}
