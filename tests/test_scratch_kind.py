"""A throwaway kind, added the way CONTRIBUTING.md says (its folder, its templates, its
table and one registry line, nothing else), is covered at once: the contract, the privacy
walk, export, erasure, the audit trail and the summary in ``tests/test_kinds.py`` all
pass for it without a single edit elsewhere.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_a_new_kind_is_covered_the_moment_it_is_registered(tmp_path):
    # A database of its own (SQLite, whatever this run uses), so the throwaway table never
    # meets the suite's.
    env = dict(os.environ, HEARTH_TEST_DATABASE_URL=f"sqlite:///{tmp_path / 'scratch.db'}")
    result = subprocess.run(  # noqa: S603 - our own test suite, our own interpreter
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            "-p",
            "tests.scratch_kind.plugin",
            "tests/test_kinds.py",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    assert "passed" in result.stdout and "failed" not in result.stdout
    # The throwaway kind was really registered while they ran.
    from kinds import registry

    assert f"registered kinds: {', '.join(registry.keys())}, gratitude" in result.stdout
