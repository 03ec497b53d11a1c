import os
import subprocess
import sys
import unittest

from labcommon.config import ConfigError, read_config


class ConfigTest(unittest.TestCase):
    def test_defaults(self):
        c = read_config(env={"PORT": "8101", "LINE_PORT": "8201", "UPSTREAM_URL": "http://127.0.0.1:9000"})
        self.assertEqual((c.port, c.line_port, c.bind, c.upstream_url, c.upstream_timeout_ms),
                         (8101, 8201, "127.0.0.1", "http://127.0.0.1:9000", 10000))

    def test_ports_and_upstream_have_no_default(self):
        with self.assertRaises(ConfigError) as cm:
            read_config(env={})
        msg = str(cm.exception)
        for word in ("PORT is not set", "LINE_PORT is not set", "UPSTREAM_URL is not set", "service.json"):
            self.assertIn(word, msg)

    def test_values(self):
        c = read_config(env={"PORT": "0", "LINE_PORT": "7", "UPSTREAM_URL": "http://u:1/", "BIND": "0.0.0.0",
                                   "UPSTREAM_TIMEOUT_MS": "250"})
        self.assertEqual((c.port, c.line_port, c.bind, c.upstream_url, c.upstream_timeout_s),
                         (0, 7, "0.0.0.0", "http://u:1", 0.25))

    def test_every_problem_reported_at_once(self):
        with self.assertRaises(ConfigError) as cm:
            read_config(env={"PORT": "x", "LINE_PORT": "70000", "UPSTREAM_TIMEOUT_MS": "0",
                                   "UPSTREAM_URL": "ftp://h"})
        msg = str(cm.exception)
        for word in ("PORT", "LINE_PORT", "UPSTREAM_TIMEOUT_MS", "UPSTREAM_URL"):
            self.assertIn(word, msg)

    def test_exit_code_2_with_a_message(self):
        code = "from labcommon.config import read_config_or_exit; read_config_or_exit('svc')"
        p = subprocess.run([sys.executable, "-c", code], env={**os.environ, "PORT": "nope"}, capture_output=True,
                           text=True)
        self.assertEqual(p.returncode, 2)
        self.assertIn("svc: bad configuration: PORT must be an integer", p.stderr)

    def test_run_by_hand_without_ports_exits_2_naming_them(self):
        code = "from labcommon.config import read_config_or_exit; read_config_or_exit('svc')"
        env = {k: v for k, v in os.environ.items() if k not in ("PORT", "LINE_PORT", "UPSTREAM_URL")}
        p = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
        self.assertEqual(p.returncode, 2)
        self.assertIn("svc: bad configuration: PORT is not set", p.stderr)
        self.assertIn("LINE_PORT is not set", p.stderr)


if __name__ == "__main__":
    unittest.main()
