"""The embedded store: one SQLite file holding every vintage of the base figures with provenance.

Concurrency: WAL journal, so readers go on while one import writes; writers wait up to the
lock limit (``ZIELSTEUERUNG_SPERRFRIST`` seconds, default 10) and then get a German message.

Import identity: an import is the file's content (``importe.sha256``, unique) read with one
mapping (``importe.zuordnung``, the SHA-256 of the mapping's settings, see
``Spaltenzuordnung.kennung``; ``zuordnung_datei`` is the mapping's file name for people). The
same content read with another mapping replaces that import's rows in place: same ``import_id``,
same ``importiert_am``, which stays the Datenstand of rows whose file gave none, so a
correction is the same vintage as what it corrects. ``entfernen`` deletes one import and its
rows after a backup.

Format history (``meta.schema_version``); a store of an older format is migrated when opened,
after a backup next to it (``sichern``), in one transaction (``_MIGRATIONEN``):

- 1: tables ``meta``, ``importe``, ``traeger``, ``grunddaten``.
- 2: ``importe.zuordnung`` and ``importe.zuordnung_datei`` (NULL for imports of format 1,
  whose mapping is unknown: importing such a file again on the command line replaces it).
"""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
import sys
from collections.abc import Callable, Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from ..fehler import DatenbestandBelegt, DatenbestandFehler, EingabeFehler
from ..kern.merkmale import GESCHLECHTER, MERKMALE

SCHEMA_VERSION = "2"
_BLOCK = 100_000
_TRAEGER_JE_ABFRAGE = 500  # SQLite before 3.32 allows 999 parameters per statement
_LESESPALTEN = ["traeger_id", "merkmal", "geschlecht", "monat", "wert", "fehlkennzeichen",
                "datenstand", "import_id"]  # fmt: skip

#: format -> (next format, statements); applied in order on open, in one transaction
_MIGRATIONEN: dict[str, tuple[str, tuple[str, ...]]] = {
    "1": (
        "2",
        (
            "ALTER TABLE importe ADD COLUMN zuordnung TEXT",
            "ALTER TABLE importe ADD COLUMN zuordnung_datei TEXT",
        ),
    ),
}

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (schluessel TEXT PRIMARY KEY, wert TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS importe (
    import_id     INTEGER PRIMARY KEY,
    dateiname     TEXT NOT NULL,
    sha256        TEXT NOT NULL UNIQUE,
    importiert_am TEXT NOT NULL,
    zeilen        INTEGER NOT NULL,
    beispieldaten INTEGER NOT NULL DEFAULT 0,
    zuordnung     TEXT,             -- SHA-256 of the mapping's settings (NULL: format 1)
    zuordnung_datei TEXT            -- the mapping's file name, NULL for the built-in one
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
    zuordnung: str | None = None
    zuordnung_datei: str | None = None


@dataclass(frozen=True)
class Lieferung:
    """One validated file to store: its rows, name, SHA-256, Träger names, demo flag, and the
    mapping it was read with (fingerprint and file name)."""

    daten: pd.DataFrame
    dateiname: str
    sha256: str
    namen: dict[str, str]
    beispieldaten: bool
    zuordnung: str
    zuordnung_datei: str | None = None


@dataclass(frozen=True)
class Gespeichert:
    """What storing one file did: rows new to the store, and the import of the same content
    (read with another mapping) it replaced, with the number of rows removed."""

    neu: int
    ersetzt: ImportInfo | None = None
    entfernt: int = 0


_IMPORT_SPALTEN = (
    "import_id, dateiname, sha256, importiert_am, zeilen, beispieldaten, zuordnung, zuordnung_datei"
)


def _zahl(wert: float | None) -> str:
    return "leer" if wert is None else f"{wert:g}"


def _info(zeile: tuple[object, ...]) -> ImportInfo:
    import_id, dateiname, sha256, importiert_am, zeilen, beispieldaten, zuordnung, datei = zeile
    return ImportInfo(
        int(import_id),  # type: ignore[call-overload]
        str(dateiname),
        str(sha256),
        str(importiert_am),
        int(zeilen),  # type: ignore[call-overload]
        bool(beispieldaten),
        None if zuordnung is None else str(zuordnung),
        None if datei is None else str(datei),
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
        except sqlite3.DatabaseError as exc:
            self._fehler(exc)
        try:
            self.con.execute("PRAGMA foreign_keys = ON")
            if anlegen:
                self._schema_anlegen()
            self._schema_pruefen()
        except sqlite3.DatabaseError as exc:
            self.con.close()
            self._fehler(exc)
        except BaseException:
            self.con.close()
            raise

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

    def _version(self) -> str | None:
        zeile = self.con.execute(
            "SELECT name FROM sqlite_master WHERE type='table' AND name='meta'"
        ).fetchone()
        version = (
            self.con.execute("SELECT wert FROM meta WHERE schluessel='schema_version'").fetchone()
            if zeile
            else None
        )
        return str(version[0]) if version else None

    def _schema_pruefen(self) -> None:
        version = self._version()
        if not version:
            raise DatenbestandFehler(f"{self.pfad} ist kein Datenbestand von zielsteuerung.")
        if version in _MIGRATIONEN:
            self._migrieren()
        elif version != SCHEMA_VERSION:
            raise DatenbestandFehler(
                f"{self.pfad} hat das Format {version}; dieses Programm kennt Format "
                f"{SCHEMA_VERSION}. Bitte zielsteuerung aktualisieren."
            )

    def _migrieren(self) -> None:
        """Bring a store of an older format to the current one: backup first, then every step
        in one transaction (another process may have done it meanwhile)."""
        sicherung = self.sichern(f"vor-format-{SCHEMA_VERSION}")
        with self._schreiben() as con:
            version = self._version()
            while version in _MIGRATIONEN:
                version, befehle = _MIGRATIONEN[version]
                for befehl in befehle:
                    con.execute(befehl)
            con.execute("UPDATE meta SET wert = ? WHERE schluessel = 'schema_version'", (version,))
        print(
            f"Hinweis: Datenbestand {self.pfad} auf Format {SCHEMA_VERSION} umgestellt; "
            f"Sicherung des bisherigen Stands: {sicherung}",
            file=sys.stderr,
        )

    def sichern(self, anlass: str) -> Path:
        """A consistent copy of the store next to it, named by occasion and time."""
        zeit = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
        ziel = self.pfad.with_name(f"{self.pfad.stem}.sicherung-{anlass}-{zeit}{self.pfad.suffix}")
        nr = 1
        while ziel.exists():
            nr += 1
            ziel = ziel.with_name(
                f"{self.pfad.stem}.sicherung-{anlass}-{zeit}-{nr}{self.pfad.suffix}"
            )
        try:
            with closing(sqlite3.connect(ziel)) as kopie:
                self.con.backup(kopie)
        except sqlite3.Error as exc:
            ziel.unlink(missing_ok=True)
            if "locked" in str(exc) or "busy" in str(exc):
                raise _belegt(self.pfad) from exc
            raise DatenbestandFehler(
                f"Die Sicherung {ziel} ließ sich nicht anlegen ({exc}); am Datenbestand wurde "
                "nichts geändert. Bitte Schreibrechte im Ordner des Datenbestands prüfen."
            ) from exc
        return ziel

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
        """The import of this file content, whatever mapping it was read with."""
        zeile = self.con.execute(
            f"SELECT {_IMPORT_SPALTEN} FROM importe WHERE sha256 = ?", (sha256,)
        ).fetchone()
        return _info(zeile) if zeile else None

    def speichern(
        self,
        dateien: list[Lieferung],
        fortschritt: Callable[[str, float | None], None] | None = None,
    ) -> list[Gespeichert]:
        """Store validated files in one transaction; per file the number of new rows and, where
        the same content was imported with another mapping, the import it replaced.

        Rows already present with the same value are skipped; a row whose vintage key is
        stored with another value is a conflict, and then nothing is stored.
        """
        gesamt = sum(len(d.daten) for d in dateien)
        erledigt = 0
        ergebnisse: list[Gespeichert] = []
        with self._schreiben() as con:
            beginn = dt.datetime.now().replace(microsecond=0)
            letzter = con.execute("SELECT max(importiert_am) FROM importe").fetchone()[0]
            if letzter and dt.datetime.fromisoformat(letzter) >= beginn:  # within one second
                beginn = dt.datetime.fromisoformat(letzter) + dt.timedelta(seconds=1)
            con.execute("CREATE TEMP TABLE IF NOT EXISTS neu AS SELECT * FROM grunddaten WHERE 0")
            for nr, lieferung in enumerate(dateien):
                daten, dateiname, namen = lieferung.daten, lieferung.dateiname, lieferung.namen
                angaben = (
                    dateiname,
                    len(daten),
                    int(lieferung.beispieldaten),
                    lieferung.zuordnung,
                    lieferung.zuordnung_datei,
                )
                ersetzt = self.import_vorhanden(lieferung.sha256)
                if ersetzt:  # read again with another mapping: in place, the same vintage
                    import_id, jetzt = ersetzt.import_id, ersetzt.importiert_am
                    entfernt = con.execute(
                        "DELETE FROM grunddaten WHERE import_id = ?", (import_id,)
                    ).rowcount
                    con.execute(
                        "UPDATE importe SET dateiname = ?, zeilen = ?, beispieldaten = ?, "
                        "zuordnung = ?, zuordnung_datei = ? WHERE import_id = ?",
                        (*angaben, import_id),
                    )
                else:
                    # a file without Datenstand counts as produced at its import; of several
                    # files in one command, the later one counts as newer
                    jetzt = (beginn + dt.timedelta(seconds=nr)).isoformat()
                    cur = con.execute(
                        "INSERT INTO importe (dateiname, zeilen, beispieldaten, zuordnung, "
                        "zuordnung_datei, sha256, importiert_am) VALUES (?, ?, ?, ?, ?, ?, ?)",
                        (*angaben, lieferung.sha256, jetzt),
                    )
                    import_id, entfernt = int(cur.lastrowid or 0), 0
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
                    neu = len(tabelle)
                else:
                    con.execute("ROLLBACK TO datei")
                    con.execute("RELEASE datei")
                    con.execute("DELETE FROM temp.neu")
                    erledigt -= len(tabelle)
                    bloecke("temp.neu")
                    _konflikte_pruefen(con, dateiname)
                    neu = con.execute(
                        "INSERT OR IGNORE INTO grunddaten SELECT * FROM temp.neu"
                    ).rowcount
                ergebnisse.append(Gespeichert(neu, ersetzt, entfernt))
                con.executemany(
                    "INSERT INTO traeger VALUES (?, ?) ON CONFLICT (traeger_id) DO UPDATE SET "
                    "name = excluded.name",
                    list(namen.items()),
                )
            con.execute("DELETE FROM temp.neu")
        return ergebnisse

    def entfernen(self, import_id: int) -> tuple[ImportInfo, int, Path]:
        """Remove one import and its rows, after a backup: (the import, rows removed, backup).

        Rows another file delivered identically (same key, Datenstand and value) were stored
        once, under the import that came first, and go with it."""
        info = next((i for i in self.importe() if i.import_id == import_id), None)
        if info is None:
            raise EingabeFehler(
                f"Im Datenbestand {self.pfad} gibt es keinen Import Nr. {import_id}; die "
                "Nummern zeigt „zielsteuerung bestand“."
            )
        sicherung = self.sichern(f"vor-entfernen-nr-{import_id}")
        with self._schreiben() as con:
            entfernt = con.execute(
                "DELETE FROM grunddaten WHERE import_id = ?", (import_id,)
            ).rowcount
            con.execute("DELETE FROM importe WHERE import_id = ?", (import_id,))
        return info, entfernt, sicherung

    # --- reading -----------------------------------------------------------------------------

    def importe(self) -> list[ImportInfo]:
        zeilen = self.con.execute(
            f"SELECT {_IMPORT_SPALTEN} FROM importe ORDER BY import_id"
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

    def spannen(
        self, traeger: list[str], merkmale: list[str], von: int, bis: int, ohne: int | None
    ) -> pd.DataFrame:
        """Per Träger, merkmal, geschlecht and month (YYYYMM, von..bis): the smallest and the
        largest positive value stored in any vintage and Wartezeit, without import ``ohne``."""
        sql = (
            "SELECT traeger_id, merkmal, geschlecht, monat, min(wert) AS kleinster, "
            "max(wert) AS groesster FROM grunddaten "
            f"WHERE traeger_id IN ({','.join('?' * len(traeger))}) "
            f"AND merkmal IN ({','.join('?' * len(merkmale))}) AND monat BETWEEN ? AND ? "
            "AND wert > 0 AND import_id IS NOT ? GROUP BY traeger_id, merkmal, geschlecht, monat"
        )
        return pd.read_sql_query(sql, self.con, params=[*traeger, *merkmale, von, bis, ohne])

    def herkunft(
        self,
        traeger_id: str,
        merkmal: str,
        geschlecht: str,
        monat: int,
        wert: float,
        ohne: int | None,
    ) -> tuple[str, str]:
        """Datenstand and file of a stored value (the newest, where several hold it)."""
        zeile = self.con.execute(
            "SELECT g.datenstand, i.dateiname FROM grunddaten g JOIN importe i "
            "USING (import_id) WHERE g.traeger_id = ? AND g.merkmal = ? AND g.geschlecht = ? "
            "AND g.monat = ? AND g.wert = ? AND g.import_id IS NOT ? "
            "ORDER BY g.datenstand DESC LIMIT 1",
            (traeger_id, merkmal, geschlecht, monat, wert, ohne),
        ).fetchone()
        return str(zeile[0]), str(zeile[1])

    def vorhandene_monate(self, traeger_id: str, wartezeit: str) -> dict[str, tuple[int, int]]:
        """Per base figure the first and the last month (YYYYMM) with a value for the Träger."""
        zeilen = self.con.execute(
            "SELECT merkmal, min(monat), max(monat) FROM grunddaten WHERE traeger_id = ? "
            "AND wartezeit = ? AND wert IS NOT NULL GROUP BY merkmal",
            (traeger_id, wartezeit),
        )
        return {str(m): (int(von), int(bis)) for m, von, bis in zeilen}

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
