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
