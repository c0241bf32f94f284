"""A change of the store's format changes no result.

``daten/auswertung-404-format-2.json`` holds, per Träger, the SHA-256 of the evaluation
(``auswerten --traeger alle --format json``, each object with sorted keys) that the code of
format 2 computed on a store of format 2 holding ``bundesweit.dateien`` (all 404 Jobcenters of
the national benchmark, SYNTHETIC – Beispieldaten, keine amtlichen Werte) imported through its
command line: T0 through each Träger's own last month, and T3 through June. The same store,
written as that importer wrote it, is migrated on open and evaluated again; and the files are
imported into a new store. Both must give the same evaluation, bit for bit.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from contextlib import closing
from pathlib import Path

import pytest

from zielsteuerung.daten.datenbestand import SCHEMA_VERSION

import bundesweit

ERWARTET = json.loads(
    (Path(__file__).parent / "daten" / "auswertung-404-format-2.json").read_text()
)
AUSWERTUNGEN = {"T0": (), "T3-bis-6": ("--wartezeit", "T3", "--bis-monat", 6)}


@pytest.fixture(scope="module")
def dateien(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    return bundesweit.dateien(tmp_path_factory.mktemp("bundesweit"))


def auswertungen(cli, store: Path) -> dict[str, dict[str, str]]:
    ergebnis = {}
    for name, optionen in AUSWERTUNGEN.items():
        lauf = cli("auswerten", "--store", store, "--traeger", "alle", "--jahr",
                   bundesweit.JAHR, "--format", "json", *optionen)  # fmt: skip
        assert lauf.code == 0, lauf.err
        ergebnis[name] = {
            a["traeger_id"]: hashlib.sha256(
                json.dumps(a, sort_keys=True, ensure_ascii=False).encode()
            ).hexdigest()
            for a in lauf.json()
        }
    return ergebnis


def vergleichen(ergebnis: dict[str, dict[str, str]]) -> None:
    for name, erwartet in ERWARTET.items():
        assert list(ergebnis[name]) == list(erwartet), name  # the same Träger, in order
        anders = [t for t in erwartet if ergebnis[name][t] != erwartet[t]]
        assert not anders, f"{name}: {len(anders)} Träger anders, z. B. {anders[:10]}"


def test_all_404_evaluate_as_before_after_the_migration(cli, dateien, tmp_path):
    store = tmp_path / "format-2.sqlite"
    bundesweit.format_2_schreiben(dateien, store)
    vergleichen(auswertungen(cli, store))  # the first open migrates
    with closing(sqlite3.connect(store)) as con:
        assert con.execute("SELECT wert FROM meta").fetchone() == (SCHEMA_VERSION,)


def test_all_404_evaluate_as_before_when_imported_now(cli, dateien, tmp_path):
    store = tmp_path / "neu.sqlite"
    for datei in dateien:
        lauf = cli("import", datei, "--store", store)
        assert lauf.code == 0, lauf.err
    vergleichen(auswertungen(cli, store))
