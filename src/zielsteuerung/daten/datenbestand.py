"""The embedded store: one SQLite file holding every vintage of the base figures with provenance.

Layout and format history: ``bestandsformat``. One row per Träger, merkmal, Wartezeit, month
and Datenstand holds the three genders, each with its value, the marker of a value given as
missing, and the import that gave it (NULL where none did: a file may give gesamt without
frauen and maenner, or the other way round, and a later file of the same vintage may add what
an earlier one left out).

Concurrency: WAL journal, so readers go on while one import writes; writers wait up to the
lock limit (``ZIELSTEUERUNG_SPERRFRIST`` seconds, default 10) and then get a German message.

Import identity: an import is the file's content (``importe.sha256``, unique) read with one
mapping (``importe.zuordnung``, the SHA-256 of the mapping's settings, see
``Spaltenzuordnung.kennung``; ``zuordnung_datei`` is the mapping's file name for people). The
same content read with another mapping replaces that import's values in place: same
``import_id``, same ``importiert_am``, which stays the Datenstand of values whose file gave
none, so a correction is the same vintage as what it corrects. ``entfernen`` deletes one import
and its values after a backup.
"""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
import sys
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import closing, contextmanager, suppress
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..fehler import DatenbestandBelegt, DatenbestandFehler, EingabeFehler
from ..kern.merkmale import MERKMALE
from .bestandsformat import (
    ENTFERNT,
    IMPORTE,
    KENNZEICHEN,
    MIGRATIONEN,
    SCHEMA,
    SCHEMA_VERSION,
    WERTE,
)
from .schreiben import Lieferung, anzahl_werte, import_leeren, werte_speichern

_TRAEGER_JE_ABFRAGE = 500  # SQLite before 3.32 allows 999 parameters per statement


def standardpfad() -> Path:
    """Default store: $ZIELSTEUERUNG_STORE, else the user's local data folder."""
    if env := os.environ.get("ZIELSTEUERUNG_STORE"):
        return Path(env)
    if os.name == "nt" and (basis := os.environ.get("LOCALAPPDATA")):
        return Path(basis) / "zielsteuerung" / "datenbestand.sqlite"
    basis = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(basis) / "zielsteuerung" / "datenbestand.sqlite"


#: files given as the store by mistake, as the message names them
_ANDERE_DATEIEN = {
    ".csv": "eine CSV-Datei",
    ".xlsx": "eine Excel-Arbeitsmappe",
    ".xlsm": "eine Excel-Arbeitsmappe",
    ".xls": "eine Excel-Arbeitsmappe",
}


def _ist_sqlite(pfad: Path) -> bool:
    with suppress(OSError), pfad.open("rb") as datei:
        return datei.read(16) == b"SQLite format 3\x00"
    return False


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
class Gespeichert:
    """What storing one file did: values new to the store, and the import of the same content
    (read with another mapping) it replaced, with the number of values removed."""

    neu: int
    ersetzt: ImportInfo | None = None
    entfernt: int = 0


_IMPORT_SPALTEN = ", ".join(f.name for f in fields(ImportInfo))  # as the table names them


def _info(zeile: tuple[Any, ...]) -> ImportInfo:
    """An import as ``_IMPORT_SPALTEN`` reads it (``beispieldaten`` is stored as 0 or 1)."""
    nr, datei, sha256, am, zeilen, beispiel, zuordnung, zuordnung_datei = zeile
    return ImportInfo(nr, datei, sha256, am, zeilen, bool(beispiel), zuordnung, zuordnung_datei)


class Datenbestand:
    """Access to one store file: ``Datenbestand(pfad)`` opens one, ``anlegen=True`` creates it."""

    def __init__(self, pfad: Path | str, anlegen: bool = False) -> None:
        self.pfad = Path(pfad)
        if self.pfad.is_dir():
            raise DatenbestandFehler(
                f"{self.pfad} ist ein Ordner, kein Datenbestand. Bitte den Pfad der Datei "
                f"angeben, z. B. {self.pfad / 'datenbestand.sqlite'}."
            )
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
        if "not a database" in str(exc) and not _ist_sqlite(self.pfad):
            art = _ANDERE_DATEIEN.get(self.pfad.suffix.lower())
            raise DatenbestandFehler(
                f"{self.pfad} ist {art or 'keine SQLite-Datei'}, kein Datenbestand von "
                "zielsteuerung; die Datei wurde nicht verändert. Bitte den Datenbestand angeben "
                "(--store bzw. Einstellungen > Datenbestand)"
                + (
                    f"; eine Datei mit Grunddaten wird importiert: zielsteuerung import "
                    f"{self.pfad.name} --store DATENBESTAND.sqlite."
                    if art
                    else "."
                )
            ) from exc
        raise DatenbestandFehler(
            f"{self.pfad} ist kein gültiger Datenbestand von zielsteuerung oder ist beschädigt "
            f"({exc})."
        ) from exc

    def _schema_anlegen(self) -> None:
        if self.con.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
            self.con.execute("PRAGMA journal_mode = WAL")
        self.con.executescript(SCHEMA)
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
        if version in MIGRATIONEN:
            self._migrieren()
        elif version != SCHEMA_VERSION:
            raise DatenbestandFehler(
                f"{self.pfad} hat das Format {version}; dieses Programm kennt Format "
                f"{SCHEMA_VERSION}. Bitte zielsteuerung aktualisieren."
            )

    def _migrieren(self) -> None:
        """Bring a store of an older format to the current one: backup first, then every step
        in one transaction (another process may have done it meanwhile); then give the space
        of what was replaced back to the file system where nobody else has the store open."""
        sicherung = self.sichern(f"vor-format-{SCHEMA_VERSION}")
        with self._schreiben() as con:
            version = self._version()
            while version in MIGRATIONEN:
                version, schritte = MIGRATIONEN[version]
                for schritt in schritte:
                    if callable(schritt):
                        schritt(con)
                    else:
                        con.execute(schritt)
            con.execute("UPDATE meta SET wert = ? WHERE schluessel = 'schema_version'", (version,))
        with suppress(sqlite3.OperationalError):  # in use elsewhere: the space is reused later
            self.con.execute("VACUUM")
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
            self.con.execute(ENTFERNT)  # added within format 3: a store written before lacks it
            yield self.con
        except BaseException:
            self.con.execute("ROLLBACK")
            raise
        try:
            self.con.execute("COMMIT")
        except sqlite3.OperationalError as exc:
            self.con.execute("ROLLBACK")
            self._fehler(exc)

    @contextmanager
    def _ohne_fremdschluesselpruefung(self) -> Iterator[None]:
        """Storing writes rows that name only the import it has just inserted (or the one it
        replaces) in the same transaction: SQLite's lookup of that import for every row and
        gender (a fifth of the storing time) is left out. The setting changes only outside a
        transaction; afterwards every statement is checked again, as before."""
        self.con.execute("PRAGMA foreign_keys = OFF")
        try:
            yield
        finally:
            self.con.execute("PRAGMA foreign_keys = ON")

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
        """Store validated files in one transaction; per file the number of new values and,
        where the same content was imported with another mapping, the import it replaced.

        A value already stored under the same key and Datenstand is skipped where equal (it
        stays with the import that gave it first); where it differs it is a conflict, and then
        nothing is stored. A gender the stored row lacks is added to it.

        ``fortschritt`` hears of the rows written, and of completion only once the transaction
        is committed: rows written may still be taken back (a conflict found, or rows written
        again to be compared with stored ones).
        """
        gesamt = sum(len(d.daten) for d in dateien)
        erledigt = 0
        ergebnisse: list[Gespeichert] = []

        def melden(zeilen: int) -> None:
            nonlocal erledigt
            erledigt += zeilen
            if fortschritt:
                fortschritt("Speichere", min(erledigt / max(gesamt, 1), 0.99))

        with self._ohne_fremdschluesselpruefung(), self._schreiben() as con:
            beginn = dt.datetime.now().replace(microsecond=0)
            letzter = con.execute("SELECT max(importiert_am) FROM importe").fetchone()[0]
            if letzter and dt.datetime.fromisoformat(letzter) >= beginn:  # within one second
                beginn = dt.datetime.fromisoformat(letzter) + dt.timedelta(seconds=1)
            for nr, lieferung in enumerate(dateien):
                daten, dateiname = lieferung.daten, lieferung.dateiname
                werte = anzahl_werte(daten)
                angaben = (
                    dateiname,
                    werte,
                    int(lieferung.beispieldaten),
                    lieferung.zuordnung,
                    lieferung.zuordnung_datei,
                )
                ersetzt = self.import_vorhanden(lieferung.sha256)
                if ersetzt:  # read again with another mapping: in place, the same vintage
                    import_id, jetzt = ersetzt.import_id, ersetzt.importiert_am
                    entfernt = import_leeren(con, import_id)
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
                neu = werte_speichern(con, daten, dateiname, import_id, jetzt, melden)
                ergebnisse.append(Gespeichert(neu, ersetzt, entfernt))
                con.executemany(
                    "INSERT INTO traeger VALUES (?, ?) ON CONFLICT (traeger_id) DO UPDATE SET "
                    "name = excluded.name",
                    list(lieferung.namen.items()),
                )
        if fortschritt:
            fortschritt("Speichere", 1.0)
        return ergebnisse

    def entfernen(self, import_id: int) -> tuple[ImportInfo, int, Path]:
        """Remove one import and its values, after a backup: (the import, values removed,
        backup). Its content is remembered (``entfernte``) until it is imported again.

        Values another file delivered identically (same key, Datenstand and value) were stored
        once, under the import that came first, and go with it."""
        info = next((i for i in self.importe() if i.import_id == import_id), None)
        if info is None:
            raise EingabeFehler(
                f"Im Datenbestand {self.pfad} gibt es keinen Import Nr. {import_id}; die "
                "Nummern zeigt „zielsteuerung bestand“."
            )
        sicherung = self.sichern(f"vor-entfernen-nr-{import_id}")
        with self._schreiben() as con:
            entfernt = import_leeren(con, import_id)
            con.execute("DELETE FROM importe WHERE import_id = ?", (import_id,))
            jetzt = dt.datetime.now().replace(microsecond=0).isoformat()
            con.execute(
                "INSERT OR REPLACE INTO entfernt VALUES (?, ?, ?)",
                (info.sha256, info.dateiname, jetzt),
            )
        return info, entfernt, sicherung

    def entfernte(self) -> list[tuple[str, str, str]]:
        """The imports removed and not imported again since (file name, SHA-256, removed at):
        a folder's file of such content is skipped. Empty where no removal was recorded."""
        if not self.con.execute("SELECT 1 FROM sqlite_master WHERE name = 'entfernt'").fetchone():
            return []
        return self.con.execute(
            "SELECT dateiname, sha256, entfernt_am FROM entfernt WHERE sha256 NOT IN "
            "(SELECT sha256 FROM importe) ORDER BY entfernt_am, dateiname"
        ).fetchall()

    # --- reading -----------------------------------------------------------------------------

    def importe(self) -> list[ImportInfo]:
        zeilen = self.con.execute(
            f"SELECT {_IMPORT_SPALTEN} FROM importe ORDER BY import_id"
        ).fetchall()
        return [_info(z) for z in zeilen]

    def traeger_namen(self) -> dict[str, str]:
        return dict(self.con.execute("SELECT traeger_id, name FROM traeger").fetchall())

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
        """For each (Träger, merkmal, geschlecht, month) the value of the newest Datenstand
        that gives that gender, one row each (traeger_id, merkmal, geschlecht, monat, wert,
        fehlkennzeichen, datenstand, import_id; Träger, merkmal and geschlecht as
        categoricals).

        ``traeger`` (default: all of the store), ``von``/``bis`` (YYYYMM, inclusive) and
        ``merkmale`` (default: all) narrow the read to what an evaluation uses. The columns
        before the month are constrained, so SQLite seeks from each (Träger, merkmal,
        Wartezeit) straight to its months and returns the rows in key order, each month's
        vintages oldest first (no GROUP BY, no sort): per gender the newest is the last row of
        its month that gives it.
        """
        ids = sorted(set(traeger)) if traeger else self.traeger_ids()
        codes = sorted(set(merkmale or MERKMALE))
        zeilen = []
        try:
            for start in range(0, len(ids), _TRAEGER_JE_ABFRAGE):
                block = ids[start : start + _TRAEGER_JE_ABFRAGE]
                zeilen += self.con.execute(
                    "SELECT traeger_id, merkmal, monat, datenstand, "
                    f"{', '.join([*WERTE, *KENNZEICHEN, *IMPORTE])} FROM grunddaten "
                    f"WHERE traeger_id IN ({','.join('?' * len(block))}) "
                    f"AND merkmal IN ({','.join('?' * len(codes))}) "
                    "AND wartezeit = ? AND monat BETWEEN ? AND ? "
                    "ORDER BY traeger_id, merkmal, wartezeit, monat, datenstand",
                    [*block, *codes, wartezeit, von or 0, bis or 999999],
                ).fetchall()
        except sqlite3.OperationalError as exc:
            self._fehler(exc)
        return _neueste_je_geschlecht(zeilen)

    def spannen(
        self, traeger: list[str], merkmale: list[str], von: int, bis: int, ohne: int | None
    ) -> pd.DataFrame:
        """Per Träger, merkmal, geschlecht and month (YYYYMM, von..bis): the smallest and the
        largest positive value stored in any vintage and Wartezeit, without import ``ohne``."""
        positiv = [f"CASE WHEN {g} > 0 AND {i} IS NOT :ohne THEN {g} END" for g, i in
                   zip(WERTE, IMPORTE, strict=True)]  # fmt: skip
        zeilen = self.con.execute(
            "SELECT traeger_id, merkmal, monat, "
            + ", ".join(f"min({p}), max({p})" for p in positiv)
            + f" FROM grunddaten WHERE traeger_id IN ({_platzhalter('t', traeger)}) "
            f"AND merkmal IN ({_platzhalter('m', merkmale)}) "
            "AND monat BETWEEN :von AND :bis GROUP BY traeger_id, merkmal, monat",
            {
                **{f"t{n}": t for n, t in enumerate(traeger)},
                **{f"m{n}": m for n, m in enumerate(merkmale)},
                **{"von": von, "bis": bis, "ohne": ohne},
            },
        ).fetchall()
        breit = np.array(zeilen, dtype=object).reshape(len(zeilen), 9)
        lang = pd.concat(
            [
                pd.DataFrame(
                    {
                        "traeger_id": breit[:, 0],
                        "merkmal": breit[:, 1],
                        "geschlecht": g,
                        "monat": breit[:, 2].astype(np.int64),
                        "kleinster": breit[:, 3 + 2 * k].astype(float),
                        "groesster": breit[:, 4 + 2 * k].astype(float),
                    }
                )
                for k, g in enumerate(WERTE)
            ],
            ignore_index=True,
        )
        return lang[lang["kleinster"].notna()].reset_index(drop=True)

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
        if geschlecht not in WERTE:
            raise ValueError(geschlecht)
        zeile = self.con.execute(
            "SELECT g.datenstand, i.dateiname FROM grunddaten g JOIN importe i "
            f"ON i.import_id = g.import_{geschlecht} WHERE g.traeger_id = ? AND g.merkmal = ? "
            f"AND g.monat = ? AND g.{geschlecht} = ? AND g.import_{geschlecht} IS NOT ? "
            "ORDER BY g.datenstand DESC LIMIT 1",
            (traeger_id, merkmal, monat, wert, ohne),
        ).fetchone()
        return str(zeile[0]), str(zeile[1])

    def vorhandene_monate(self, traeger_id: str, wartezeit: str) -> dict[str, tuple[int, int]]:
        """Per base figure the first and the last month (YYYYMM) with a value for the Träger."""
        zeilen = self.con.execute(
            "SELECT merkmal, min(monat), max(monat) FROM grunddaten WHERE traeger_id = ? "
            f"AND wartezeit = ? AND ({' OR '.join(f'{g} IS NOT NULL' for g in WERTE)}) "
            "GROUP BY merkmal",
            (traeger_id, wartezeit),
        )
        return {str(m): (int(von), int(bis)) for m, von, bis in zeilen}

    def wartezeiten_je_traeger(self, traeger: list[str], von: int, bis: int) -> dict[str, set[str]]:
        """The Wartezeiten stored per Träger for months ``von``..``bis`` (YYYYMM)."""
        vorhanden: dict[str, set[str]] = defaultdict(set)
        for start in range(0, len(traeger), _TRAEGER_JE_ABFRAGE):
            block = traeger[start : start + _TRAEGER_JE_ABFRAGE]
            for traeger_id, wartezeit in self.con.execute(
                "SELECT DISTINCT traeger_id, wartezeit FROM grunddaten WHERE traeger_id IN "
                f"({','.join('?' * len(block))}) AND monat BETWEEN ? AND ?",
                [*block, von, bis],
            ):
                vorhanden[traeger_id].add(wartezeit)
        return vorhanden

    def wartezeiten(self, traeger_id: str) -> list[str]:
        zeilen = self.con.execute(
            "SELECT DISTINCT wartezeit FROM grunddaten WHERE traeger_id = ?", (traeger_id,)
        )
        return sorted(z[0] for z in zeilen)


def _platzhalter(name: str, werte: list[str]) -> str:
    return ", ".join(f":{name}{n}" for n in range(len(werte)))


def _neueste_je_geschlecht(zeilen: list[tuple[object, ...]]) -> pd.DataFrame:
    """Rows of ``neueste_werte``'s query (key order, vintages oldest first) to one row per
    Träger, merkmal, geschlecht and month: the last row of each month that gives the gender."""
    spalten = np.array(zeilen, dtype=object).reshape(len(zeilen), 13).T
    traeger, merkmal, stand = spalten[0], spalten[1], spalten[3]
    monat = spalten[2].astype(np.int64)
    neu = np.ones(len(monat), dtype=bool)  # the first row of a (Träger, merkmal, month)
    neu[1:] = (
        (monat[1:] != monat[:-1]) | (merkmal[1:] != merkmal[:-1]) | (traeger[1:] != traeger[:-1])
    )
    gruppe = np.cumsum(neu)
    letzte, herkunft = [], []
    for k in range(3):
        import_ = spalten[10 + k].astype(float)  # NULL: not given
        gegeben = np.flatnonzero(~np.isnan(import_))
        gruppen = gruppe[gegeben]
        ende = np.ones(len(gruppen), dtype=bool)  # the last row of its month that gives it
        ende[:-1] = gruppen[1:] != gruppen[:-1]
        letzte.append(gegeben[ende])
        herkunft.append(import_[letzte[-1]])
    alle = np.concatenate(letzte)

    def je_geschlecht(erste: int, typ: type) -> np.ndarray:
        return np.concatenate([spalten[erste + k][z].astype(typ) for k, z in enumerate(letzte)])

    def kategorisch(texte: np.ndarray) -> pd.Categorical:  # each text once
        codes, kategorien = pd.factorize(texte, sort=True)
        return pd.Categorical.from_codes(codes[alle], pd.Index(kategorien, dtype=object))

    geschlecht = np.repeat(np.arange(3, dtype=np.int8), [len(z) for z in letzte])
    return pd.DataFrame(
        {
            "traeger_id": kategorisch(traeger),
            "merkmal": kategorisch(merkmal),
            "geschlecht": pd.Categorical.from_codes(geschlecht, pd.Index(WERTE, dtype=object)),
            "monat": monat[alle],
            "wert": je_geschlecht(4, float),
            "fehlkennzeichen": pd.Series(je_geschlecht(7, object), dtype=object),
            "datenstand": pd.Series(stand[alle], dtype=object),
            "import_id": np.concatenate(herkunft).astype(np.int64),
        }
    )
