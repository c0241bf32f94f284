"""The README's two commands are what CI and a new colleague run."""

from __future__ import annotations

import re
from pathlib import Path

WURZEL = Path(__file__).resolve().parents[1]


def befehle() -> list[str]:
    text = (WURZEL / "README.md").read_text(encoding="utf-8")
    abschnitt = text.split("## Zwei Befehle", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```\n(.+?)\n```", abschnitt)


def test_readme_has_exactly_two_commands_and_ci_runs_the_test_command():
    demo, tests = befehle()
    assert demo.endswith("zielsteuerung demo")
    assert "pytest" in tests and "ruff check" in tests and "mypy" in tests
    ci = (WURZEL / ".ci" / "run").read_text(encoding="utf-8")
    assert tests in ci


def test_ci_runs_existing_tests_without_pyarrow():
    """The second CI run names its test files; a typo would leave pytest without tests."""
    ci = (WURZEL / ".ci" / "run").read_text(encoding="utf-8")
    liste = re.search(r"OHNE_PYARROW_TESTS=\((.+?)\)", ci, flags=re.DOTALL)
    assert liste is not None
    dateien = liste.group(1).split()
    assert {"tests/test_import_formate.py", "tests/test_auswertung.py", "tests/test_cli.py"} <= set(
        dateien
    )
    for datei in dateien:
        assert "\ndef test_" in (WURZEL / datei).read_text(encoding="utf-8"), datei
    assert '"$OHNE/bin/pip" install -q -e ".[test]"' in ci and "import pyarrow" in ci
