"""What a new person meets on a fresh machine: the system check before ``make run`` and
``make test``, and warnings that fail the run only when they are about Hearth's own code."""

from __future__ import annotations

import subprocess
import sys
import warnings
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))
import system_check  # noqa: E402


def test_a_warning_about_our_own_code_fails_the_run():
    with pytest.raises(DeprecationWarning):
        warnings.warn_explicit("old API", DeprecationWarning, "domain/x.py", 1, module="domain.x")


def test_a_third_party_warning_at_import_is_shown_without_stopping_the_run():
    with warnings.catch_warnings(record=True) as seen:
        # The filters pytest applied for this test stay in force inside catch_warnings.
        warnings.warn_explicit(
            "HarfBuzz-Subset will be required by future versions of WeasyPrint.",
            DeprecationWarning,
            "weasyprint/text/ffi.py",
            528,
            module="weasyprint.text.ffi",
        )
    assert [str(w.message) for w in seen] == [
        "HarfBuzz-Subset will be required by future versions of WeasyPrint."
    ]


def test_leaked_resources_stay_errors_wherever_they_surface():
    with pytest.raises(ResourceWarning):
        warnings.warn_explicit("unclosed", ResourceWarning, "socket.py", 1, module="socket")


def test_the_list_for_ci_names_every_package_including_harfbuzz_subset():
    listed = subprocess.run(  # noqa: S603 - our own script
        [sys.executable, str(ROOT / "scripts" / "system_check.py"), "--list"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    for package in (
        "libpango-1.0-0",
        "libpangoft2-1.0-0",
        "libharfbuzz-subset0",
        "fonts-dejavu-core",
        "poppler-utils",
        "chromium",
        "python3-venv",
    ):
        assert package in listed


def _need(what: str, present: bool, package: str) -> system_check.Need:
    return system_check.Need(what, lambda: present, (package,))


def test_something_missing_stops_with_one_line_and_the_command(monkeypatch, capsys):
    monkeypatch.setattr(
        system_check, "RUN", [_need("HarfBuzz subset", False, "libharfbuzz-subset0")]
    )
    monkeypatch.setattr(system_check, "can_install", lambda: False)
    monkeypatch.setattr(system_check.platform, "system", lambda: "Linux")

    assert system_check.main(["system_check.py", "run"]) == 1

    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("Missing: HarfBuzz subset. Install with: ")
    assert "apt-get install -y --no-install-recommends libharfbuzz-subset0" in lines[0]


def test_as_root_with_apt_it_installs_what_is_missing(monkeypatch):
    state = {"installed": False}
    need = system_check.Need("fonts", lambda: state["installed"], ("fonts-dejavu-core",))
    installed: list[str] = []

    def fake_apt(needs):
        installed.extend(p for n in needs for p in n.debian)
        state["installed"] = True
        return True

    monkeypatch.setattr(system_check, "RUN", [need])
    monkeypatch.setattr(system_check, "can_install", lambda: True)
    monkeypatch.setattr(system_check, "apt_install", fake_apt)

    assert system_check.main(["system_check.py", "run"]) == 0
    assert installed == ["fonts-dejavu-core"]


def test_macos_gets_the_homebrew_command(monkeypatch):
    monkeypatch.setattr(system_check.platform, "system", lambda: "Darwin")
    command = system_check.install_command([system_check.RUN[1], system_check.CHROMIUM])
    assert command == "brew install pango && brew install --cask chromium"


@pytest.mark.parametrize(
    ("env", "chromium_is"),
    [
        ({}, "optional"),
        ({"CI": "true"}, "required"),
        ({"HEARTH_INSTALL_CHROMIUM": "1"}, "required"),
        ({"CI": "true", "HEARTH_CHROMIUM": "none"}, "absent"),
    ],
)
def test_chromium_is_installed_only_where_the_browser_journeys_must_run(
    monkeypatch, env, chromium_is
):
    for name in ("CI", "HEARTH_INSTALL_CHROMIUM", "HEARTH_CHROMIUM"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)

    required, optional = system_check.needs_for("test")

    where = (
        "required"
        if system_check.CHROMIUM in required
        else "optional"
        if system_check.CHROMIUM in optional
        else "absent"
    )
    assert where == chromium_is
    assert system_check.CHROMIUM not in system_check.needs_for("run")[0]


def test_a_missing_optional_chromium_is_one_note_and_no_failure(monkeypatch, capsys):
    monkeypatch.delenv("CI", raising=False)
    monkeypatch.delenv("HEARTH_INSTALL_CHROMIUM", raising=False)
    monkeypatch.setenv("HEARTH_CHROMIUM", "/nowhere/chromium")
    monkeypatch.setattr(system_check, "RUN", [])
    monkeypatch.setattr(system_check, "TEST", [])

    assert system_check.main(["system_check.py", "test"]) == 0

    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 1
    assert "Chromium" in lines[0] and "skipped" in lines[0]
