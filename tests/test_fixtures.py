"""The tests' own hygiene: a fixture of ``tests/conftest.py`` is defined there alone.

A test module that defines a fixture of the same name silently replaces the shared one for
its tests (a ``dana`` signed in differently, a ``signed_in`` returning something else), so
the same word would mean two things in two files.
"""

from __future__ import annotations

import ast
from pathlib import Path

TESTS = Path(__file__).resolve().parent


def _fixtures(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.FunctionDef):
            for decorator in node.decorator_list:
                target = decorator.func if isinstance(decorator, ast.Call) else decorator
                if ast.unparse(target) in ("pytest.fixture", "fixture"):
                    names.add(node.name)
    return names


def test_no_test_module_shadows_a_shared_fixture():
    shared = _fixtures(TESTS / "conftest.py")
    browser = _fixtures(TESTS / "browser" / "conftest.py")
    assert {"dana", "sam", "alex", "signed_in", "queries"} <= shared
    shadowing = {
        str(path.relative_to(TESTS)): sorted(_fixtures(path) & (shared | browser))
        for path in TESTS.rglob("test_*.py")
        if _fixtures(path) & (shared | browser)
    }
    assert not shadowing
    assert not browser & shared, "tests/browser/conftest.py redefines a shared fixture"
