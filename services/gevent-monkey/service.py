"""gevent-monkey (geventecho4.py): the python-threads code, unchanged, with one line added
first. Every thread becomes a greenlet, every blocking socket call a switch to the hub."""
from gevent import monkey

monkey.patch_all()

import threadecho  # noqa: E402  (must come after the patch: that is the whole point)


def main() -> None:
    threadecho.main(impl="gevent-monkey")


if __name__ == "__main__":
    main()
