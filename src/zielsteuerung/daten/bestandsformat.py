"""The layout of the store file and the migrations from older layouts.

Format history (``meta.schema_version``); a store of an older format is migrated when opened,
after a backup next to it, in one transaction (``MIGRATIONEN``):

- 1: tables ``meta``, ``importe``, ``traeger``, ``grunddaten`` (one row per value).
- 2: ``importe.zuordnung`` and ``importe.zuordnung_datei`` (NULL for imports of format 1,
  whose mapping is unknown: importing such a file again on the command line replaces it).
- 3: ``grunddaten`` holds one row per Träger, merkmal, Wartezeit, month and Datenstand with
  the three genders as columns: per gender the value, the marker of a value given as missing
  and the import that gave it (NULL where no import gave that gender). The primary key is the
  order in which an evaluation reads: its rows are the table itself (a covering index), a
  third of the rows of format 2 and a third of its size.

Added within format 3: ``entfernt`` remembers the content of every import removed (``bestand
entfernen``), so that a file of that content found in a folder (the ribbon's Datenordner) is not
imported again. A store written before lacks the table until its next import or removal
creates it; reading takes a missing table as empty. No migration, no backup: nothing stored
changes, and a program that does not know the table ignores it.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable

from ..fehler import DatenbestandFehler
from ..kern.merkmale import GESCHLECHTER

SCHEMA_VERSION = "3"

SCHLUESSEL = ["traeger_id", "merkmal", "wartezeit", "monat", "datenstand"]
WERTE = list(GESCHLECHTER)  # gesamt, frauen, maenner
KENNZEICHEN = [f"kennzeichen_{g}" for g in GESCHLECHTER]
IMPORTE = [f"import_{g}" for g in GESCHLECHTER]


def grunddaten_tabelle(name: str) -> str:
    """CREATE TABLE of the base figures (format 3) under the given name."""
    return f"""
CREATE TABLE IF NOT EXISTS {name} (
    traeger_id     TEXT NOT NULL,
    merkmal        TEXT NOT NULL,
    wartezeit      TEXT NOT NULL,
    monat          INTEGER NOT NULL,  -- YYYYMM
    datenstand     TEXT NOT NULL,     -- ISO date, or the import time where the file gave none
    gesamt         REAL,              -- NULL = missing (suppressed or not available), or
    frauen         REAL,              --   not given (then its import is NULL too)
    maenner        REAL,
    kennzeichen_gesamt  TEXT,         -- the marker the file used for a missing value
    kennzeichen_frauen  TEXT,
    kennzeichen_maenner TEXT,
    import_gesamt  INTEGER REFERENCES importe(import_id),  -- the import that gave the value,
    import_frauen  INTEGER REFERENCES importe(import_id),  -- NULL where none gave it
    import_maenner INTEGER REFERENCES importe(import_id),
    PRIMARY KEY (traeger_id, merkmal, wartezeit, monat, datenstand)
) WITHOUT ROWID;
"""


#: imports removed, by content: a folder's file of that content is skipped, not imported again
ENTFERNT = """
CREATE TABLE IF NOT EXISTS entfernt (
    sha256      TEXT PRIMARY KEY,  -- the content of the removed import's file
    dateiname   TEXT NOT NULL,
    entfernt_am TEXT NOT NULL      -- ISO time of the removal
);
"""

SCHEMA = (
    """
CREATE TABLE IF NOT EXISTS meta (schluessel TEXT PRIMARY KEY, wert TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS importe (
    import_id     INTEGER PRIMARY KEY,
    dateiname     TEXT NOT NULL,
    sha256        TEXT NOT NULL UNIQUE,
    importiert_am TEXT NOT NULL,
    zeilen        INTEGER NOT NULL,  -- values of the file
    beispieldaten INTEGER NOT NULL DEFAULT 0,
    zuordnung     TEXT,             -- SHA-256 of the mapping's settings (NULL: format 1)
    zuordnung_datei TEXT            -- the mapping's file name, NULL for the built-in one
);
CREATE TABLE IF NOT EXISTS traeger (traeger_id TEXT PRIMARY KEY, name TEXT);
"""
    + grunddaten_tabelle("grunddaten")
    + ENTFERNT
)


def _je_geschlecht(spalte: str) -> str:
    return ", ".join(f"max(CASE geschlecht WHEN '{g}' THEN {spalte} END)" for g in GESCHLECHTER)


def _format_3(con: sqlite3.Connection) -> None:
    """One row per value becomes one row per value group; every value is kept (counted)."""
    (vorher,) = con.execute("SELECT count(*) FROM grunddaten").fetchone()
    con.execute(grunddaten_tabelle("grunddaten_3"))
    con.execute(
        "INSERT INTO grunddaten_3 SELECT traeger_id, merkmal, wartezeit, monat, datenstand, "
        f"{_je_geschlecht('wert')}, {_je_geschlecht('fehlkennzeichen')}, "
        f"{_je_geschlecht('import_id')} FROM grunddaten "
        "GROUP BY traeger_id, merkmal, wartezeit, monat, datenstand"
    )
    (nachher,) = con.execute(
        "SELECT coalesce(sum((import_gesamt IS NOT NULL) + (import_frauen IS NOT NULL) "
        "+ (import_maenner IS NOT NULL)), 0) FROM grunddaten_3"
    ).fetchone()
    if nachher != vorher:
        raise DatenbestandFehler(
            f"Die Umstellung auf Format 3 fände {nachher} statt {vorher} Werte (Werte mit "
            "einem anderen Geschlecht als gesamt, frauen, maenner?); der Datenbestand bleibt "
            "unverändert im bisherigen Format."
        )
    con.execute("DROP TABLE grunddaten")
    con.execute("ALTER TABLE grunddaten_3 RENAME TO grunddaten")


Schritt = str | Callable[[sqlite3.Connection], None]

#: format -> (next format, steps: SQL or a function of the connection); applied in order on
#: open, all in one transaction
MIGRATIONEN: dict[str, tuple[str, tuple[Schritt, ...]]] = {
    "1": (
        "2",
        (
            "ALTER TABLE importe ADD COLUMN zuordnung TEXT",
            "ALTER TABLE importe ADD COLUMN zuordnung_datei TEXT",
        ),
    ),
    "2": ("3", (_format_3,)),
}
