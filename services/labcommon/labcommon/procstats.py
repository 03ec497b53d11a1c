"""Resource use of a whole service from /proc: the root process and every descendant.

Why a tree: python-processes forks a child per connection (and a pool for /overhead), so a
per-process view would hide most of the cost. CPU of reaped children is in their parent's
cutime/cstime; the exported counters never go down (TreeStats keeps a high-water mark).

Why so few files per scrape: the scrape runs inside the row it measures. Reading one
/proc/<pid>/task/<tid>/status per thread (the old way) made a python-threads scrape with
9,000 idle connections read 9,000 files, each read releasing and re-taking the GIL among
thousands of runnable threads: closing those connections while /metrics was scraped every
500 ms took over 90 s and 150 CPU-seconds instead of 3.5 s and 4 (measured with an
independent /proc/<pid>/stat reader), and that CPU was charged to the row. Now a scrape
reads per process, never per thread:
- CPU, thread count, RSS: /proc/<pid>/stat (utime+stime already sum every thread).
- Context switches of this process: getrusage(RUSAGE_SELF), which sums every thread, live
  and exited (/proc/<pid>/status and /proc/<pid>/sched count the leader thread alone), plus
  getrusage(RUSAGE_CHILDREN) for reaped descendants, like cutime for CPU. Live descendants:
  /proc/<pid>/status when single-threaded (its leader is its only task), else its task files.
- The tree: /proc/<pid>/task/<tid>/children while the processes have few threads, else one
  scan of /proc/*/stat (a process count, not a thread count); found again at most every
  RESCAN_SECONDS, the known processes' stat re-read in between (a new child shows up to that
  late, with all its CPU; one born and reaped in between is in cutime)."""
import os
import resource
import threading
import time
from dataclasses import dataclass, field
from typing import Dict, List, Optional, Tuple

CLK_TCK = os.sysconf("SC_CLK_TCK")
PAGE_SIZE = os.sysconf("SC_PAGE_SIZE")
# Above this many tasks a children-file walk costs more than one scan of /proc.
WALK_MAX_TASKS = 64
RESCAN_SECONDS = 2.0


@dataclass
class ProcSample:
    pid: int
    ppid: int
    threads: int
    cpu_seconds: float  # utime+stime of the live process + cutime+cstime of its reaped children
    rss_bytes: int


def _read(path: str) -> Optional[str]:
    try:
        with open(path, "r") as f:
            return f.read()
    except (FileNotFoundError, ProcessLookupError, PermissionError):
        return None  # the process exited between listing and reading: normal under churn


def _parse_stat(pid: int, text: str) -> Optional[ProcSample]:
    # comm may contain spaces and parentheses: fields start after the LAST ')'.
    rest = text[text.rfind(")") + 2:].split()
    try:
        # rest[0] is field 3 (state); field n is rest[n - 3].
        ppid = int(rest[1])
        utime, stime, cutime, cstime = (int(x) for x in rest[11:15])
        threads = int(rest[17])
        rss_pages = int(rest[21])
    except (IndexError, ValueError):
        return None
    return ProcSample(pid, ppid, threads, (utime + stime + cutime + cstime) / CLK_TCK, rss_pages * PAGE_SIZE)


def read_stat(pid: int) -> Optional[ProcSample]:
    text = _read(f"/proc/{pid}/stat")
    return None if text is None else _parse_stat(pid, text)


def _scan(root: int) -> List[ProcSample]:
    """root and its descendants by one scan of /proc/*/stat (sees children forked by any thread)."""
    stats: Dict[int, ProcSample] = {}
    children: Dict[int, List[int]] = {}
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        s = read_stat(int(name))
        if s is not None:
            stats[s.pid] = s
            children.setdefault(s.ppid, []).append(s.pid)
    out, stack = [], [root] if root in stats else []
    while stack:
        pid = stack.pop()
        out.append(stats[pid])
        stack.extend(children.get(pid, ()))
    return out


def tree(root: int) -> List[ProcSample]:
    """root (first) and every live descendant, each with its stat; [] if root is gone. Walks
    /proc/<pid>/task/<tid>/children (a child forked by a non-main thread is listed only under
    that thread) while that is fewer reads than a /proc scan."""
    out: List[ProcSample] = []
    seen = set()
    level = [root]
    while level:
        stats = [s for s in (read_stat(pid) for pid in level) if s is not None]
        if sum(s.threads for s in stats) > WALK_MAX_TASKS:
            return _scan(root)
        nxt: List[int] = []
        for s in stats:
            out.append(s)
            seen.add(s.pid)
            try:
                tids = os.listdir(f"/proc/{s.pid}/task")
            except (FileNotFoundError, ProcessLookupError):
                continue
            for tid in tids:
                text = _read(f"/proc/{s.pid}/task/{tid}/children")
                if text is None and s.pid == root and len(out) == 1 and tid == str(root):
                    return _scan(root)  # kernel without CONFIG_PROC_CHILDREN
                nxt.extend(int(c) for c in (text or "").split() if int(c) not in seen)
        level = nxt
    return out


def descendants(root: int) -> List[int]:
    """root and every live descendant pid."""
    return [s.pid for s in tree(root)]


def _switches(status: str) -> Tuple[int, int]:
    vol = invol = 0
    for line in status.splitlines():
        if line.startswith("voluntary_ctxt_switches:"):
            vol = int(line.split()[1])
        elif line.startswith("nonvoluntary_ctxt_switches:"):
            invol = int(line.split()[1])
    return vol, invol


def task_context_switches(pid: int) -> Dict[int, Tuple[int, int]]:
    """{tid: (voluntary, involuntary)} of every live task of pid (one file per thread)."""
    out: Dict[int, Tuple[int, int]] = {}
    try:
        tids = os.listdir(f"/proc/{pid}/task")
    except (FileNotFoundError, ProcessLookupError):
        return out
    for tid in tids:
        text = _read(f"/proc/{pid}/task/{tid}/status")
        if text is not None:
            out[int(tid)] = _switches(text)
    return out


def process_context_switches(s: ProcSample) -> Tuple[int, int]:
    """Voluntary and involuntary switches of every live task of one process (another one:
    getrusage only sees the caller): its status alone when it has a single thread."""
    if s.threads <= 1:
        text = _read(f"/proc/{s.pid}/status")
        return (0, 0) if text is None else _switches(text)
    counts = task_context_switches(s.pid).values()
    return sum(v for v, _ in counts), sum(i for _, i in counts)


def own_context_switches() -> Tuple[int, int]:
    """This process (every thread it ever ran) plus its reaped descendants: one syscall each."""
    me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_nvcsw + kids.ru_nvcsw, me.ru_nivcsw + kids.ru_nivcsw


@dataclass
class TreeSnapshot:
    processes: int
    threads: int
    cpu_seconds: float
    rss_bytes: int
    voluntary: int
    involuntary: int


@dataclass
class TreeStats:
    """Sums a process tree; counters never go down (a child that exited but is not yet
    reaped drops out of the sums for a moment). When root_pid is another process than this
    one, its context switches are read from its task files (getrusage sees only the caller)
    and those of its exited threads and reaped children are not counted."""
    root_pid: int = field(default_factory=os.getpid)
    rescan_seconds: float = RESCAN_SECONDS
    _known: List[int] = field(default_factory=list)
    _found_at: float = float("-inf")
    _high: List[float] = field(default_factory=lambda: [0.0, 0, 0])
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def snapshot(self) -> TreeSnapshot:
        with self._lock:
            procs = self._tree()
            own = self.root_pid == os.getpid()
            vol, invol = own_context_switches() if own else (0, 0)
            for s in procs:
                if own and s.pid == self.root_pid:
                    continue
                v, i = process_context_switches(s)
                vol += v
                invol += i
            cpu = sum(s.cpu_seconds for s in procs)
            self._high = [max(h, x) for h, x in zip(self._high, (cpu, vol, invol))]
            return TreeSnapshot(len(procs), sum(s.threads for s in procs), self._high[0],
                                sum(s.rss_bytes for s in procs), int(self._high[1]), int(self._high[2]))

    def _tree(self) -> List[ProcSample]:
        now = time.monotonic()
        if self._known and now - self._found_at < self.rescan_seconds:
            procs = [p for p in (read_stat(pid) for pid in self._known) if p is not None]
            alive = {p.pid for p in procs}
            # A pid reused by an unrelated process would not have a parent in the tree.
            procs = [p for p in procs if p.pid == self.root_pid or p.ppid in alive]
            if procs and procs[0].pid == self.root_pid:
                return procs
        procs = tree(self.root_pid)
        self._known, self._found_at = [p.pid for p in procs], now
        return procs
