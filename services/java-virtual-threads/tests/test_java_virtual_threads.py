import unittest

from labtesting import hold_idle_connections, java_missing
from labtesting.contract import RowContract

# Debian 12 has no JDK 21: there the whole class is skipped, saying so with the install command
# (the Docker e2e verifies the row in its Debian 13 image); LAB_JAVA names a JDK 21 to run it.
NO_JDK = java_missing("java-virtual-threads")


@unittest.skipIf(NO_JDK, NO_JDK)
class JavaVirtualThreadsTest(RowContract, unittest.TestCase):
    """The shared row contract against the JVM row, compiled the way `lab up` compiles it."""
    ROW = "java-virtual-threads"
    UNIT = "virtual_threads"

    def test_runtime_is_openjdk_21_on_virtual_threads(self):
        info = [dict(ls) for n, ls in self.row.metrics() if n == "lab_info"]
        self.assertEqual(len(info), 1)
        self.assertEqual(info[0]["language"], "java")
        self.assertRegex(info[0]["runtime"], r"^openjdk (2[1-9]|[3-9]\d)\S* \(virtual threads\)$")

    def test_a_virtual_thread_not_an_os_thread_per_idle_connection(self):
        threads0 = self.row.metric("lab_os_threads")
        units0 = self.row.metric("lab_concurrency_units", unit="virtual_threads")
        conns = hold_idle_connections(self.row, 200)
        try:
            self.assertGreaterEqual(self.row.metric("lab_concurrency_units", unit="virtual_threads") - units0, 150)
            # Unmounted virtual threads wait on the JDK's poller, not in an OS thread each.
            self.assertLess(self.row.metric("lab_os_threads") - threads0, 20)
        finally:
            for c in conns:
                c.close()

    def test_cpu_ms_costs_the_row_that_much_cpu(self):
        # The carrier's CPU clock counts the busy loop: 10 x 50 ms of CPU is 0.5 s of the row's.
        for _ in range(5):
            self.row.get("/echo?text=warm&delay_ms=0&cpu_ms=10")
        before = self.row.metric("process_cpu_seconds_total")
        for _ in range(10):
            self.assertEqual(self.row.get("/echo?text=hi&delay_ms=0&cpu_ms=50")[0], 200)
        used = self.row.metric("process_cpu_seconds_total") - before
        self.assertGreaterEqual(used, 0.45)
        self.assertLess(used, 0.75)


if __name__ == "__main__":
    unittest.main()
