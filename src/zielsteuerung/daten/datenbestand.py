"""The embedded store: one SQLite file holding every vintage of the base figures with provenance.

Concurrency: WAL journal, so readers go on while one import writes; writers wait up to the
lock limit (``ZIELSTEUERUNG_SPERRFRIST`` seconds, default 10) and then get a German message.
"""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from ..fehler import DatenbestandBelegt, DatenbestandFehler
from ..kern.merkmale import GESCHLECHTER, MERKMALE

SCHEMA_VERSION = "1"
_BLOCK = 100_000
_TRAEGER_JE_ABFRAGE = 500  # SQLite before 3.32 allows 999 parameters per statement
_LESESPALTEN = ["traeger_id", "merkmal", "geschlecht", "monat", "wert", "fehlkennzeichen",
                "datenstand", "import_id"]  # fmt: skip

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (schluessel TEXT PRIMARY KEY, wert TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS importe (
    import_id     INTEGER PRIMARY KEY,
    dateiname     TEXT NOT NULL,
    sha256        TEXT NOT NULL UNIQUE,
    importiert_am TEXT NOT NULL,
    zeilen        INTEGER NOT NULL,
    beispieldaten INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS traeger (traeger_id TEXT PRIMARY KEY, name TEXT);
CREATE TABLE IF NOT EXISTS grunddaten (
    traeger_id     TEXT NOT NULL,
    merkmal        TEXT NOT NULL,
    geschlecht     TEXT NOT NULL,
    wartezeit      TEXT NOT NULL,
    monat          INTEGER NOT NULL,  -- YYYYMM
    datenstand     TEXT NOT NULL,     -- ISO date, or the import time where the file gave none
    wert           REAL,              -- NULL = missing (suppressed or not available)
    fehlkennzeichen TEXT,             -- the marker the file used for a missing value
    import_id      INTEGER NOT NULL REFERENCES importe(import_id),
    PRIMARY KEY (traeger_id, merkmal, geschlecht, wartezeit, monat, datenstand)
) WITHOUT ROWID;
"""

SPALTEN = [
    "traeger_id",
    "merkmal",
    "geschlecht",
    "wartezeit",
    "monat",
    "datenstand",
    "wert",
    "fehlkennzeichen",
]


def standardpfad() -> Path:
    """Default store: $ZIELSTEUERUNG_STORE, else the user's local data folder."""
    if env := os.environ.get("ZIELSTEUERUNG_STORE"):
        return Path(env)
    if os.name == "nt" and (basis := os.environ.get("LOCALAPPDATA")):
        return Path(basis) / "zielsteuerung" / "datenbestand.sqlite"
    basis = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(basis) / "zielsteuerung" / "datenbestand.sqlite"


def _sperrfrist() -> float:
    try:
        return float(os.environ.get("ZIELSTEUERUNG_SPERRFRIST", "10"))
    except ValueError:
        return 10.0


def _belegt(pfad: Path) -> DatenbestandBelegt:
    return DatenbestandBelegt(
        f"Datenbestand gerade in Benutzung, bitte erneut versuchen ({pfad}). "
        "Ein anderer Vorgang (Import oder Aktualisierung) schreibt gerade hinein."
    )


@dataclass(frozen=True)
class ImportInfo:
    import_id: int
    dateiname: str
    sha256: str
    importiert_am: str
    zeilen: int
    beispieldaten: bool


def _zahl(wert: float | None) -> str:
    return "leer" if wert is None else f"{wert:g}"


def _info(zeile: tuple[object, ...]) -> ImportInfo:
    import_id, dateiname, sha256, importiert_am, zeilen, beispieldaten = zeile
    return ImportInfo(
        int(import_id),  # type: ignore[call-overload]
        str(dateiname),
        str(sha256),
        str(importiert_am),
        int(zeilen),  # type: ignore[call-overload]
        bool(beispieldaten),
    )


class Datenbestand:
    """Access to one store file. Use ``oeffnen`` (read) or ``Datenbestand(pfad, anlegen=True)``."""

    def __init__(self, pfad: Path | str, anlegen: bool = False) -> None:
        self.pfad = Path(pfad)
        if not self.pfad.exists():
            if not anlegen:
                raise DatenbestandFehler(
                    f"Datenbestand nicht gefunden: {self.pfad}. "
                    "Zuerst Daten importieren: zielsteuerung import DATEI --store PFAD"
                )
            self.pfad.parent.mkdir(parents=True, exist_ok=True)
        try:
            self.con = sqlite3.connect(self.pfad, timeout=_sperrfrist(), isolation_level=None)
            self.con.execute("PRAGMA foreign_keys = ON")
            if anlegen:
                self._schema_anlegen()
            self._schema_pruefen()
        except sqlite3.DatabaseError as exc:
            self._fehler(exc)

    def _fehler(self, exc: sqlite3.Error) -> None:
        if "locked" in str(exc) or "busy" in str(exc):
            raise _belegt(self.pfad) from exc
        raise DatenbestandFehler(
            f"{self.pfad} ist kein gültiger Datenbestand von zielsteuerung oder ist beschädigt "
            f"({exc})."
        ) from exc

    def _schema_anlegen(self) -> None:
        if self.con.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
            self.con.execute("PRAGMA journal_mode = WAL")
        self.con.executescript(_SCHEMA)
        self.con.execute(
            "INSERT OR IGNORE INTO meta VALUES ('schema_version', ?)", (SCHEMA_VERSION,)
        )

    def _schema_pruefen(self) -> None:
        zeile = self.con.execute(
            "SELECT name FROM sqlite_master WHERE type='table' AND name='meta'"
        ).fetchone()
        version = (
            self.con.execute("SELECT wert FROM meta WHERE schluessel='schema_version'").fetchone()
            if zeile
            else None
        )
        if not version:
            raise DatenbestandFehler(f"{self.pfad} ist kein Datenbestand von zielsteuerung.")
        if version[0] != SCHEMA_VERSION:
            raise DatenbestandFehler(
                f"{self.pfad} hat das Format {version[0]}; dieses Programm kennt Format "
                f"{SCHEMA_VERSION}. Bitte zielsteuerung aktualisieren."
            )

    def close(self) -> None:
        self.con.close()

    def __enter__(self) -> Datenbestand:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    @contextmanager
    def _schreiben(self) -> Iterator[sqlite3.Connection]:
        try:
            self.con.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as exc:
            self._fehler(exc)
        try:
            yield self.con
        except BaseException:
            self.con.execute("ROLLBACK")
            raise
        try:
            self.con.execute("COMMIT")
        except sqlite3.OperationalError as exc:
            self.con.execute("ROLLBACK")
            self._fehler(exc)

    # --- writing -----------------------------------------------------------------------------

    def import_vorhanden(self, sha256: str) -> ImportInfo | None:
        zeile = self.con.execute(
            "SELECT import_id, dateiname, sha256, importiert_am, zeilen, beispieldaten "
            "FROM importe WHERE sha256 = ?",
            (sha256,),
        ).fetchone()
        return _info(zeile) if zeile else None

    def speichern(
        self,
        dateien: list[tuple[pd.DataFrame, str, str, dict[str, str], bool]],
        fortschritt: Callable[[str, float | None], None] | None = None,
    ) -> list[int]:
        """Store validated files (data, file name, SHA-256, Träger names, demo flag) in one
        transaction; returns the number of new rows per file.

        Rows already present with the same value are skipped; a row whose vintage key is
        stored with another value is a conflict, and then nothing is stored.
        """
        beginn = dt.datetime.now().replace(microsecond=0)
        gesamt = sum(len(d[0]) for d in dateien)
        erledigt = 0
        neu_je_datei: list[int] = []
        with self._schreiben() as con:
            con.execute("CREATE TEMP TABLE IF NOT EXISTS neu AS SELECT * FROM grunddaten WHERE 0")
            for nr, (daten, dateiname, sha256, namen, beispieldaten) in enumerate(dateien):
                # a file without Datenstand counts as produced at its import; of several files
                # in one command, the later one counts as newer
                jetzt = (beginn + dt.timedelta(seconds=nr)).isoformat()
                cur = con.execute(
                    "INSERT INTO importe (dateiname, sha256, importiert_am, zeilen, "
                    "beispieldaten) VALUES (?, ?, ?, ?, ?)",
                    (dateiname, sha256, jetzt, len(daten), int(beispieldaten)),
                )
                import_id = int(cur.lastrowid or 0)
                tabelle = (
                    daten[SPALTEN]
                    .assign(datenstand=daten["datenstand"].fillna(jetzt), import_id=import_id)
                    .sort_values(SPALTEN[:6])
                )  # primary-key order: the B-tree grows at its end

                def bloecke(ziel: str, tabelle: pd.DataFrame = tabelle) -> None:
                    nonlocal erledigt
                    for start in range(0, len(tabelle), _BLOCK):
                        block = tabelle.iloc[start : start + _BLOCK].astype(object)
                        block = block.where(block.notna(), None)
                        con.executemany(
                            f"INSERT OR IGNORE INTO {ziel} VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                            block.itertuples(index=False, name=None),
                        )
                        erledigt += len(block)
                        if fortschritt:
                            fortschritt("Speichere", erledigt / max(gesamt, 1))

                # fast path: straight into the store; only where some rows were there already
                # (an overlapping file) are they compared, through a temporary table
                vorher = con.total_changes
                con.execute("SAVEPOINT datei")
                bloecke("grunddaten")
                if con.total_changes - vorher == len(tabelle):
                    con.execute("RELEASE datei")
                    neu_je_datei.append(len(tabelle))
                else:
                    con.execute("ROLLBACK TO datei")
                    con.execute("RELEASE datei")
                    con.execute("DELETE FROM temp.neu")
                    erledigt -= len(tabelle)
                    bloecke("temp.neu")
                    _konflikte_pruefen(con, dateiname)
                    neu = con.execute("INSERT OR IGNORE INTO grunddaten SELECT * FROM temp.neu")
                    neu_je_datei.append(neu.rowcount)
                con.executemany(
                    "INSERT INTO traeger VALUES (?, ?) ON CONFLICT (traeger_id) DO UPDATE SET "
                    "name = excluded.name",
                    list(namen.items()),
                )
            con.execute("DELETE FROM temp.neu")
        return neu_je_datei

    # --- reading -----------------------------------------------------------------------------

    def importe(self) -> list[ImportInfo]:
        zeilen = self.con.execute(
            "SELECT import_id, dateiname, sha256, importiert_am, zeilen, beispieldaten "
            "FROM importe ORDER BY import_id"
        ).fetchall()
        return [_info(z) for z in zeilen]

    def traeger_namen(self) -> dict[str, str]:
        return dict(self.con.execute("SELECT traeger_id, name FROM traeger").fetchall())

    def stand(self) -> tuple[int, int]:
        """A cheap fingerprint that changes whenever an import is committed."""
        zeile = self.con.execute("SELECT count(*), coalesce(max(import_id), 0) FROM importe")
        anzahl, letzte = zeile.fetchone()
        return int(anzahl), int(letzte)

    def traeger_ids(self) -> list[str]:
        """Every Träger with stored rows, sorted: one seek per Träger along the primary key."""
        zeilen = self.con.execute(
            "WITH RECURSIVE t(id) AS (SELECT min(traeger_id) FROM grunddaten UNION ALL "
            "SELECT (SELECT min(traeger_id) FROM grunddaten WHERE traeger_id > t.id) FROM t "
            "WHERE t.id IS NOT NULL) SELECT id FROM t WHERE id IS NOT NULL"
        )
        return [str(z[0]) for z in zeilen]

    def neueste_werte(
        self,
        wartezeit: str,
        traeger: list[str] | None = None,
        von: int | None = None,
        bis: int | None = None,
        merkmale: list[str] | None = None,
    ) -> pd.DataFrame:
        """For each (Träger, merkmal, geschlecht, month) the row of the newest Datenstand.

        ``traeger`` (default: all of the store), ``von``/``bis`` (YYYYMM, inclusive) and
        ``merkmale`` (default: all) narrow the read to what an evaluation uses. Every column
        of the primary key is constrained, so SQLite seeks from each (Träger, merkmal,
        geschlecht) straight to its months and returns the rows in key order, each key's
        vintages oldest first: the newest is the last row of its key (no GROUP BY, no sort).
        """
        ids = sorted(set(traeger)) if traeger else self.traeger_ids()
        codes = sorted(set(merkmale or MERKMALE))
        teile = []
        try:
            for start in range(0, len(ids), _TRAEGER_JE_ABFRAGE):
                block = ids[start : start + _TRAEGER_JE_ABFRAGE]
                teile += self.con.execute(
                    "SELECT traeger_id, merkmal, geschlecht, monat, wert, fehlkennzeichen, "
                    "datenstand, import_id FROM grunddaten "
                    f"WHERE traeger_id IN ({','.join('?' * len(block))}) "
                    f"AND merkmal IN ({','.join('?' * len(codes))}) "
                    f"AND geschlecht IN ({','.join('?' * len(GESCHLECHTER))}) "
                    "AND wartezeit = ? AND monat BETWEEN ? AND ? "
                    "ORDER BY traeger_id, merkmal, geschlecht, wartezeit, monat, datenstand",
                    [*block, *codes, *GESCHLECHTER, wartezeit, von or 0, bis or 999999],
                ).fetchall()
        except sqlite3.OperationalError as exc:
            self._fehler(exc)
        feld = np.array(teile, dtype=object).reshape(len(teile), len(_LESESPALTEN))
        neueste = np.ones(len(feld), dtype=bool)  # the newest vintage: the last row of its key
        neueste[:-1] = (feld[1:, :4] != feld[:-1, :4]).any(axis=1)
        feld = feld[neueste]
        spalten = {name: pd.Series(feld[:, i], dtype=object) for i, name in enumerate(_LESESPALTEN)}
        for name, typ in (("monat", np.int64), ("wert", float), ("import_id", np.int64)):
            spalten[name] = pd.Series(np.array(spalten[name], dtype=typ))  # NULL -> NaN
        return pd.DataFrame(spalten)

    def wartezeiten(self, traeger_id: str) -> list[str]:
        zeilen = self.con.execute(
            "SELECT DISTINCT wartezeit FROM grunddaten WHERE traeger_id = ?", (traeger_id,)
        )
        return sorted(z[0] for z in zeilen)


def _konflikte_pruefen(con: sqlite3.Connection, dateiname: str) -> None:
    """Rows of temp.neu whose vintage is stored with another value: nothing is stored then."""
    konflikte = con.execute(
        "SELECT n.traeger_id, n.merkmal, n.geschlecht, n.wartezeit, n.monat, "
        "n.datenstand, g.wert, n.wert, i.dateiname FROM temp.neu n "
        "JOIN grunddaten g USING (traeger_id, merkmal, geschlecht, wartezeit, monat, "
        "datenstand) JOIN importe i ON i.import_id = g.import_id "
        "WHERE g.wert IS NOT n.wert LIMIT 20"
    ).fetchall()
    if konflikte:
        raise KonfliktGefunden(
            [
                (
                    dateiname,
                    f"Träger {k[0]}, {k[4] // 100}-{k[4] % 100:02d}, {k[1]} {k[2]}, {k[3]}, "
                    f"Datenstand {k[5]}: gespeichert {_zahl(k[6])} (aus {k[8]}), in dieser "
                    f"Datei {_zahl(k[7])}",
                )
                for k in konflikte
            ]
        )


class KonfliktGefunden(Exception):
    """Rows that contradict stored values of the same vintage: (file name, description)."""

    def __init__(self, zeilen: list[tuple[str, str]]) -> None:
        self.zeilen = zeilen
        super().__init__("\n".join(z[1] for z in zeilen))
