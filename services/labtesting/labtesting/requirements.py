"""A row's runtime modules: a missing one fails its suite (never skips it) with the apt-get
command that installs its Debian package."""
from typing import List, Optional

from .repo import PYTHON, load_manifest


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
