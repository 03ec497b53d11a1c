"""The upstream fetch: URL building, answer checking and failure classification.

Every row maps a failed fetch to the same outcome: timeout -> 504 (outcome=timeout);
refused, non-2xx, bad body, anything else -> 502 (outcome=upstream_error)."""
import socket
import time
import urllib.error
import urllib.request
from typing import Optional, Tuple
from urllib.parse import quote

from .validation import EchoParams


class UpstreamFailure(Exception):
    """A fetch that produced no translation. `outcome` is the lab_requests_total outcome,
    `status` the HTTP status to answer, `reason` one line for the client."""

    def __init__(self, outcome: str, status: int, reason: str):
        super().__init__(reason)
        self.outcome, self.status, self.reason = outcome, status, reason

    @classmethod
    def timeout(cls, timeout_ms: int) -> "UpstreamFailure":
        return cls("timeout", 504, f"upstream did not answer within {timeout_ms} ms")

    @classmethod
    def refused(cls, detail: str = "") -> "UpstreamFailure":
        return cls("upstream_error", 502, "upstream refused the connection" + (f" ({detail})" if detail else ""))

    @classmethod
    def bad_status(cls, status: int) -> "UpstreamFailure":
        return cls("upstream_error", 502, f"upstream answered HTTP {status}")

    @classmethod
    def bad_body(cls, detail: str) -> "UpstreamFailure":
        return cls("upstream_error", 502, f"upstream sent a bad body: {detail}")

    @classmethod
    def other(cls, detail: str) -> "UpstreamFailure":
        return cls("upstream_error", 502, f"upstream failed: {detail}")


def upstream_url(base_url: str, text: str, delay_ms: Optional[int] = None) -> str:
    """`<base>/arrpi?text=..[&delay_ms=..]`, the text percent-encoded as UTF-8 (every reserved
    character, including '&', '=', '+', '/' and spaces, is escaped)."""
    url = f"{base_url.rstrip('/')}/arrpi?text={quote(text, safe='', errors='replace')}"
    if delay_ms is not None:
        url += f"&delay_ms={int(delay_ms)}"
    return url


def echo_url(base_url: str, params: EchoParams) -> str:
    return upstream_url(base_url, params.text, params.delay_ms)


def translation_from(status: int, body: bytes) -> str:
    """The translation of a finished upstream answer, or UpstreamFailure. One trailing
    newline is dropped so that the answer is exactly `echo: <translation>\\n`."""
    if not 200 <= status < 300:
        raise UpstreamFailure.bad_status(status)
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        raise UpstreamFailure.bad_body("not UTF-8") from None
    if text.endswith("\n"):
        text = text[:-1]
    if "\n" in text:
        raise UpstreamFailure.bad_body("more than one line")
    return text


def classify_exception(exc: BaseException, timeout_ms: int) -> UpstreamFailure:
    """Maps what urllib / sockets raise to an UpstreamFailure (blocking rows; gevent's
    patched sockets raise the same classes)."""
    if isinstance(exc, UpstreamFailure):
        return exc
    if isinstance(exc, urllib.error.HTTPError):
        return UpstreamFailure.bad_status(exc.code)
    if isinstance(exc, urllib.error.URLError):
        exc = exc.reason if isinstance(exc.reason, BaseException) else exc
    if isinstance(exc, (socket.timeout, TimeoutError)):
        return UpstreamFailure.timeout(timeout_ms)
    if isinstance(exc, ConnectionRefusedError):
        return UpstreamFailure.refused()
    if isinstance(exc, (ConnectionError, OSError)):
        return UpstreamFailure.other(f"{type(exc).__name__}: {exc}".splitlines()[0][:200])
    return UpstreamFailure.other(f"{type(exc).__name__}: {exc}".splitlines()[0][:200])


def fetch_translation_blocking(url: str, timeout_ms: int) -> Tuple[str, float]:
    """Blocking urllib fetch, one connection per call (like threadecho2.py). Returns
    (translation, seconds spent) or raises UpstreamFailure. Under gevent's monkey patch this
    cooperates, because urllib only uses the patched socket module.

    The timeout is urllib's per-socket-operation timeout, checked once more against the total
    so that a trickling upstream cannot stretch it indefinitely."""
    started = time.monotonic()
    try:
        with urllib.request.urlopen(url, timeout=timeout_ms / 1000.0) as resp:
            body = resp.read()
            status = resp.status
    except BaseException as exc:  # noqa: B902 - every failure becomes an answer, never a crash
        if isinstance(exc, (KeyboardInterrupt, SystemExit)):
            raise
        raise classify_exception(exc, timeout_ms) from None
    spent = time.monotonic() - started
    if spent * 1000.0 > timeout_ms:
        raise UpstreamFailure.timeout(timeout_ms)
    return translation_from(status, body), spent
