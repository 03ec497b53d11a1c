"""What the two Twisted rows share: the reactor plumbing around their handlers (listening,
HTTP resources, ordered line protocol, metrics, the overhead experiment, graceful SIGTERM).

The handler bodies -- fetch, answer an /echo, answer a line, one overhead worker -- live in
each row, in that row's style (addCallback chains or @inlineCallbacks), because that
contrast is the point of having two rows. See ../README.md."""
