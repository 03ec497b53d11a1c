"""The lab's own builds and commands of the compiled rows (loadgen/src/runtime/local/: go-build,
java-build, native-rows), so that a row's tests run what `lab up` runs; and row_argv, how
`lab up` starts any row. Each build runs a few lines of node against the compiled lab
(loadgen/dist: `npx tsc -b` first) and fails with the reason and the install command."""
import json
import os
import subprocess
from typing import Dict, List, Optional

from .repo import NODE, PYTHON, REPO, SERVICES, load_manifest

LAB_RUNTIME = os.path.join(REPO, "loadgen", "dist", "src", "runtime", "local")

# Every builder script starts so: the compiled module as `lab`, services/<name>'s manifest as
# the lab reads it, `rest` the script's own arguments, and `fail(r)` for a result that is not ok.
_PRELUDE = """import fs from 'node:fs';
import path from 'node:path';
const [builder, dir, ...rest] = process.argv.slice(1);
const lab = await import(builder);
const manifest = { ...JSON.parse(fs.readFileSync(dir + '/service.json', 'utf8')), dir };
const fail = (r) => { console.error(r.reason + (r.hint ? ' (install: ' + r.hint + ')' : '')); process.exit(1); };
"""

# go-build.ts, the image recipe's command: prints the binary's path.
_GO_BUILD = """const r = await lab.ensureGoBinary(manifest);
if (!r.ok) fail(r);
console.log(r.binary);"""

# java-build.ts: `check`, a JDK 21 or why not; otherwise the classes, compiled when a source is newer.
_JAVA_BUILD = """const r = rest[0] === 'check' ? await lab.checkJava() : await lab.ensureJavaClasses(manifest);
if (!r.ok) fail(r);"""

# native-rows.ts (cargo from Debian's crates, erlc): builds, then prints the command line as JSON.
_NATIVE_BUILD = """const { interpreter, args } = manifest.local;
const r = await lab.prepareNative(manifest, interpreter, args, process.env);
if (!r.ok) fail(r);
const c = lab.nativeCommand(interpreter, args, process.env, (p) => path.resolve(dir, p));
console.log(JSON.stringify([c.command, ...c.args]));"""


def _run_builder(module: str, script: str, name: str, *args: str, timeout: float = 600) -> subprocess.CompletedProcess:
    """`script` after the prelude, with loadgen/dist/src/runtime/local/<module> and services/<name>."""
    builder = os.path.join(LAB_RUNTIME, module)
    if not os.path.exists(builder):
        raise AssertionError(f"{builder} is missing: build first (npx tsc -b)")
    return subprocess.run([NODE, "--input-type=module", "-e", _PRELUDE + script, "file://" + builder,
                           os.path.join(SERVICES, name), *args], capture_output=True, text=True, timeout=timeout)


def go_binary(name: str) -> str:
    """services/<name>'s Go binary, built when a source is newer; fails with the reason and
    the apt-get command when Go or a Go library is missing."""
    done = _run_builder("go-build.js", _GO_BUILD, name)
    if done.returncode != 0:
        packages = " ".join(["golang-go", *load_manifest(name)["local"].get("requires", {}).get("debianPackages", [])])
        raise AssertionError(f"{name}: {done.stderr.strip()} (install: sudo apt-get install {packages})")
    return done.stdout.strip()


def java_missing(name: str) -> Optional[str]:
    """None when a JDK 21 (LAB_JAVA, or java on PATH) can run services/<name>, else why not with
    the install command: Debian 12 has no JDK 21, so a Java row's tests skip saying this."""
    return _java_build(name, "check")


def _java_build(name: str, what: str) -> Optional[str]:
    done = _run_builder("java-build.js", _JAVA_BUILD, name, what)
    return f"{name}: {done.stderr.strip()}" if done.returncode != 0 else None


def native_argv(name: str) -> List[str]:
    """services/<name>'s command line (a Rust binary, or erl and its arguments), built first;
    fails with the reason and the apt-get command when the toolchain is missing."""
    done = _run_builder("native-rows.js", _NATIVE_BUILD, name, timeout=900)
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
