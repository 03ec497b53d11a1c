"""A process's children from /proc: the live ones and the zombies (a row must reap its own)."""
import os
from typing import List, Tuple


def _children(pid: int) -> List[Tuple[int, str]]:
    """(child pid, state letter) for every process whose parent is pid, from /proc/*/stat."""
    out = []
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/stat") as f:
                rest = f.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(rest[1]) == pid:
            out.append((int(name), rest[0]))
    return out


def zombie_children(pid: int) -> List[int]:
    return [child for child, state in _children(pid) if state == "Z"]


def live_children(pid: int) -> List[int]:
    return [child for child, _ in _children(pid)]
