"""Request validation shared by every Python row (the Node rows do the same in
ts-common/validation.ts). Each parser returns (values, None) or (None, "one-line reason");
the reason is the body of the 400. Every limit comes from contract/contract.json."""
import re
from dataclasses import dataclass
from typing import Dict, List, Optional, Tuple, Union
from urllib.parse import parse_qs

from .contract import LIMITS

_ECHO, _OVERHEAD = LIMITS["echo"], LIMITS["overhead"]
MAX_TEXT_BYTES = LIMITS["text_max_bytes"]
MAX_DELAY_MS = _ECHO["delay_ms"]["max"]
MAX_CPU_ITERS = _ECHO["cpu_iters"]["max"]
MAX_CPU_MS = _ECHO["cpu_ms"]["max"]
MAX_WORKERS = _OVERHEAD["workers"]["max"]
MAX_TASKS = _OVERHEAD["tasks"]["max"]
MAX_SLEEP_MS = _OVERHEAD["sleep_ms"]["max"]
# /overhead's methods (contract/README.md, "HTTP contract"): "pool" (the default) is the original
# experiment, C long-lived workers on a queue bounded to C entries; "spawn" is a new unit per
# task, at most C alive.
OVERHEAD_MODES = tuple(_OVERHEAD["modes"])
DEFAULT_OVERHEAD_MODE = _OVERHEAD["default_mode"]

_INT_RE = re.compile(r"^-?\d{1,9}$")


@dataclass(frozen=True)
class EchoParams:
    text: str
    delay_ms: Optional[int]  # None: the upstream's own default delay
    cpu_iters: int
    cpu_ms: int = 0  # CPU milliseconds of busy work on the handling thread (cpuwork.burn_cpu_ms)


@dataclass(frozen=True)
class OverheadParams:
    workers: int
    tasks: int
    sleep_ms: int
    mode: str = "pool"  # one of OVERHEAD_MODES


Query = Union[str, bytes, Dict[str, List[str]]]


def parse_query(query: Query) -> Dict[str, List[str]]:
    """A raw query string (without '?') or an already parsed {name: [values]} mapping.
    Invalid percent-escapes in UTF-8 become U+FFFD rather than an exception."""
    if isinstance(query, dict):
        return query
    if isinstance(query, bytes):
        query = query.decode("latin-1")
    return parse_qs(query, keep_blank_values=True, errors="replace")


def _clip(raw: str) -> str:
    flat = re.sub(r"[\r\n]+", " ", raw)
    return flat[:40] + "..." if len(flat) > 40 else flat


def parse_int_in_range(name: str, raw: str, lo: int, hi: int) -> Tuple[Optional[int], Optional[str]]:
    # Digits only: int(' 7'), int('1_000') and float forms must not pass as integers.
    if not _INT_RE.match(raw):
        return None, f"{name} must be an integer from {lo} to {hi}, got '{_clip(raw)}'"
    n = int(raw)
    if n < lo or n > hi:
        return None, f"{name} must be an integer from {lo} to {hi}, got {n}"
    return n, None


def _single(q: Dict[str, List[str]], name: str) -> Tuple[Optional[str], Optional[str]]:
    values = q.get(name)
    if not values:
        return None, None
    if len(values) > 1:
        return None, f"{name} is given {len(values)} times, give it once"
    return values[0], None


def _optional_int(q, name, lo, hi):
    raw, err = _single(q, name)
    if err or raw is None:
        return None, err
    return parse_int_in_range(name, raw, lo, hi)


def _required_int(q, name, lo, hi):
    raw, err = _single(q, name)
    if err:
        return None, err
    if raw is None:
        return None, f"{name} is required (an integer from {lo} to {hi})"
    return parse_int_in_range(name, raw, lo, hi)


def check_text(text: Optional[str]) -> Optional[str]:
    """None when the text is acceptable, else the reason (shared by HTTP and line protocol)."""
    if text is None or text == "":
        return "text is required"
    size = len(text.encode("utf-8", errors="surrogatepass"))
    if size > MAX_TEXT_BYTES:
        return f"text is {size} bytes, at most {MAX_TEXT_BYTES} allowed"
    return None


def parse_echo_query(query: Query) -> Tuple[Optional[EchoParams], Optional[str]]:
    q = parse_query(query)
    text, err = _single(q, "text")
    if err:
        return None, err
    err = check_text(text)
    if err:
        return None, err
    delay, err = _optional_int(q, "delay_ms", _ECHO["delay_ms"]["min"], MAX_DELAY_MS)
    if err:
        return None, err
    cpu, err = _optional_int(q, "cpu_iters", _ECHO["cpu_iters"]["min"], MAX_CPU_ITERS)
    if err:
        return None, err
    cpu_ms, err = _optional_int(q, "cpu_ms", _ECHO["cpu_ms"]["min"], MAX_CPU_MS)
    if err:
        return None, err
    return EchoParams(text=text, delay_ms=delay, cpu_iters=cpu or 0, cpu_ms=cpu_ms or 0), None


def parse_overhead_query(query: Query) -> Tuple[Optional[OverheadParams], Optional[str]]:
    q = parse_query(query)
    workers, err = _required_int(q, "workers", _OVERHEAD["workers"]["min"], MAX_WORKERS)
    if err:
        return None, err
    tasks, err = _required_int(q, "tasks", _OVERHEAD["tasks"]["min"], MAX_TASKS)
    if err:
        return None, err
    sleep_ms, err = _required_int(q, "sleep_ms", _OVERHEAD["sleep_ms"]["min"], MAX_SLEEP_MS)
    if err:
        return None, err
    mode, err = _single(q, "mode")
    if err:
        return None, err
    mode, err = check_overhead_mode(mode)
    if err:
        return None, err
    return OverheadParams(workers=workers, tasks=tasks, sleep_ms=sleep_ms, mode=mode), None


def check_overhead_mode(raw: Optional[str]) -> Tuple[Optional[str], Optional[str]]:
    """None or '' (absent) -> the default ('pool'); one of OVERHEAD_MODES -> itself; else the 400 reason."""
    if raw is None or raw == "":
        return DEFAULT_OVERHEAD_MODE, None
    if raw not in OVERHEAD_MODES:
        return None, f"mode must be one of {', '.join(OVERHEAD_MODES)}, got '{_clip(raw)}'"
    return raw, None
