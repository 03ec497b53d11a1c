"""Shared pieces of the Python rows of Concurrency Lab (see ../API.md).

Every submodule is import-safe under gevent's monkey.patch_all(): definitions only, no
sockets, threads or signal handlers created at import time.
"""
