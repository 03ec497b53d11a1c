"""The figures each Python row reports: C=1 latency (sequential keep-alive /echo requests at a
fixed upstream delay) and one /overhead run. Starts the upstream and the rows itself on
OS-picked ports and stops them. Not a test: numbers depend on the machine.

  cd services/labtesting && PYTHONPATH=../labcommon /usr/bin/python3 -m labtesting.measure python-threads gevent-monkey
"""
import argparse
import http.client
import json
import sys
import time

from . import Row, Upstream


def c1_latency(row, requests: int, delay_ms: int, path: str = "/echo") -> dict:
    c = http.client.HTTPConnection("127.0.0.1", row.http_port, timeout=30)
    lat = []
    try:
        for _ in range(requests):
            t = time.perf_counter()
            c.request("GET", f"{path}?text=hello&delay_ms={delay_ms}")
            r = c.getresponse()
            r.read()
            lat.append((time.perf_counter() - t) * 1000)
            if r.status != 200:
                raise RuntimeError(f"{row.name}: /echo answered {r.status}")
    finally:
        c.close()
    lat.sort()
    return {"p50_ms": round(lat[len(lat) // 2], 2), "p90_ms": round(lat[int(len(lat) * 0.9)], 2),
            "max_ms": round(lat[-1], 2)}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("rows", nargs="+")
    ap.add_argument("--requests", type=int, default=200)
    ap.add_argument("--delay-ms", type=int, default=50)
    ap.add_argument("--overhead", default="workers=500&tasks=10000&sleep_ms=5")
    args = ap.parse_args()
    upstream = Upstream(delay_ms=args.delay_ms)
    try:
        # The floor: the same client straight to the upstream, so a row's own cost is its p50 minus this.
        upstream.http_port = int(upstream.url.rsplit(":", 1)[1])
        upstream.name = "upstream"
        print(json.dumps({"row": "upstream (direct)", "c1": c1_latency(upstream, args.requests, args.delay_ms, "/arrpi")}),
              flush=True)
        for name in args.rows:
            row = Row(name, upstream.url)
            try:
                lat = c1_latency(row, args.requests, args.delay_ms)
                status, body, _ = row.get(f"/overhead?{args.overhead}", timeout=600)
                over = json.loads(body) if status == 200 else {"status": status, "body": body.decode()}
                print(json.dumps({"row": name, "c1": lat, "overhead": over}), flush=True)
            finally:
                row.stop()
    finally:
        upstream.stop()


if __name__ == "__main__":
    sys.exit(main())
