"""pyarrow is optional (it has no wheels for 32-bit Windows): without it, the same results.

``.ci/run`` also runs the import, evaluation and command-line tests in a second environment
that never had pyarrow. This test checks the fallback wherever pyarrow is installed: the
command line runs in a child process in which ``import pyarrow`` fails, as it does on a PC
without it, and must give exactly what it gives here.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tomllib
from pathlib import Path

WURZEL = Path(__file__).resolve().parents[1]

#: Run the command line with pyarrow blocked (before pandas is imported); say which storage
#: pandas chose for text so the test can see the fallback really happened.
OHNE_PYARROW = """
import sys
sys.modules["pyarrow"] = None
import pandas as pd
print("Textspeicher:", getattr(pd.Series(["a"]).dtype, "storage", "object"), file=sys.stderr)
from zielsteuerung.cli import main
sys.exit(main(sys.argv[1:]))
"""


def ohne_pyarrow(*args: object) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", OHNE_PYARROW, *map(str, args)],
        capture_output=True, text=True, timeout=600, check=False,
    )  # fmt: skip


def test_pyarrow_is_not_required():
    projekt = tomllib.loads((WURZEL / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert not [a for a in projekt["dependencies"] if a.lower().startswith("pyarrow")]
    assert projekt["optional-dependencies"]["arrow"] == ["pyarrow>=15"]


def test_import_and_evaluation_without_pyarrow_equal_with_it(tmp_path, cli, demo_daten):
    datei = tmp_path / "beispieldaten.csv"
    demo_daten[demo_daten["traeger_id"].isin(["05154", "05113"])].to_csv(
        datei, sep=";", index=False
    )
    mit, ohne = tmp_path / "mit.sqlite", tmp_path / "ohne.sqlite"
    assert cli("import", datei, "--store", mit).code == 0

    lauf = ohne_pyarrow("import", datei, "--store", ohne)
    assert lauf.returncode == 0, lauf.stderr
    assert "Textspeicher: python" in lauf.stderr or "Textspeicher: object" in lauf.stderr
    for befehl in (
        ["auswerten", "--format", "json"],
        ["auswerten", "--format", "json", "--traeger", "05113", "--bis-monat", "6"],
        ["kennzahlen", "--traeger", "05154", "--von", "2023-01", "--format", "json"],
    ):
        erwartet = cli(*befehl, "--store", mit)
        lauf = ohne_pyarrow(*befehl, "--store", ohne)
        assert lauf.returncode == 0 == erwartet.code, lauf.stderr
        assert json.loads(lauf.stdout) == erwartet.json()
