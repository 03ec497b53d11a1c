import unittest

from labtesting.contract import RowContract


class GeventExplicitTest(RowContract, unittest.TestCase):
    ROW = "gevent-explicit"
    UNIT = "greenlets"


if __name__ == "__main__":
    unittest.main()
