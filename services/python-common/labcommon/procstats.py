"""Resource use of a whole service from /proc: the root process and every descendant.

Why a tree: python-processes forks a child per connection (and a pool for /overhead), so a
per-process view would hide most of the cost. Counters stay monotonic across exits: CPU of
reaped children is in their parent's cutime/cstime, and context switches of tasks that vanish
are kept in a retired total by TreeStats."""
import os
import threading
from dataclasses import dataclass, field
from typing import Dict, List, Optional, Tuple

CLK_TCK = os.sysconf("SC_CLK_TCK")
PAGE_SIZE = os.sysconf("SC_PAGE_SIZE")


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


def read_stat(pid: int) -> Optional[ProcSample]:
    text = _read(f"/proc/{pid}/stat")
    if text is None:
        return None
    # comm may contain spaces and parentheses: fields start after the LAST ')'.
    rest = text[text.rfind(")") + 2:].split()
    # rest[0] is field 3 (state); field n is rest[n - 3].
    ppid = int(rest[1])
    utime, stime, cutime, cstime = (int(x) for x in rest[11:15])
    threads = int(rest[17])
    rss_pages = int(rest[21])
    return ProcSample(pid, ppid, threads, (utime + stime + cutime + cstime) / CLK_TCK, rss_pages * PAGE_SIZE)


def descendants(root: int) -> List[int]:
    """root and every descendant pid, by one scan of /proc/*/stat (works without
    CONFIG_PROC_CHILDREN and sees grandchildren whose parent is busy)."""
    children: Dict[int, List[int]] = {}
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        text = _read(f"/proc/{name}/stat")
        if text is None:
            continue
        try:
            ppid = int(text[text.rfind(")") + 2:].split()[1])
        except (IndexError, ValueError):
            continue
        children.setdefault(ppid, []).append(int(name))
    out, stack = [], [root]
    while stack:
        pid = stack.pop()
        out.append(pid)
        stack.extend(children.get(pid, ()))
    return out


def task_context_switches(pid: int) -> Dict[int, Tuple[int, int]]:
    """{tid: (voluntary, involuntary)}: /proc/<pid>/status counts only the leader thread, so
    every task is read."""
    out: Dict[int, Tuple[int, int]] = {}
    try:
        tids = os.listdir(f"/proc/{pid}/task")
    except (FileNotFoundError, ProcessLookupError):
        return out
    for tid in tids:
        text = _read(f"/proc/{pid}/task/{tid}/status")
        if text is None:
            continue
        vol = invol = 0
        for line in text.splitlines():
            if line.startswith("voluntary_ctxt_switches:"):
                vol = int(line.split()[1])
            elif line.startswith("nonvoluntary_ctxt_switches:"):
                invol = int(line.split()[1])
        out[int(tid)] = (vol, invol)
    return out


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
    """Sums a process tree; keeps counters monotonic across tasks that exit."""
    root_pid: int = field(default_factory=os.getpid)
    _last_ctx: Dict[int, Tuple[int, int]] = field(default_factory=dict)
    _retired: List[int] = field(default_factory=lambda: [0, 0])
    _cpu_high: float = 0.0
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def snapshot(self) -> TreeSnapshot:
        with self._lock:
            procs = threads = rss = 0
            cpu = 0.0
            ctx: Dict[int, Tuple[int, int]] = {}
            for pid in descendants(self.root_pid):
                s = read_stat(pid)
                if s is None:
                    continue
                procs += 1
                threads += s.threads
                cpu += s.cpu_seconds
                rss += s.rss_bytes
                ctx.update(task_context_switches(pid))
            for tid, (v, i) in self._last_ctx.items():
                if tid not in ctx:
                    self._retired[0] += v
                    self._retired[1] += i
            self._last_ctx = ctx
            # A child that exited but is not yet reaped drops out of the sum for a moment.
            self._cpu_high = max(self._cpu_high, cpu)
            vol = self._retired[0] + sum(v for v, _ in ctx.values())
            invol = self._retired[1] + sum(i for _, i in ctx.values())
            return TreeSnapshot(procs, threads, self._cpu_high, rss, vol, invol)
