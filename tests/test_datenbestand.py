"""The store under concurrent use, as separate processes: readers go on while an import
writes; a lock that lasts gives a clear German message and exit code 3. And how an evaluation
reads it: along the primary key, the newest vintage of each value, nothing sorted."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from zielsteuerung.daten.datenbestand import Datenbestand, standardpfad

from conftest import WERTE_SQL, schreibe_csv, warte_auf_zeile

HALTER = """
import sqlite3, sys
con = sqlite3.connect(sys.argv[1], isolation_level=None)
con.execute("BEGIN IMMEDIATE")
con.execute("INSERT INTO meta VALUES ('sperrtest', 'x')")
print("gesperrt", flush=True)
sys.stdin.read()  # holds the write lock until the test closes its stdin
con.execute("ROLLBACK")
"""


def zielsteuerung(*args: object, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "zielsteuerung", *map(str, args)],
        capture_output=True,
        text=True,
        env={**os.environ, **env},
        timeout=120,
    )


@pytest.fixture
def schreibsperre(tmp_path: Path, demo_store: Path):
    """Another process holding the write lock of a copy of the demo store until the test has
    finished (it says when it holds the lock; the test checks that it still does)."""
    store = tmp_path / "kopie.sqlite"
    with Datenbestand(demo_store) as quelle, Datenbestand(store, anlegen=True) as ziel:
        quelle.con.backup(ziel.con)
    with subprocess.Popen(
        [sys.executable, "-c", HALTER, str(store)], stdin=subprocess.PIPE, stdout=subprocess.PIPE
    ) as halter:
        assert halter.stdin is not None
        warte_auf_zeile(halter, "gesperrt")
        yield store
        assert halter.poll() is None  # the lock was held all through the test
        halter.stdin.close()
        assert halter.wait(timeout=60) == 0


def test_reading_while_another_process_writes(schreibsperre):
    lauf = zielsteuerung("auswerten", "--store", schreibsperre, "--format", "json")
    assert lauf.returncode == 0, lauf.stderr
    ergebnis = json.loads(lauf.stdout)
    assert (ergebnis["traeger_id"], ergebnis["bis_monat"]) == ("05154", 12)
    assert "nicht berechenbar" not in {z["status"] for z in ergebnis["ziele"]}


def test_lasting_lock_gives_clear_message_and_store_is_unchanged(schreibsperre, tmp_path):
    datei = schreibe_csv(
        tmp_path / "neu.csv",
        [
            dict(
                traeger_id="05154",
                berichtsmonat="2025-01",
                merkmal="INT",
                geschlecht="gesamt",
                wert=1,
                wartezeit="T3",
                datenstand="2025-05-01",
            )
        ],
    )
    vorher = hashlib.sha256(schreibsperre.read_bytes()).hexdigest()
    lauf = zielsteuerung("import", datei, "--store", schreibsperre, ZIELSTEUERUNG_SPERRFRIST="0.5")
    assert lauf.returncode == 3
    assert "Datenbestand gerade in Benutzung, bitte erneut versuchen" in lauf.stderr
    assert "Traceback" not in lauf.stderr
    assert hashlib.sha256(schreibsperre.read_bytes()).hexdigest() == vorher


def test_default_location_is_documented_and_overridable(monkeypatch, tmp_path):
    monkeypatch.setenv("ZIELSTEUERUNG_STORE", str(tmp_path / "x.sqlite"))
    assert standardpfad() == tmp_path / "x.sqlite"
    monkeypatch.delenv("ZIELSTEUERUNG_STORE")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    if os.name != "nt":
        assert standardpfad() == tmp_path / "zielsteuerung" / "datenbestand.sqlite"
    hilfe = zielsteuerung("import", "--help")
    assert "--store PFAD" in hilfe.stdout and "ZIELSTEUERUNG_STORE" in hilfe.stdout


@pytest.mark.parametrize("traeger", [["05154"], None])
def test_newest_vintage_is_read_along_the_primary_key_without_sorting(demo_store, traeger):
    """The evaluation's read seeks along the primary key and needs no sort (no temporary
    B-tree) for one Träger or all of them; the newest vintage of each key is the one kept."""
    with Datenbestand(demo_store) as db:
        gelesen: list[str] = []
        db.con.set_trace_callback(gelesen.append)  # the statement with its values bound
        werte = db.neueste_werte("T0", traeger, 202112, 202312, ["INT", "ELB"])
        db.con.set_trace_callback(None)
        abfrage = next(s for s in gelesen if s.startswith("SELECT traeger_id, merkmal"))
        plan = " | ".join(z[3] for z in db.con.execute(f"EXPLAIN QUERY PLAN {abfrage}"))
        alle = db.con.execute(
            f"SELECT traeger_id, merkmal, geschlecht, monat, wert, max(datenstand) FROM "
            f"({WERTE_SQL}) WHERE wartezeit = 'T0' AND monat BETWEEN 202112 AND 202312 AND "
            "merkmal IN ('INT', 'ELB') GROUP BY traeger_id, merkmal, geschlecht, monat"
        ).fetchall()
    assert "USING PRIMARY KEY" in plan and "TEMP B-TREE" not in plan, plan
    erwartet = {z[:4]: (z[4], z[5]) for z in alle if traeger is None or z[0] in traeger}
    assert len(werte) == len(erwartet) > 0
    for z in werte.itertuples(index=False):
        assert erwartet[(z.traeger_id, z.merkmal, z.geschlecht, z.monat)] == (z.wert, z.datenstand)
