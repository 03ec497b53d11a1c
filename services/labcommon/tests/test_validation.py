import unittest

from labcommon.validation import MAX_TEXT_BYTES, EchoParams, OverheadParams, parse_echo_query, parse_overhead_query


class EchoQueryTest(unittest.TestCase):
    def test_text_only_gets_defaults(self):
        self.assertEqual(parse_echo_query("text=hello%20world"), (EchoParams("hello world", None, 0), None))

    def test_all_parameters(self):
        self.assertEqual(parse_echo_query("text=a&delay_ms=60000&cpu_iters=10000000"),
                         (EchoParams("a", 60000, 10_000_000), None))

    def test_cpu_ms_from_the_contracts_range(self):
        self.assertEqual(parse_echo_query("text=a&cpu_ms=1000")[0], EchoParams("a", None, 0, 1000))
        self.assertEqual(parse_echo_query("text=a")[0].cpu_ms, 0)
        for raw, shown in (("1001", "1001"), ("-1", "-1"), ("2.5", "'2.5'"), ("1e3", "'1e3'")):
            params, reason = parse_echo_query("text=a&cpu_ms=" + raw)
            self.assertIsNone(params, raw)
            self.assertEqual(reason, f"cpu_ms must be an integer from 0 to 1000, got {shown}")
        self.assertEqual(parse_echo_query("text=a&cpu_ms=1&cpu_ms=2")[1], "cpu_ms is given 2 times, give it once")

    def test_dict_and_bytes_forms(self):
        self.assertEqual(parse_echo_query({"text": ["x"], "delay_ms": ["0"]})[0], EchoParams("x", 0, 0))
        self.assertEqual(parse_echo_query(b"text=%C3%A9")[0].text, "\u00e9")

    def test_text_required(self):
        for q in ("", "text=", "delay_ms=5"):
            params, reason = parse_echo_query(q)
            self.assertIsNone(params)
            self.assertEqual(reason, "text is required")

    def test_text_size_is_counted_in_utf8_bytes(self):
        ok = "\u00e9" * (MAX_TEXT_BYTES // 2)  # 2 bytes each: exactly the limit
        self.assertIsNotNone(parse_echo_query({"text": [ok]})[0])
        params, reason = parse_echo_query({"text": [ok + "a"]})
        self.assertIsNone(params)
        self.assertIn("4097 bytes", reason)

    def test_out_of_range_and_malformed_numbers(self):
        for q, word in (("text=a&delay_ms=60001", "delay_ms"), ("text=a&delay_ms=-1", "delay_ms"),
                        ("text=a&cpu_iters=10000001", "cpu_iters"), ("text=a&delay_ms=1e3", "delay_ms"),
                        ("text=a&delay_ms=%207", "delay_ms"), ("text=a&delay_ms=", "delay_ms"),
                        ("text=a&cpu_iters=0x10", "cpu_iters")):
            params, reason = parse_echo_query(q)
            self.assertIsNone(params, q)
            self.assertIn(word, reason)
            self.assertNotIn("\n", reason)

    def test_repeated_parameter_is_an_error(self):
        self.assertIn("given 2 times", parse_echo_query("text=a&text=b")[1])

    def test_reason_is_one_line_even_for_hostile_input(self):
        _, reason = parse_echo_query("text=a&delay_ms=1%0A2")
        self.assertNotIn("\n", reason)


class OverheadQueryTest(unittest.TestCase):
    def test_valid(self):
        self.assertEqual(parse_overhead_query("workers=10&tasks=200&sleep_ms=5"), (OverheadParams(10, 200, 5), None))
        self.assertEqual(parse_overhead_query("workers=2000&tasks=100000&sleep_ms=0")[0], OverheadParams(2000, 100000, 0))

    def test_all_required(self):
        for q, word in (("tasks=1&sleep_ms=1", "workers"), ("workers=1&sleep_ms=1", "tasks"), ("workers=1&tasks=1", "sleep_ms")):
            params, reason = parse_overhead_query(q)
            self.assertIsNone(params)
            self.assertIn(f"{word} is required", reason)

    def test_ranges(self):
        for q in ("workers=0&tasks=1&sleep_ms=1", "workers=2001&tasks=1&sleep_ms=1", "workers=1&tasks=0&sleep_ms=1",
                  "workers=1&tasks=100001&sleep_ms=1", "workers=1&tasks=1&sleep_ms=1001"):
            self.assertIsNone(parse_overhead_query(q)[0], q)

    def test_mode_defaults_to_pool_and_takes_spawn(self):
        self.assertEqual(parse_overhead_query("workers=1&tasks=1&sleep_ms=1")[0].mode, "pool")
        self.assertEqual(parse_overhead_query("workers=1&tasks=1&sleep_ms=1&mode=pool")[0].mode, "pool")
        self.assertEqual(parse_overhead_query("workers=1&tasks=1&sleep_ms=1&mode=spawn")[0].mode, "spawn")

    def test_bad_mode_names_the_allowed_values(self):
        for q in ("mode=bogus", "mode=POOL", "mode=pool&mode=spawn", "mode=a%0Ab"):
            params, reason = parse_overhead_query("workers=1&tasks=1&sleep_ms=1&" + q)
            self.assertIsNone(params, q)
            self.assertIn("mode", reason)
            self.assertNotIn("\n", reason)
        self.assertIn("pool, spawn", parse_overhead_query("workers=1&tasks=1&sleep_ms=1&mode=bogus")[1])


if __name__ == "__main__":
    unittest.main()
