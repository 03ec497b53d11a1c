"""What runs this interpreter: detects gevent's monkey patch without importing gevent, so the
python-threads code reports itself right both plain and patched (gevent-monkey)."""
import gc
import sys
import threading
from typing import Optional


def gevent_patched() -> bool:
    """True when gevent.monkey.patch_all() (or patch_thread) ran in this process."""
    monkey = sys.modules.get("gevent.monkey")
    return bool(monkey and monkey.is_module_patched("threading"))


def gevent_version() -> Optional[str]:
    gevent = sys.modules.get("gevent")
    return getattr(gevent, "__version__", None) if gevent else None


def count_live_greenlets() -> int:
    """Greenlets started and not yet finished (a gc walk: costs a few ms per scrape, which is
    why it runs at scrape time only). 0 when greenlet was never imported."""
    greenlet_mod = sys.modules.get("greenlet")
    if greenlet_mod is None:
        return 0
    kind = greenlet_mod.greenlet
    return sum(1 for o in gc.get_objects() if isinstance(o, kind) and bool(o))


def thread_unit() -> str:
    """'greenlets' under gevent's patch, else 'threads'."""
    return "greenlets" if gevent_patched() else "threads"


def count_thread_units() -> float:
    return float(count_live_greenlets() if gevent_patched() else threading.active_count())
