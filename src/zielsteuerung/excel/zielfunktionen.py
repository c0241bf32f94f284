"""The core behind the ZIEL_* worksheet functions: argument parsing as Excel passes values,
the settings of the calling workbook, and a cache that reads the store once until it changes:
one read per (Träger, Jahr, Wartezeit) serves the evaluations of every month and every
ZIEL_WERT cell, and each (Träger, Jahr, Monat, Wartezeit) is evaluated once for all its cells.

Excel-free: ``udfs.py`` only decorates thin wrappers around these functions.
"""

from __future__ import annotations

import datetime as dt
import functools
import math
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from ..bericht.auswerten import Grundlage, auswertungen, einzeln, grundlage_lesen
from ..daten import einstellungen
from ..daten.datenbestand import Datenbestand, standardpfad
from ..daten.traeger import TraegerAufloesung
from ..daten.vereinbarungen import beispiel
from ..daten.vereinbarungen import lade as lade_vereinbarung
from ..fehler import ZielsteuerungFehler
from ..kern import monate
from ..kern.auswertung import Auswertung
from ..kern.kennzahlen import JAHRESWERTE, KENNZAHLEN, Panel, monatskennzahl
from ..kern.merkmale import GESCHLECHTER, geschlecht_code, wartezeit_code
from ..kern.vereinbarung import Zielvereinbarung, aus_tabelle

FEHLERZEICHEN = "#ZIEL!"
T = TypeVar("T")


class ZielFehler(ZielsteuerungFehler):
    """A problem a worksheet function reports in its cell (short German text)."""


def fehlertext(exc: BaseException) -> str:
    """What a cell shows instead of a value: '#ZIEL! <short German reason>'."""
    if isinstance(exc, ZielsteuerungFehler):
        text = str(exc).splitlines()[0]
    else:
        text = f"interner Fehler ({type(exc).__name__})"
    return f"{FEHLERZEICHEN} {text}"[:255]


# --- values as Excel passes them -------------------------------------------------------------


def _anzeige(wert: Any) -> str:
    """A value as the user typed it (Excel passes 13 as 13.0)."""
    if isinstance(wert, float) and wert.is_integer():
        return str(int(wert))
    return str(wert)


def _leer(wert: Any) -> bool:
    return wert is None or (isinstance(wert, str) and not wert.strip())


def jahr_aus(wert: Any) -> int | None:
    if _leer(wert):
        return None
    if isinstance(wert, dt.date):
        return wert.year
    try:
        jahr = float(wert)
    except (TypeError, ValueError):
        raise ZielFehler(f"Jahr „{_anzeige(wert)}“ ist keine Jahreszahl") from None
    if not jahr.is_integer() or not 2000 <= jahr <= 2100:
        raise ZielFehler(f"Jahr „{_anzeige(wert)}“ ist keine Jahreszahl")
    return int(jahr)


def monat_aus(wert: Any) -> int | None:
    """A month 1..12, also from a date cell."""
    if _leer(wert):
        return None
    if isinstance(wert, dt.date):
        return wert.month
    try:
        monat = float(wert)
    except (TypeError, ValueError):
        raise ZielFehler(f"Monat „{_anzeige(wert)}“ ist keine Zahl von 1 bis 12") from None
    if not monat.is_integer() or not 1 <= monat <= 12:
        raise ZielFehler(f"Monat „{_anzeige(wert)}“ ist keine Zahl von 1 bis 12")
    return int(monat)


def berichtsmonat_aus(wert: Any) -> int:
    """A reporting month: a date cell, an Excel date number, '2023-07', '07/2023' or 202307."""
    if isinstance(wert, float) and 20_000 <= wert < 80_000:  # Excel's serial date (1954..2118)
        wert = dt.date(1899, 12, 30) + dt.timedelta(days=int(wert))
    elif isinstance(wert, float) and wert.is_integer():
        wert = str(int(wert))
    monat = None if _leer(wert) else monate.parse_monat(wert)
    if monat is None:
        raise ZielFehler(f"Monat „{_anzeige(wert)}“ nicht lesbar (z. B. 2023-07 oder ein Datum)")
    return monat


@functools.cache
def _aufloesung() -> TraegerAufloesung:
    return TraegerAufloesung()


def traeger_aus(wert: Any) -> str | None:
    if _leer(wert):
        return None
    text = str(int(wert)) if isinstance(wert, float) and wert.is_integer() else str(wert)
    traeger_id, _ = _aufloesung().aufloesen(text)
    if traeger_id is None:
        raise ZielFehler(f"Träger „{_anzeige(wert)}“ unbekannt")
    return traeger_id


def wartezeit_aus(wert: Any) -> str | None:
    if _leer(wert):
        return None
    if isinstance(wert, float) and wert.is_integer():
        wert = str(int(wert))
    code = wartezeit_code(str(wert))
    if code is None:
        raise ZielFehler(f"Wartezeit „{wert}“: bitte T0 oder T3")
    return code


def geschlecht_aus(wert: Any) -> str:
    code = "gesamt" if _leer(wert) else geschlecht_code(str(wert))
    if code not in GESCHLECHTER:
        raise ZielFehler(f"Geschlecht „{wert}“: bitte gesamt, frauen oder maenner")
    return str(code)


# --- the calling workbook's settings ---------------------------------------------------------

_MAPPEN_CACHE: dict[str, tuple[float, dict[str, Any]]] = {}
_MAPPEN_GUELTIG = 2.0  # seconds: one recalculation of many cells reads the settings once


def mappen_einstellungen(caller: Any) -> dict[str, Any]:
    """Settings of the workbook a function is called from (xlwings' caller Range), or {}."""
    if caller is None:
        return {}
    try:
        book = caller.sheet.book
        schluessel = str(book.fullname)
    except Exception:
        return {}
    jetzt = time.monotonic()
    treffer = _MAPPEN_CACHE.get(schluessel)
    if treffer and jetzt - treffer[0] < _MAPPEN_GUELTIG:
        return treffer[1]
    werte: dict[str, Any] = {}
    for name in ("Traeger_ID", "Jahr", "Bis_Monat_Vorgabe", "Wartezeit", "Datenbestand"):
        try:
            werte[name] = book.names[name].refers_to_range.value
        except Exception:  # not a controlling workbook: no such name
            continue
    try:
        zeilen = book.sheets["Zielvereinbarung"].tables["tbl_Vereinbarung"].range.value
        werte["tbl_Vereinbarung"] = zeilen
    except Exception:
        pass
    _MAPPEN_CACHE[schluessel] = (jetzt, werte)
    return werte


def vereinbarung_aus_bereich(
    zeilen: list[list[Any]], traeger_id: str, jahr: Any, wartezeit: str = "T3"
) -> Zielvereinbarung:
    """The agreement from the values of tbl_Vereinbarung as Excel returns them (header first)."""
    kopf, *rumpf = zeilen
    eintraege = [dict(zip(kopf, zeile, strict=False)) for zeile in rumpf]
    return aus_tabelle(eintraege, traeger_id, jahr, wartezeit)


@dataclass(frozen=True)
class Auswahl:
    """Everything a function call evaluates: store, agreement, Träger, year, month, Wartezeit."""

    store: Path
    vereinbarung: Zielvereinbarung
    traeger_id: str
    jahr: int
    bis_monat: int | None
    wartezeit: str


def auswahl(
    caller: Any, jahr: Any = None, bis_monat: Any = None, traeger: Any = None, wartezeit: Any = None
) -> Auswahl:
    """Arguments first, then the calling workbook's Einstellungen, then the user's defaults."""
    mappe = mappen_einstellungen(caller)
    vorgaben = einstellungen.lesen()
    traeger_id = (
        traeger_aus(traeger) or traeger_aus(mappe.get("Traeger_ID"))
        or traeger_aus(vorgaben.get("traeger_id"))
    )  # fmt: skip
    jahr_ = jahr_aus(jahr) or jahr_aus(mappe.get("Jahr")) or jahr_aus(vorgaben.get("jahr"))
    wz = (
        wartezeit_aus(wartezeit) or wartezeit_aus(mappe.get("Wartezeit"))
        or wartezeit_aus(vorgaben.get("wartezeit"))
    )  # fmt: skip
    monat = monat_aus(bis_monat)
    if monat is None and not _leer(bis_monat_vorgabe := mappe.get("Bis_Monat_Vorgabe")):
        monat = monat_aus(bis_monat_vorgabe)
    store_text = mappe.get("Datenbestand") or vorgaben.get("datenbestand")
    store = Path(str(store_text)) if not _leer(store_text) else standardpfad()
    if mappe.get("tbl_Vereinbarung"):
        grund = beispiel()
        vereinbarung = vereinbarung_aus_bereich(
            mappe["tbl_Vereinbarung"], traeger_id or grund.traeger_id, jahr_ or grund.jahr
        )
    elif not _leer(vorgaben.get("vereinbarung")):
        vereinbarung = lade_vereinbarung(str(vorgaben["vereinbarung"]))
    else:
        vereinbarung = beispiel()
    return Auswahl(
        store=store,
        vereinbarung=vereinbarung,
        traeger_id=traeger_id or vereinbarung.traeger_id,
        jahr=jahr_ or vereinbarung.jahr,
        bis_monat=monat,
        wartezeit=wz or vereinbarung.wartezeit,
    )


# --- the cache -------------------------------------------------------------------------------


def fingerabdruck(store: Path) -> tuple[int, ...]:
    """Changes whenever an import commits (the database or its write-ahead log changes)."""
    werte: list[int] = []
    for datei in (store, store.with_name(store.name + "-wal")):
        try:
            stat = datei.stat()
            werte += [stat.st_mtime_ns, stat.st_size]
        except FileNotFoundError:
            werte += [0, 0]
    return tuple(werte)


class _Speicher:
    """A small LRU cache whose keys include the store's fingerprint."""

    def __init__(self, groesse: int = 256) -> None:
        self.groesse = groesse
        self.daten: OrderedDict[tuple[Any, ...], Any] = OrderedDict()

    def holen(self, schluessel: tuple[Any, ...], erzeugen: Callable[[], T]) -> T:
        if schluessel in self.daten:
            self.daten.move_to_end(schluessel)
            return self.daten[schluessel]
        wert = erzeugen()
        self.daten[schluessel] = wert
        if len(self.daten) > self.groesse:
            self.daten.popitem(last=False)
        return wert


_CACHE = _Speicher()


def cache_leeren() -> None:
    _CACHE.daten.clear()
    _MAPPEN_CACHE.clear()


def _datenbestand(store: Path) -> Datenbestand:
    if not store.exists():
        raise ZielFehler(f"Datenbestand nicht gefunden: {store}")
    return Datenbestand(store)


def grundlage(
    store: Path,
    traeger_id: str,
    jahr: int,
    wartezeit: str,
    db: Datenbestand | None = None,
    stand: tuple[int, ...] | None = None,
) -> Grundlage:
    """Every figure of one Träger in the months an evaluation of the year reads, read once
    per store state ``stand`` (through ``db`` where one is open: an open connection changes
    the fingerprint of the write-ahead log, so the caller takes it before opening)."""

    def laden() -> Grundlage:
        if db is not None:
            return grundlage_lesen(db, wartezeit, jahr, [traeger_id], None)
        with _datenbestand(store) as offen:
            return grundlage_lesen(offen, wartezeit, jahr, [traeger_id], None)

    stand = stand or fingerabdruck(store)
    schluessel = ("grundlage", stand, str(store), traeger_id, jahr, wartezeit)
    return _CACHE.holen(schluessel, laden)


def auswertung(a: Auswahl) -> Auswertung:
    """The same evaluation as ``auswerten --format json``, computed once per store state."""

    stand = fingerabdruck(a.store)

    def berechnen() -> Auswertung:
        with _datenbestand(a.store) as db:
            g = grundlage(a.store, a.traeger_id, a.jahr, a.wartezeit, db, stand)
            ergebnis = auswertungen(
                db, a.vereinbarung, g, [a.traeger_id], a.jahr, a.bis_monat, a.wartezeit
            )
        return einzeln(ergebnis, a.vereinbarung, a.jahr, a.wartezeit)

    schluessel = ("auswertung", stand, a)
    return _CACHE.holen(schluessel, berechnen)


def panel(store: Path, traeger_id: str, wartezeit: str) -> Panel:
    def laden() -> Panel:
        with _datenbestand(store) as db:
            return Panel(db.neueste_werte(wartezeit, [traeger_id]), wartezeit, [traeger_id])

    return _CACHE.holen(("panel", fingerabdruck(store), str(store), traeger_id, wartezeit), laden)


def _zahl(wert: Any, grund: str | None) -> float:
    if wert is None or (isinstance(wert, float) and math.isnan(wert)):
        raise ZielFehler(f"nicht berechenbar{': ' + grund if grund else ''}")
    return float(wert)


# --- what the functions compute --------------------------------------------------------------


def ziel(a: Auswahl, ziel_id: Any) -> dict[str, Any]:
    if _leer(ziel_id):
        raise ZielFehler('bitte die Kennung eines Ziels angeben, z. B. "k2"')
    ergebnis = auswertung(a)
    for z in ergebnis.ziele:
        if z["id"] == str(ziel_id).strip().lower():
            return z
    bekannt = ", ".join(z["id"] for z in ergebnis.ziele)
    raise ZielFehler(f"Ziel „{ziel_id}“ nicht in der Zielvereinbarung (bekannt: {bekannt})")


def veraenderung(a: Auswahl, ziel_id: str) -> float:
    """The change against the prior year in the target's unit (fachkonzept 5 'veraenderung')."""
    if ziel_id not in {z.id for z in a.vereinbarung.ziele}:
        a = Auswahl(a.store, beispiel(), a.traeger_id, a.jahr, a.bis_monat, a.wartezeit)
    z = ziel(a, ziel_id)
    return _zahl(z["veraenderung"], z["grund"])


def wert(a: Auswahl, kennzahl: str, geschlecht: str) -> float:
    """The year-to-date value V(Y, t) of any indicator of fachkonzept 3.2."""
    code = str(kennzahl).strip().upper()
    if code not in JAHRESWERTE:
        raise ZielFehler(f"Kennzahl „{kennzahl}“ unbekannt (z. B. K2, INT, LZB)")
    bis = a.bis_monat or auswertung(a).bis_monat
    p = grundlage(a.store, a.traeger_id, a.jahr, a.wartezeit).panel
    verlauf = p.jahresverlauf(code, geschlecht, a.jahr)  # all twelve months, computed once
    ergebnis = verlauf.wert[bis - 1, p.spalte[a.traeger_id]]
    return _zahl(ergebnis, None if ergebnis == ergebnis else verlauf.grund(bis)[a.traeger_id])


def kennzahl(
    store: Path, traeger_id: str, wartezeit: str, code: str, monat: int, geschlecht: str
) -> float:
    """An official monthly § 48a value in %."""
    code = str(code).strip().upper()
    if code not in KENNZAHLEN:
        raise ZielFehler(f"Kennzahl „{code}“ unbekannt (K1 … K3E4)")
    p = panel(store, traeger_id, wartezeit)
    werte, gruende = monatskennzahl(p, code, geschlecht)
    if monat not in werte.index or traeger_id not in werte:
        raise ZielFehler(f"keine Daten für {monate.als_text(monat)}")
    return _zahl(werte.loc[monat, traeger_id], gruende.loc[monat, traeger_id])


TABELLENKOPF = ["Ziel_ID", "Ziel", "Vorjahr", "Aktuell", "Veraenderung", "Einheit", "Schwelle",
                "Zielwert", "Status", "Knapp"]  # fmt: skip


def tabelle(a: Auswahl) -> list[list[Any]]:
    """The whole evaluation as rows with a header row (the columns of tbl_Ziele)."""
    felder = ["id", "bezeichnung", "vorjahr", "aktuell", "veraenderung", "einheit", "schwelle",
              "zielwert", "status", "knapp"]  # fmt: skip
    return [TABELLENKOPF] + [[z[f] for f in felder] for z in auswertung(a).ziele]
