"""Entry point of python-processes; the code is in forkecho.py."""
from forkecho import main

if __name__ == "__main__":
    main()
