"""Test helpers for the Python rows: start the real upstream and a row as child processes on
ports the OS picks (PORT=0, read back from the startup line), talk HTTP and the line protocol,
read /metrics. Never binds the fixed ports of the manifests."""
import http.client
import json
import os
import re
import select
import signal
import socket
import subprocess
import time
from typing import Dict, List, Optional, Tuple

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", ".."))
SERVICES = os.path.join(REPO, "services")
PYTHON = os.environ.get("LAB_PYTHON") or "/usr/bin/python3"
NODE = os.environ.get("LAB_NODE") or "node"


def _read_startup_line(proc: subprocess.Popen, stream, pattern: str, timeout: float = 20.0) -> re.Match:
    deadline = time.monotonic() + timeout
    seen = b""
    fd = stream.fileno()
    while time.monotonic() < deadline:
        ready, _, _ = select.select([fd], [], [], 0.2)
        if ready:
            chunk = os.read(fd, 4096)
            if not chunk:
                break
            seen += chunk
            m = re.search(pattern.encode(), seen)
            if m:
                return m
        elif proc.poll() is not None:
            break
    raise RuntimeError(f"process did not print {pattern!r} (exit {proc.poll()}): {seen.decode(errors='replace')}")


class Proc:
    def __init__(self, proc: subprocess.Popen, name: str):
        self.proc, self.name = proc, name

    @property
    def pid(self) -> int:
        return self.proc.pid

    def stop(self, sig=signal.SIGTERM, timeout: float = 15.0) -> Optional[int]:
        if self.proc.poll() is None:
            try:
                self.proc.send_signal(sig)
                return self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(5)
        return self.proc.returncode


class Upstream(Proc):
    def __init__(self, delay_ms: int = 50):
        main = os.path.join(SERVICES, "upstream", "dist", "src", "main.js")
        if not os.path.exists(main):
            raise RuntimeError(f"{main} is missing: build first (npx tsc -b)")
        env = {**os.environ, "PORT": "0", "BIND": "127.0.0.1", "UPSTREAM_DELAY_MS": str(delay_ms)}
        p = subprocess.Popen([NODE, main], env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                             start_new_session=True)
        super().__init__(p, "upstream")
        m = _read_startup_line(p, p.stdout, r"listening on (http://[^\s]+)")
        self.url = m.group(1).decode()


def load_manifest(name: str) -> dict:
    with open(os.path.join(SERVICES, name, "service.json")) as f:
        return json.load(f)


def missing_modules(modules: List[str], debian_packages: List[str], who: str) -> Optional[str]:
    """None when every module imports under this Python, else a one-line reason naming the
    missing modules and the command that installs their Debian packages."""
    missing = []
    for module in modules:
        try:
            __import__(module)
        except ImportError:
            missing.append(module)
    if not missing:
        return None
    return (f"{who} needs the Python modules {', '.join(missing)}, which {PYTHON} cannot import: "
            f"sudo apt-get install {' '.join(debian_packages)}")


def require_modules(modules: List[str], debian_packages: List[str], who: str) -> None:
    """Fails (never skips) when a module is missing, with the install command."""
    reason = missing_modules(modules, debian_packages, who)
    if reason:
        raise AssertionError(reason)


def require_runtime(name: str) -> None:
    """require_modules for the modules and Debian packages services/<name>/service.json lists."""
    requires = load_manifest(name).get("local", {}).get("requires", {})
    require_modules(requires.get("pythonModules", []), requires.get("debianPackages", []), name)


# The lab's own build of a Go row (loadgen/src/runtime/local/go-build.ts, the image recipe's
# command), so that the row contract runs the binary `lab up` runs; prints its path.
_GO_BUILD = """import fs from 'node:fs';
const [builder, dir] = process.argv.slice(1);
const { ensureGoBinary } = await import(builder);
const manifest = { ...JSON.parse(fs.readFileSync(dir + '/service.json', 'utf8')), dir };
const r = await ensureGoBinary(manifest);
if (!r.ok) { console.error(r.reason); process.exit(1); }
console.log(r.binary);"""


def go_binary(name: str) -> str:
    """services/<name>'s Go binary, built when a source is newer; fails with the reason and
    the apt-get command when Go or a Go library is missing."""
    builder = os.path.join(REPO, "loadgen", "dist", "src", "runtime", "local", "go-build.js")
    if not os.path.exists(builder):
        raise AssertionError(f"{builder} is missing: build first (npx tsc -b)")
    done = subprocess.run([NODE, "--input-type=module", "-e", _GO_BUILD, "file://" + builder, os.path.join(SERVICES, name)],
                          capture_output=True, text=True, timeout=600)
    if done.returncode != 0:
        packages = " ".join(["golang-go", *load_manifest(name)["local"].get("requires", {}).get("debianPackages", [])])
        raise AssertionError(f"{name}: {done.stderr.strip()} (install: sudo apt-get install {packages})")
    return done.stdout.strip()


# The lab's own check and build of a Java row (loadgen/src/runtime/local/java-build.ts): a JDK 21
# or the reason there is none with the install command; the classes compiled when a source is newer.
_JAVA_BUILD = """import fs from 'node:fs';
const [builder, dir, checkOnly] = process.argv.slice(1);
const { checkJava, ensureJavaClasses } = await import(builder);
const manifest = { ...JSON.parse(fs.readFileSync(dir + '/service.json', 'utf8')), dir };
const r = checkOnly === 'check' ? await checkJava() : await ensureJavaClasses(manifest);
if (!r.ok) { console.error(r.reason + (r.hint ? ' (install: ' + r.hint + ')' : '')); process.exit(1); }"""


def java_missing(name: str) -> Optional[str]:
    """None when a JDK 21 (LAB_JAVA, or java on PATH) can run services/<name>, else why not with
    the install command: Debian 12 has no JDK 21, so a Java row's tests skip saying this."""
    return _java_build(name, "check")


def _java_build(name: str, what: str) -> Optional[str]:
    builder = os.path.join(REPO, "loadgen", "dist", "src", "runtime", "local", "java-build.js")
    if not os.path.exists(builder):
        raise AssertionError(f"{builder} is missing: build first (npx tsc -b)")
    done = subprocess.run([NODE, "--input-type=module", "-e", _JAVA_BUILD, "file://" + builder, os.path.join(SERVICES, name), what],
                          capture_output=True, text=True, timeout=600)
    return f"{name}: {done.stderr.strip()}" if done.returncode != 0 else None


# The lab's own build and command of a Rust or Erlang row (loadgen/src/runtime/local/
# native-rows.ts: cargo from Debian's crates, erlc), so that the row contract runs what `lab up`
# runs; prints the command line as JSON.
_NATIVE_BUILD = """import fs from 'node:fs';
import path from 'node:path';
const [lib, dir] = process.argv.slice(1);
const { prepareNative, nativeCommand } = await import(lib);
const manifest = { ...JSON.parse(fs.readFileSync(dir + '/service.json', 'utf8')), dir };
const { interpreter, args } = manifest.local;
const r = await prepareNative(manifest, interpreter, args, process.env);
if (!r.ok) { console.error(r.reason + (r.hint ? ' (install: ' + r.hint + ')' : '')); process.exit(1); }
const c = nativeCommand(interpreter, args, process.env, (p) => path.resolve(dir, p));
console.log(JSON.stringify([c.command, ...c.args]));"""


def native_argv(name: str) -> List[str]:
    """services/<name>'s command line (a Rust binary, or erl and its arguments), built first;
    fails with the reason and the apt-get command when the toolchain is missing."""
    lib = os.path.join(REPO, "loadgen", "dist", "src", "runtime", "local", "native-rows.js")
    if not os.path.exists(lib):
        raise AssertionError(f"{lib} is missing: build first (npx tsc -b)")
    done = subprocess.run([NODE, "--input-type=module", "-e", _NATIVE_BUILD, "file://" + lib, os.path.join(SERVICES, name)],
                          capture_output=True, text=True, timeout=900)
    if done.returncode != 0:
        raise AssertionError(f"{name}: {done.stderr.strip()}")
    return json.loads(done.stdout)


def row_argv(name: str, local: Dict) -> List[str]:
    """How `lab up` starts services/<name>: its interpreter and local.args."""
    if local["interpreter"] == "go":
        return [go_binary(name), *local["args"][1:]]
    if local["interpreter"] in ("rust", "erlang"):
        return native_argv(name)
    if local["interpreter"] == "java":
        reason = _java_build(name, "build")
        if reason:
            raise AssertionError(reason)
        return [os.environ.get("LAB_JAVA") or "java", *local["args"]]
    return [PYTHON, *local["args"]]


class Row(Proc):
    """services/<name> started the way `lab up` does: its service.json's args and pythonPath
    (a Go row: its binary, built first; a Java row: its classes, compiled first). A missing runtime module fails here with the apt-get
    command (require_runtime)."""

    def __init__(self, name: str, upstream_url: str, extra_env: Optional[Dict[str, str]] = None):
        require_runtime(name)
        folder = os.path.join(SERVICES, name)
        manifest = load_manifest(name)
        local = manifest["local"]
        py_path = [os.path.normpath(os.path.join(folder, p)) for p in local.get("pythonPath", [])]
        env = {**os.environ, "PORT": "0", "LINE_PORT": "0", "BIND": "127.0.0.1", "UPSTREAM_URL": upstream_url,
               "PYTHONPATH": os.pathsep.join(py_path), **(extra_env or {})}
        argv = row_argv(name, local)
        p = subprocess.Popen(argv, cwd=folder, env=env, stdout=subprocess.DEVNULL,
                             stderr=subprocess.PIPE, start_new_session=True)
        super().__init__(p, name)
        m = _read_startup_line(p, p.stderr, r"listening http=(\d+) line=(\d+)")
        self.http_port, self.line_port = int(m.group(1)), int(m.group(2))

    def get(self, target: str, timeout: float = 30.0) -> Tuple[int, bytes, Dict[str, str]]:
        c = http.client.HTTPConnection("127.0.0.1", self.http_port, timeout=timeout)
        try:
            c.request("GET", target)
            r = c.getresponse()
            return r.status, r.read(), {k.lower(): v for k, v in r.getheaders()}
        finally:
            c.close()

    def line_conn(self, timeout: float = 30.0) -> "LineClient":
        return LineClient(self.line_port, timeout)

    def metrics(self) -> Dict[Tuple[str, Tuple[Tuple[str, str], ...]], float]:
        status, body, _ = self.get("/metrics")
        assert status == 200, body
        return parse_metrics(body.decode())

    def metric(self, name: str, **labels: str) -> float:
        return metric_value(self.metrics(), name, **labels)

    def wait_metric(self, name: str, pred, timeout: float = 15.0, **labels: str) -> float:
        """Polls until pred(value) holds (state that settles asynchronously, e.g. a reaped
        child); returns the last value either way, so the caller's assert shows it."""
        deadline = time.monotonic() + timeout
        value = self.metric(name, **labels)
        while not pred(value) and time.monotonic() < deadline:
            time.sleep(0.05)
            value = self.metric(name, **labels)
        return value


def hold_idle_connections(row: "Row", n: int) -> List["LineClient"]:
    """n line connections, each proven accepted and served (one answered line); the caller
    closes them."""
    conns = []
    for _ in range(n):
        c = row.line_conn()
        conns.append(c)
        c.send(b"\n")  # answered locally (text is required): no upstream traffic
    for c in conns:
        assert c.readline() == b"error: text is required\n"
    return conns


class LineClient:
    def __init__(self, port: int, timeout: float = 30.0):
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=timeout)
        self.buf = b""

    def send(self, data: bytes) -> None:
        self.sock.sendall(data)

    def readline(self) -> bytes:
        while b"\n" not in self.buf:
            chunk = self.sock.recv(65536)
            if not chunk:
                out, self.buf = self.buf, b""
                return out
            self.buf += chunk
        line, _, self.buf = self.buf.partition(b"\n")
        return line + b"\n"

    def ask(self, line: bytes) -> bytes:
        self.send(line + b"\n")
        return self.readline()

    def close(self) -> None:
        self.sock.close()


_SAMPLE = re.compile(r'^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)$')
_LABEL = re.compile(r'([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"')


def parse_metrics(text: str) -> Dict[Tuple[str, Tuple[Tuple[str, str], ...]], float]:
    out = {}
    for line in text.splitlines():
        if not line or line.startswith("#"):
            continue
        m = _SAMPLE.match(line)
        if not m:
            raise ValueError(f"unparseable exposition line: {line!r}")
        labels = tuple(sorted(_LABEL.findall(m.group(2) or "")))
        out[(m.group(1), labels)] = float(m.group(3))
    return out


def metric_value(samples, name: str, **labels: str) -> float:
    """Sum of every sample of `name` whose labels include `labels`."""
    want = set(labels.items())
    found = [v for (n, ls), v in samples.items() if n == name and want <= set(ls)]
    if not found:
        raise KeyError(f"no sample {name}{labels}")
    return sum(found)


def _children(pid: int) -> List[tuple]:
    """(child pid, state letter) for every process whose parent is pid, from /proc/*/stat."""
    out = []
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/stat") as f:
                rest = f.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(rest[1]) == pid:
            out.append((int(name), rest[0]))
    return out


def zombie_children(pid: int) -> List[int]:
    return [child for child, state in _children(pid) if state == "Z"]


def live_children(pid: int) -> List[int]:
    return [child for child, _ in _children(pid)]
