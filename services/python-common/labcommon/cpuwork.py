"""The fixed CPU work behind `cpu_iters`, identical in every row (ts-common/cpu-work.ts):
digest = UTF-8 bytes of the text; repeat cpu_iters times: digest = sha256(digest)."""
import hashlib


def cpu_work(text: str, iters: int) -> str:
    """Returns the final digest as hex (the text's own bytes in hex when iters is 0); the
    result is not sent to clients, it exists so tests can compare rows."""
    digest = text.encode("utf-8")
    sha256 = hashlib.sha256
    for _ in range(iters):
        digest = sha256(digest).digest()
    return digest.hex()
