package lab;

/**
 * The job both protocols do, as blocking code on the calling thread: fetch the translation
 * (the thread waits until the upstream answers), then the CPU work the request asked for
 * (cpu_iters rounds, then cpu_ms of CPU time), on the same thread. Java has no GIL: the work of
 * several requests runs in parallel on the cores (platform threads), or on the carriers, one
 * per core, that the virtual threads are mounted on.
 */
final class EchoJob {
  private final Upstream upstream;
  private final Metrics metrics;

  EchoJob(Upstream upstream, Metrics metrics) {
    this.upstream = upstream;
    this.metrics = metrics;
  }

  /** The translation, or Upstream.Failure (the upstream time is observed either way). */
  String run(Validation.EchoParams p) throws Upstream.Failure {
    long started = System.nanoTime();
    String translation;
    try {
      translation = upstream.translate(p.text(), p.delayMs());
    } finally {
      metrics.upstreamSeconds.labels().observe((System.nanoTime() - started) / 1e9);
    }
    if (p.cpuIters() > 0) CpuWork.iters(p.text(), p.cpuIters());
    if (p.cpuMs() > 0) CpuWork.busyFor(p.text(), p.cpuMs());
    return translation;
  }
}
