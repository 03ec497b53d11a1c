"""Configuration from the environment only. A bad or missing value stops the service at start
with a message naming the variable (exit 2), never a silent fallback. The ports and the upstream
have no defaults: the lab sets PORT, LINE_PORT and UPSTREAM_URL from the manifests
(services/<row>/service.json), the one place ports are written."""
import os
import sys
from dataclasses import dataclass
from typing import Mapping, Optional
from urllib.parse import urlsplit

DEFAULT_UPSTREAM_TIMEOUT_MS = 10_000
DEFAULT_BIND = "127.0.0.1"


class ConfigError(ValueError):
    pass


@dataclass(frozen=True)
class ServiceConfig:
    port: int  # 0 lets the OS pick (tests)
    line_port: int
    bind: str
    upstream_url: str  # no trailing slash
    upstream_timeout_ms: int

    @property
    def upstream_timeout_s(self) -> float:
        return self.upstream_timeout_ms / 1000.0


def _non_empty(v: Optional[str]) -> Optional[str]:
    if v is None or v.strip() == "":
        return None
    return v.strip()


NOT_SET = " is not set (the lab sets it from services/<row>/service.json; set it to run the service by hand)"


def _int_var(env: Mapping[str, str], name: str, fallback: Optional[int], lo: int, hi: int, problems: list) -> int:
    """fallback None: the variable is required."""
    raw = _non_empty(env.get(name))
    if raw is None:
        if fallback is None:
            problems.append(name + NOT_SET)
            return 0
        return fallback
    if not raw.isdigit() or not (lo <= int(raw) <= hi):
        problems.append(f"{name} must be an integer from {lo} to {hi}, got '{raw}'")
        return 0 if fallback is None else fallback
    return int(raw)


def read_config(env: Optional[Mapping[str, str]] = None) -> ServiceConfig:
    """Reads PORT, LINE_PORT, UPSTREAM_URL (all three required), UPSTREAM_TIMEOUT_MS, BIND;
    raises ConfigError listing every problem at once."""
    env = os.environ if env is None else env
    problems: list = []
    port = _int_var(env, "PORT", None, 0, 65535, problems)
    line_port = _int_var(env, "LINE_PORT", None, 0, 65535, problems)
    timeout_ms = _int_var(env, "UPSTREAM_TIMEOUT_MS", DEFAULT_UPSTREAM_TIMEOUT_MS, 1, 600_000, problems)
    bind = _non_empty(env.get("BIND")) or DEFAULT_BIND
    upstream = (_non_empty(env.get("UPSTREAM_URL")) or "").rstrip("/")
    if not upstream:
        problems.append("UPSTREAM_URL" + NOT_SET)
    else:
        _check_url(upstream, problems)
    if problems:
        raise ConfigError("; ".join(problems))
    return ServiceConfig(port, line_port, bind, upstream, timeout_ms)


def _check_url(upstream: str, problems: list) -> None:
    try:
        parts = urlsplit(upstream)
        if parts.scheme != "http" or not parts.hostname:
            problems.append(f"UPSTREAM_URL must be an http:// URL with a host, got '{upstream}'")
        else:
            parts.port  # raises ValueError on a bad port
    except ValueError:
        problems.append(f"UPSTREAM_URL is not a URL: '{upstream}'")


def read_config_or_exit(service_name: str) -> ServiceConfig:
    """For main(): the config, or one line on stderr and exit code 2."""
    try:
        return read_config()
    except ConfigError as err:
        sys.stderr.write(f"{service_name}: bad configuration: {err}\n")
        sys.exit(2)
