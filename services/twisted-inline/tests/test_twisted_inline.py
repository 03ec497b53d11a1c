import unittest

from labtesting.contract import RowContract


class TwistedInlineTest(RowContract, unittest.TestCase):
    ROW = "twisted-inline"
    UNIT = "deferreds"


if __name__ == "__main__":
    unittest.main()
