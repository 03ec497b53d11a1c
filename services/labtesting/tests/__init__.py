# labtesting's own tests: the runtime requirement helpers and standalone_overhead.py, the Python
# rows' overhead witness (each run in its row's environment, so a missing module shows there).
