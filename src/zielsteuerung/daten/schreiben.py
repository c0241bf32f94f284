"""Writing a file's rows into the store (layout: ``bestandsformat``): straight in where
its keys are new, else compared with what is stored and merged, value by value."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..kern.monate import yyyymm_text
from .bestandsformat import IMPORTE, KENNZEICHEN, SCHLUESSEL, WERTE

_BLOCK = 100_000
#: the columns a file's rows bring (the imports are set when they are stored)
LIEFERSPALTEN = [*SCHLUESSEL, *WERTE, *KENNZEICHEN]


@dataclass(frozen=True)
class Lieferung:
    """One validated file to store: its rows (``LIEFERSPALTEN``: one per key of the store,
    with the genders it gives; a value given as missing has its marker, a gender not given
    neither value nor marker; ``datenstand`` NaN where the file gave none; best in key order),
    name, SHA-256, Träger names, demo flag, and the mapping it was read with (fingerprint and
    file name)."""

    daten: pd.DataFrame
    dateiname: str
    sha256: str
    namen: dict[str, str]
    beispieldaten: bool
    zuordnung: str
    zuordnung_datei: str | None = None


def _zahl(wert: float | None) -> str:
    return "leer" if wert is None else f"{wert:g}"


def werte_speichern(
    con: sqlite3.Connection,
    daten: pd.DataFrame,
    dateiname: str,
    import_id: int,
    jetzt: str,
    melden: Callable[[int], None],
) -> int:
    """Store one file's rows (inside the caller's transaction) as import ``import_id``; rows
    without Datenstand get ``jetzt``. Returns the number of values new to the store.

    A value stored already under the same key and Datenstand is skipped where equal (it stays
    with the import that gave it first); where it differs, ``KonfliktGefunden`` is raised. A
    gender the stored row lacks is added to it."""
    # rows without any marker (nearly all) bind three parameters fewer
    mit_kennzeichen = daten[KENNZEICHEN].notna().any(axis=1).to_numpy()

    def bloecke(ziel: str) -> None:
        for kennzeichen in (False, True):
            teil = daten[mit_kennzeichen == kennzeichen]
            for start in range(0, len(teil), _BLOCK):
                spalten = _als_listen(teil.iloc[start : start + _BLOCK], jetzt)
                zeilen_einfuegen(con, ziel, spalten if kennzeichen else spalten[:8], import_id)
                melden(len(spalten[0]))

    # fast path: straight into the store; only where some keys were there already (an
    # overlapping file) are they compared, through a temporary table
    vorher = con.total_changes
    con.execute("SAVEPOINT datei")
    bloecke("grunddaten")
    if con.total_changes - vorher == len(daten):
        con.execute("RELEASE datei")
        return anzahl_werte(daten)
    con.execute("ROLLBACK TO datei")
    con.execute("RELEASE datei")
    con.execute("CREATE TEMP TABLE IF NOT EXISTS neu AS SELECT * FROM grunddaten WHERE 0")
    con.execute("DELETE FROM temp.neu")
    melden(-len(daten))
    bloecke("temp.neu")
    _konflikte_pruefen(con, dateiname)
    neu = _zusammenfuehren(con)
    con.execute("DELETE FROM temp.neu")
    return neu


def anzahl_werte(daten: pd.DataFrame) -> int:
    """Values a file gives: per gender a number or a marker of a missing value."""
    return int(
        sum(
            (daten[g].notna() | daten[k].notna()).sum()
            for g, k in zip(WERTE, KENNZEICHEN, strict=True)
        )
    )


def _als_listen(daten: pd.DataFrame, jetzt: str) -> list[list[object]]:
    """The rows' columns (``LIEFERSPALTEN``) as lists; a file without Datenstand gets the
    import's time. NaN is stored as NULL."""
    spalten = []
    for name in LIEFERSPALTEN:
        spalte = daten[name]
        if isinstance(spalte.dtype, pd.CategoricalDtype):  # each text once, then by code
            texte = np.empty(len(spalte.cat.categories) + 1, dtype=object)  # the last: None
            texte[:-1] = spalte.cat.categories
            werte = texte[spalte.cat.codes.to_numpy()]
        else:
            werte = spalte.to_numpy()
        if name == "datenstand":
            werte = np.where(pd.isna(werte), jetzt, werte)
        spalten.append(werte.tolist())
    return spalten


def zeilen_einfuegen(
    con: sqlite3.Connection, ziel: str, spalten: list[list[object]], import_id: int
) -> None:
    """Insert rows given by their columns (``LIEFERSPALTEN``, or without the markers), each
    gender with ``import_id`` where the row gives it, many rows per statement: SQLite then
    spends a third less time per row than with one statement per row."""
    breite = len(spalten)
    je_anweisung = 999 // breite  # SQLite before 3.32 allows 999 parameters per statement
    auswahl = [f"column{i + 1}" for i in range(breite)]
    if breite == 8:
        auswahl += ["NULL"] * 3
    auswahl += [
        f"CASE WHEN column{6 + k} IS NOT NULL"
        + (f" OR column{9 + k} IS NOT NULL" if breite > 8 else "")
        + f" THEN {import_id:d} END"
        for k in range(3)
    ]

    def anweisung(zeilen: int) -> str:
        platz = "(" + ", ".join("?" * breite) + ")"
        return (
            f"INSERT OR IGNORE INTO {ziel} SELECT {', '.join(auswahl)} "
            f"FROM (VALUES {', '.join([platz] * zeilen)})"
        )

    anzahl = len(spalten[0])
    flach: list[object] = [None] * (anzahl * breite)
    for i, spalte in enumerate(spalten):
        flach[i::breite] = spalte
    voll = anzahl // je_anweisung * je_anweisung * breite
    schritt = je_anweisung * breite
    con.executemany(
        anweisung(je_anweisung), (flach[i : i + schritt] for i in range(0, voll, schritt))
    )
    if voll < len(flach):
        con.execute(anweisung(anzahl - voll // breite), flach[voll:])


def import_leeren(con: sqlite3.Connection, import_id: int) -> int:
    """Take one import's values out of the store (rows left without any value go): the
    number of values removed."""
    betroffen = f":nr IN ({', '.join(IMPORTE)})"
    (anzahl,) = con.execute(
        f"SELECT coalesce(sum({' + '.join(f'({i} IS :nr)' for i in IMPORTE)}), 0) "
        f"FROM grunddaten WHERE {betroffen}",
        {"nr": import_id},
    ).fetchone()
    leeren = ", ".join(
        f"{sp} = CASE WHEN {i} IS :nr THEN NULL ELSE {sp} END"
        for g, k, i in zip(WERTE, KENNZEICHEN, IMPORTE, strict=True)
        for sp in (g, k, i)
    )
    con.execute(f"UPDATE grunddaten SET {leeren} WHERE {betroffen}", {"nr": import_id})
    con.execute(f"DELETE FROM grunddaten WHERE {' AND '.join(f'{i} IS NULL' for i in IMPORTE)}")
    return int(anzahl)


def _konflikte_pruefen(con: sqlite3.Connection, dateiname: str) -> None:
    """Values of temp.neu whose vintage is stored with another value: nothing is stored then."""
    schluessel = ", ".join(f"n.{s}" for s in SCHLUESSEL)
    je_geschlecht = " UNION ALL ".join(
        f"SELECT {schluessel}, '{g}', g.{g}, n.{g}, i.dateiname, i.import_id FROM temp.neu n "
        f"JOIN grunddaten g USING ({', '.join(SCHLUESSEL)}) JOIN importe i "
        f"ON i.import_id = g.{i} WHERE n.{i} IS NOT NULL AND g.{g} IS NOT n.{g}"
        for g, i in zip(WERTE, IMPORTE, strict=True)
    )
    konflikte = con.execute(f"{je_geschlecht} ORDER BY 1, 2, 3, 4, 5, 6 LIMIT 20").fetchall()
    if konflikte:
        nummern = ", ".join(str(n) for n in sorted({k[9] for k in konflikte}))
        raise KonfliktGefunden(
            [
                (
                    dateiname,
                    f"widerspricht einem bereits gespeicherten Wert mit demselben Datenstand: "
                    f"Träger {k[0]}, {yyyymm_text(k[3])}, {k[1]} {k[5]}, {k[2]}, "
                    f"Datenstand {k[4]}: gespeichert {_zahl(k[6])} (aus {k[8]}, Import Nr. "
                    f"{k[9]}), in dieser Datei {_zahl(k[7])}",
                )
                for k in konflikte
            ]
            + [
                (
                    dateiname,
                    "Ist diese Datei eine korrigierte Fassung, sie mit einem späteren Datenstand "
                    "importieren, oder den früheren Import entfernen (zielsteuerung bestand "
                    f"entfernen {nummern}) und sie erneut importieren.",
                )
            ]
        )


def _zusammenfuehren(con: sqlite3.Connection) -> int:
    """Store temp.neu (no conflicts): new keys as rows, genders a stored row lacks added to
    it, values stored already left as they are. Returns the number of new values."""
    (neu,) = con.execute(
        "SELECT coalesce(sum("
        + " + ".join(f"(n.{i} IS NOT NULL AND g.{i} IS NULL)" for i in IMPORTE)
        + f"), 0) FROM temp.neu n LEFT JOIN grunddaten g USING ({', '.join(SCHLUESSEL)})"
    ).fetchone()
    ergaenzen = ", ".join(
        f"{sp} = CASE WHEN {i} IS NULL THEN excluded.{sp} ELSE {sp} END"
        for g, k, i in zip(WERTE, KENNZEICHEN, IMPORTE, strict=True)
        for sp in (g, k, i)
    )
    con.execute(
        "INSERT INTO grunddaten SELECT * FROM temp.neu WHERE true "
        f"ON CONFLICT ({', '.join(SCHLUESSEL)}) DO UPDATE SET {ergaenzen}"
    )
    return int(neu)


class KonfliktGefunden(Exception):
    """Rows that contradict stored values of the same vintage: (file name, description)."""

    def __init__(self, zeilen: list[tuple[str, str]]) -> None:
        self.zeilen = zeilen
        super().__init__("\n".join(z[1] for z in zeilen))
