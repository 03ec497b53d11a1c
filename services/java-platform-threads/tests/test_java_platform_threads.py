import unittest

from labtesting import hold_idle_connections, java_missing
from labtesting.contract import RowContract

# Debian 12 has no JDK 21: there the whole class is skipped, saying so with the install command
# (the Docker e2e verifies the row in its Debian 13 image); LAB_JAVA names a JDK 21 to run it.
NO_JDK = java_missing("java-platform-threads")


@unittest.skipIf(NO_JDK, NO_JDK)
class JavaPlatformThreadsTest(RowContract, unittest.TestCase):
    """The shared row contract against java-virtual-threads' code on platform threads."""
    ROW = "java-platform-threads"
    UNIT = "threads"

    def test_runtime_is_openjdk_21_on_platform_threads(self):
        info = [dict(ls) for n, ls in self.row.metrics() if n == "lab_info"]
        self.assertEqual(len(info), 1)
        self.assertRegex(info[0]["runtime"], r"^openjdk (2[1-9]|[3-9]\d)\S* \(platform threads\)$")

    def test_an_os_thread_per_idle_connection(self):
        threads0 = self.row.metric("lab_os_threads")
        conns = hold_idle_connections(self.row, 200)
        try:
            # The difference from java-virtual-threads, and the only one: each connection's
            # thread is an OS thread (150: earlier tests' connections may still be closing).
            self.assertGreaterEqual(self.row.metric("lab_os_threads") - threads0, 150)
        finally:
            for c in conns:
                c.close()


if __name__ == "__main__":
    unittest.main()
