"""The contract's request limits for aiohttp rows (python-asyncio, python-uvloop): aiohttp's own
parser refuses a header field over 8190 bytes with a 400 of its own, so the rows raise its
limits (PARSER_LIMITS, given to the AppRunner) and this middleware answers the contract's 431
or 413 before any handler runs, without counting the request (contract/README.md, "Limits")."""
from aiohttp import web

from .httpwire import TEXT, limit_refusal, text_body

# Far above the contract's figures, so that the middleware, not the parser, decides; the
# request line also carries a 4096-byte text percent-encoded (up to ~12 KiB).
PARSER_LIMITS = {"max_line_size": 64 * 1024, "max_field_size": 64 * 1024}


@web.middleware
async def refuse_over_limits(request, handler):
    refused = limit_refusal(request.raw_headers, request.headers.get("Content-Length"))
    if refused:
        status, reason = refused
        return web.Response(status=status, body=text_body(reason), content_type=TEXT.split(";")[0],
                            charset="utf-8", headers={"Connection": "close"})
    return await handler(request)
