import unittest

from labtesting.contract import RowContract


class PythonAsyncioTest(RowContract, unittest.TestCase):
    ROW = "python-asyncio"
    UNIT = "coroutines"


if __name__ == "__main__":
    unittest.main()
