import unittest

from labtesting.contract import RowContract


class TwistedCallbacksTest(RowContract, unittest.TestCase):
    ROW = "twisted-callbacks"
    UNIT = "deferreds"


if __name__ == "__main__":
    unittest.main()
