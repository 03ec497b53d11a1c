"""Entry point of python-threads. The code lives in threadecho.py (a unique module name) so
that gevent-monkey can import it from its own service.py without importing itself."""
from threadecho import main

if __name__ == "__main__":
    main()
