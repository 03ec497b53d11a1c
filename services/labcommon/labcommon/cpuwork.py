"""The CPU work a request may ask for after its fetch (contract/README.md, /echo):
- cpu_iters: the fixed hash rounds, identical in every row (ts-common/cpu-work.ts):
  digest = UTF-8 bytes of the text; repeat cpu_iters times: digest = sha256(digest).
  A round costs a different time in every language.
- cpu_ms: busy work until the OS thread running the request has used that much CPU by its own
  clock (time.thread_time, CLOCK_THREAD_CPUTIME_ID): the same CPU time in every row. Time the
  thread waits for the GIL, or is preempted, is not counted, so the work is really done."""
import hashlib
import time

# Between two reads of the thread's clock (~0.3 us each): about 10 us of work, so the clock
# costs ~3% and the loop overshoots its target by at most that much.
_SPIN_ROUNDS = 200


def cpu_work(text: str, iters: int) -> str:
    """Returns the final digest as hex (the text's own bytes in hex when iters is 0); the
    result is not sent to clients, it exists so tests can compare rows."""
    digest = text.encode("utf-8")
    sha256 = hashlib.sha256
    for _ in range(iters):
        digest = sha256(digest).digest()
    return digest.hex()


def burn_cpu_ms(ms: int) -> float:
    """Busy work on the calling thread until its CPU clock advanced `ms` milliseconds; returns
    the CPU seconds it used (>= ms / 1000)."""
    clock = time.thread_time
    start = clock()
    end = start + ms / 1000.0
    x = 0
    now = start
    while now < end:
        for i in range(_SPIN_ROUNDS):
            x ^= i
        now = clock()
    return now - start


def cpu_job(params) -> None:
    """A request's CPU work after the fetch, on the handling thread: cpu_iters, then cpu_ms."""
    if params.cpu_iters:
        cpu_work(params.text, params.cpu_iters)
    if params.cpu_ms:
        burn_cpu_ms(params.cpu_ms)
