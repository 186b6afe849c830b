#!/usr/bin/env python3
"""What Hearth needs from the operating system, checked before ``make run`` and ``make test``.

    python3 scripts/system_check.py run     # the app: Python's venv, Pango, HarfBuzz subset, fonts
    python3 scripts/system_check.py test    # and for the tests: poppler (pdftoppm), Chromium
    python3 scripts/system_check.py --list  # the Debian package names, one line (for .ci/run)

A fresh machine should never greet a new person with a traceback. When something is
missing this installs it where it can (as root, with apt-get) or stops with one line that
says what is missing and the command that installs it.

Chromium is the one optional thing: without it the browser journeys are skipped with a
one-line reason. It is installed only where it must run (``CI=true``) or when asked
(``HEARTH_INSTALL_CHROMIUM=1``); ``HEARTH_CHROMIUM=none`` tells the tests it is absent.

Runs on the system's python3 before the virtualenv exists: standard library only.
"""

from __future__ import annotations

import ctypes.util
import os
import platform
import shutil
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

MIN_PYTHON = (3, 11)
DEFAULT_CHROMIUM = "/usr/bin/chromium"
# Where Homebrew puts libraries, which ctypes does not search on macOS.
EXTRA_LIBRARY_DIRS = ("/opt/homebrew/lib", "/usr/local/lib")


def _library(name: str) -> bool:
    if ctypes.util.find_library(name):
        return True
    return any(Path(d, f"lib{name}.dylib").exists() for d in EXTRA_LIBRARY_DIRS)


def _python_venv() -> bool:
    try:
        import ensurepip  # noqa: F401
        import venv  # noqa: F401
    except ImportError:
        return False
    return True


def _fonts() -> bool:
    # The PDFs are set in DejaVu Sans; without any font WeasyPrint draws empty boxes.
    if Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf").exists():
        return True
    if platform.system() == "Darwin":
        return True  # macOS always has system fonts
    fc_list = shutil.which("fc-list")
    if fc_list is None:
        return False
    found = subprocess.run(  # noqa: S603 - fc-list with a fixed argument
        [fc_list, "DejaVu Sans"], capture_output=True, text=True, check=False
    )
    return bool(found.stdout.strip())


def _chromium_path() -> str:
    return os.environ.get("HEARTH_CHROMIUM", DEFAULT_CHROMIUM)


@dataclass(frozen=True)
class Need:
    """One thing from the system: how to tell it is there, and what installs it."""

    what: str
    present: Callable[[], bool]
    debian: tuple[str, ...]
    brew: tuple[str, ...] = ()


RUN = [
    Need("Python's venv module", _python_venv, ("python3-venv",)),
    Need(
        "Pango (WeasyPrint draws text with it)",
        lambda: _library("pangoft2-1.0"),
        ("libpango-1.0-0", "libpangoft2-1.0-0"),
        ("pango",),
    ),
    Need(
        "HarfBuzz subset (WeasyPrint embeds fonts with it)",
        lambda: _library("harfbuzz-subset"),
        ("libharfbuzz-subset0",),
        ("harfbuzz",),
    ),
    Need("the DejaVu fonts (the PDFs are set in them)", _fonts, ("fonts-dejavu-core",)),
]
TEST = [
    Need(
        "pdftoppm (poppler, to look at the PDFs)",
        lambda: shutil.which("pdftoppm") is not None,
        ("poppler-utils",),
        ("poppler",),
    ),
]
CHROMIUM = Need(
    "Chromium (for the browser journeys)",
    lambda: Path(_chromium_path()).exists(),
    ("chromium",),
    ("--cask chromium",),
)
POSTGRES_CLIENT = Need(
    "pg_dump (backup tests on PostgreSQL)",
    lambda: shutil.which("pg_dump") is not None,
    ("postgresql-client",),
    ("libpq",),
)


def _on(name: str) -> bool:
    return os.environ.get(name, "").strip().lower() in {"1", "true", "yes", "on"}


def needs_for(mode: str) -> tuple[list[Need], list[Need]]:
    """(required, optional) for ``run`` or ``test``."""
    required = list(RUN)
    optional: list[Need] = []
    if mode == "test":
        required += TEST
        if os.environ.get("HEARTH_TEST_DATABASE_URL", "").startswith("postgres"):
            required.append(POSTGRES_CLIENT)
        if _chromium_path() != "none":
            wanted = _on("CI") or _on("HEARTH_INSTALL_CHROMIUM")
            (required if wanted else optional).append(CHROMIUM)
    return required, optional


def install_command(needs: list[Need]) -> str:
    if platform.system() == "Darwin":
        formulas = [f for n in needs for f in n.brew]
        if not formulas:
            return "a Python 3.11+ from python.org or Homebrew (brew install python)"
        casks = [f.split()[-1] for f in formulas if f.startswith("--cask")]
        plain = [f for f in formulas if not f.startswith("--cask")]
        parts = [f"brew install {' '.join(plain)}"] if plain else []
        parts += [f"brew install --cask {' '.join(casks)}"] if casks else []
        return " && ".join(parts)
    packages = " ".join(p for n in needs for p in n.debian)
    sudo = "" if os.geteuid() == 0 else "sudo "
    return f"{sudo}apt-get update && {sudo}apt-get install -y --no-install-recommends {packages}"


def can_install() -> bool:
    return os.geteuid() == 0 and shutil.which("apt-get") is not None


def apt_install(needs: list[Need]) -> bool:
    packages = [p for n in needs for p in n.debian]
    print(f"== installing system packages: {' '.join(packages)}", flush=True)
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    steps = (
        ["apt-get", "update", "-qq"],
        ["apt-get", "install", "-y", "-qq", "--no-install-recommends", *packages],
    )
    # apt-get with our own fixed package names.
    return all(
        subprocess.run(step, env=env, check=False).returncode == 0  # noqa: S603
        for step in steps
    )


def main(argv: list[str]) -> int:
    if argv[1:] == ["--list"]:
        every = RUN + TEST + [CHROMIUM, POSTGRES_CLIENT]
        print(" ".join(p for n in every for p in n.debian))
        return 0
    if len(argv) != 2 or argv[1] not in {"run", "test"}:
        print("usage: system_check.py run|test|--list", file=sys.stderr)
        return 2
    if sys.version_info < MIN_PYTHON:
        want = ".".join(map(str, MIN_PYTHON))
        print(f"Hearth needs Python {want} or newer; this is {platform.python_version()}.")
        return 1

    required, optional = needs_for(argv[1])
    missing = [n for n in required if not n.present()]
    absent = [n for n in optional if not n.present()]
    if missing and can_install():
        if not apt_install(missing):
            print("Installing system packages failed (see above).")
        missing = [n for n in missing if not n.present()]
    if missing:
        names = ", ".join(n.what for n in missing)
        print(f"Missing: {names}. Install with: {install_command(missing)}")
        return 1
    for n in absent:
        print(
            f"Note: {n.what} is not installed, so those tests will be skipped. "
            f"To run them: {install_command([n])}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
