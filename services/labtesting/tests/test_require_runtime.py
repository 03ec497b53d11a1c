"""A missing runtime fails a row's suite with the install command (labtesting.require_runtime)."""
import unittest

from labtesting import missing_modules, require_modules, require_runtime


class RequireRuntimeTest(unittest.TestCase):
    def test_missing_module_names_module_and_apt_get_command(self):
        reason = missing_modules(["json", "no_such_module_lab"], ["python3-no-such"], "fake-row")
        self.assertIn("no_such_module_lab", reason)
        self.assertNotIn("json,", reason)
        self.assertTrue(reason.endswith("sudo apt-get install python3-no-such"), reason)

    def test_require_fails_instead_of_skipping(self):
        with self.assertRaises(AssertionError) as ctx:
            require_modules(["no_such_module_lab"], ["python3-a", "python3-b"], "fake-row")
        self.assertIn("sudo apt-get install python3-a python3-b", str(ctx.exception))

    def test_present_modules_pass(self):
        self.assertIsNone(missing_modules(["json", "socket"], ["x"], "fake-row"))
        require_runtime("python-threads")  # its manifest's prometheus_client is installed here
