"""python-uvloop: the python-asyncio code, unchanged, on uvloop's event loop (libuv) instead of
asyncio's own selector loop. Only the loop differs: same handlers, same aiohttp, same awaits."""
import importlib.util
import os
import sys

import uvloop

MODEL = "the python-asyncio code unchanged, on uvloop's event loop (libuv)"
ASYNCIO_SERVICE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "python-asyncio", "service.py")


def python_asyncio():
    """python-asyncio's service.py as a module. Not `import service`: this script's folder comes
    first on sys.path, so that name is this very file."""
    spec = importlib.util.spec_from_file_location("python_asyncio_service", ASYNCIO_SERVICE)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def main() -> int:
    return python_asyncio().run(impl="python-uvloop", model=MODEL, loop_factory=uvloop.new_event_loop)


if __name__ == "__main__":
    sys.exit(main())
