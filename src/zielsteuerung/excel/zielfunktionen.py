"""The core behind the ZIEL_* worksheet functions: argument parsing as Excel passes values,
the settings of the calling workbook, and a cache that reads the store once until it changes:
one read per (Träger, Jahr, Wartezeit) serves the evaluations of every month and every
ZIEL_WERT cell, and each (Träger, Jahr, Monat, Wartezeit) is evaluated once for all its cells.

Excel-free: ``udfs.py`` only decorates thin wrappers around these functions.
"""

from __future__ import annotations

import math
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any, TypeVar

from ..bericht.auswerten import Grundlage, einzeln, grundlage_lesen
from ..daten import einstellungen
from ..daten.datenbestand import Datenbestand, standardpfad
from ..daten.vereinbarungen import beispiel
from ..daten.vereinbarungen import lade as lade_vereinbarung
from ..fehler import ZielFehler, ZielsteuerungFehler
from ..kern import monate
from ..kern.auswertung import Auswertung
from ..kern.kennzahlen import JAHRESWERTE, KENNZAHLEN, Panel, monatskennzahl
from ..kern.merkmale import GESCHLECHTER, geschlecht_code
from ..kern.vereinbarung import Zielvereinbarung, aus_tabelle
from ..kern.zahlen import ist_zahl
from ..mappe.eingaben import prozent_fehler
from ..mappe.einstellungen import (
    EINSTELLUNGEN,
    KENNZEICHEN,
    VEREINBARUNG,
    anzeige,
    einstellungen_aus,
    excel_datum,
    jahr_aus,
    leer,
    monat_im_jahr,
    traeger_aus,
    wartezeit_aus,
)

FEHLERZEICHEN = "#ZIEL!"
T = TypeVar("T")


def fehlertext(exc: BaseException) -> str:
    """What a cell shows instead of a value: '#ZIEL! <short German reason>'."""
    if isinstance(exc, ZielsteuerungFehler):
        text = str(exc).splitlines()[0]
    else:
        text = f"interner Fehler ({type(exc).__name__})"
    return f"{FEHLERZEICHEN} {text}"[:255]


# --- values as Excel passes them -------------------------------------------------------------


def berichtsmonat_aus(wert: Any) -> int:
    """A reporting month: a date cell, an Excel date number, '2023-07', '07/2023' or 202307."""
    if (datum := excel_datum(wert)) is not None:
        wert = datum
    elif ist_zahl(wert) and int(wert) == wert:
        wert = str(int(wert))
    monat = None if leer(wert) else monate.parse_monat(wert)
    if monat is None:
        raise ZielFehler(f"Monat „{anzeige(wert)}“ nicht lesbar (z. B. 2023-07 oder ein Datum)")
    return monat


def geschlecht_aus(wert: Any) -> str:
    code = "gesamt" if leer(wert) else geschlecht_code(str(wert))
    if code not in GESCHLECHTER:
        raise ZielFehler(f"Geschlecht „{wert}“: bitte gesamt, frauen oder maenner")
    return str(code)


# --- the calling workbook's settings ---------------------------------------------------------


@dataclass(frozen=True)
class Mappenwerte:
    """The settings of a controlling workbook as read, from Excel or from the file."""

    werte: dict[str, Any]
    vereinbarung: list[list[Any]]  # the rows of tbl_Vereinbarung, header first


def mappenwerte_lesen(
    name_wert: Callable[[str], Any], tabelle: Callable[[str], list[list[Any]]]
) -> Mappenwerte | None:
    """Read a workbook's settings: ``name_wert`` gives the value of a defined name and raises
    where the name is missing or points nowhere; ``tabelle`` gives a table's rows.

    None: not a controlling workbook. A controlling workbook whose settings cannot be read is
    an error: its cells never fall back to the user's defaults.
    """

    def lesen(name: str) -> tuple[bool, Any]:
        try:
            return True, name_wert(name)
        except Exception:
            return False, None

    gelesen = {name: lesen(name) for name in dict.fromkeys((*KENNZEICHEN, *EINSTELLUNGEN))}
    try:
        zeilen: list[list[Any]] | None = tabelle(VEREINBARUNG)
    except ZielFehler:  # the table is there, but cannot be used as it stands
        raise
    except Exception:
        zeilen = None
    if zeilen is None and not any(gelesen[name][0] for name in KENNZEICHEN):
        return None
    for name in EINSTELLUNGEN:
        if not gelesen[name][0]:
            raise ZielFehler(
                f"Einstellung „{name}“ nicht lesbar: der Name fehlt oder zeigt auf keine Zelle "
                "(Formeln > Namens-Manager)"
            )
    if not zeilen or not isinstance(zeilen[0], list):
        raise ZielFehler(f"Tabelle „{VEREINBARUNG}“ fehlt oder ist leer (Blatt Zielvereinbarung)")
    return Mappenwerte({name: gelesen[name][1] for name in EINSTELLUNGEN}, zeilen)


#: The tables of an open workbook by name: (sheet, table), xlwings' objects (a resized table
#: stays the same object).
Tabellen = dict[str, tuple[Any, Any]]


def tabellen_in_excel(book: Any) -> Tabellen:
    """Every table of an open workbook by name: (sheet, table), xlwings' objects."""
    return {table.name: (sheet, table) for sheet in book.sheets for table in sheet.tables}


def als_zeilen(wert: Any) -> list[list[Any]]:
    """A range's value as rows: xlwings gives a scalar for one cell and a flat list for one row
    or column."""
    if not isinstance(wert, list):
        return [[wert]]
    return wert if wert and isinstance(wert[0], list) else [wert]


def eingabe_in_excel(
    sheet: Any, table: Any, fehler: type[ZielsteuerungFehler] = ZielFehler
) -> list[list[Any]]:
    """The rows of a table the user fills in, as Excel gives their values (header first); a
    number in a cell formatted as percent is refused (``prozent_fehler``)."""
    zeilen = als_zeilen(table.range.value)
    oben, links = table.range.row, table.range.column
    if text := prozent_fehler(
        sheet.name, zeilen, oben, links, lambda r, c: sheet.range((r, c)).number_format
    ):
        raise fehler(text)
    return zeilen


def mappenwerte_in_excel(book: Any, tabellen: Tabellen | None = None) -> Mappenwerte | None:
    """``mappenwerte_lesen`` of an open workbook. ``tabellen``: its tables where the caller
    listed them already (``tabellen_in_excel``); else the one table needed is looked for, sheet
    by sheet until found (every table is a round trip to Excel)."""
    finden = tabellen.__getitem__ if tabellen is not None else partial(_tabelle_in_excel, book)
    return mappenwerte_lesen(
        lambda name: book.names[name].refers_to_range.value,
        lambda name: eingabe_in_excel(*finden(name)),
    )


def _tabelle_in_excel(book: Any, name: str) -> tuple[Any, Any]:
    for sheet in book.sheets:
        for table in sheet.tables:
            if table.name == name:
                return sheet, table
    raise KeyError(name)


_MAPPEN_CACHE: dict[str, tuple[float, Mappenwerte | None]] = {}
_MAPPEN_GUELTIG = 2.0  # seconds: one recalculation of many cells reads the settings once


def mappen_einstellungen(caller: Any) -> Mappenwerte | None:
    """Settings of the workbook a function is called from (xlwings' caller Range); None
    outside a controlling workbook. ``caller`` may also be settings already read (the
    ministry export computes our formulas from the file)."""
    if caller is None or isinstance(caller, Mappenwerte):
        return caller
    try:
        book = caller.sheet.book
        schluessel = str(book.fullname)
    except Exception:
        raise ZielFehler("die Arbeitsmappe der Zelle ist nicht lesbar") from None
    jetzt = time.monotonic()
    treffer = _MAPPEN_CACHE.get(schluessel)
    if treffer and jetzt - treffer[0] < _MAPPEN_GUELTIG:
        return treffer[1]
    werte = mappenwerte_in_excel(book)
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
    """Arguments first; then, in a controlling workbook, its Einstellungen (binding: an empty
    or unreadable setting is an error); anywhere else the user's defaults."""
    mappe = mappen_einstellungen(caller)
    if mappe is not None:
        return auswahl_aus_mappe(mappe, jahr, bis_monat, traeger, wartezeit)
    vorgaben = einstellungen.lesen()
    traeger_id = traeger_aus(traeger) or traeger_aus(vorgaben.get("traeger_id"))
    jahr_ = jahr_aus(jahr) or jahr_aus(vorgaben.get("jahr"))
    wz = wartezeit_aus(wartezeit) or wartezeit_aus(vorgaben.get("wartezeit"))
    store_text = vorgaben.get("datenbestand")
    store = Path(str(store_text)) if not leer(store_text) else standardpfad()
    if not leer(vorgaben.get("vereinbarung")):
        vereinbarung = lade_vereinbarung(str(vorgaben["vereinbarung"]))
    else:
        vereinbarung = beispiel()
    jahr_ = jahr_ or vereinbarung.jahr
    return Auswahl(
        store=store,
        vereinbarung=vereinbarung,
        traeger_id=traeger_id or vereinbarung.traeger_id,
        jahr=jahr_,
        bis_monat=monat_im_jahr(bis_monat, jahr_),
        wartezeit=wz or vereinbarung.wartezeit,
    )


def auswahl_aus_mappe(
    mappe: Mappenwerte,
    jahr: Any = None,
    bis_monat: Any = None,
    traeger: Any = None,
    wartezeit: Any = None,
) -> Auswahl:
    """The arguments given, else the workbook's Einstellungen: an empty or unreadable setting
    is an error, a month of another year too."""
    e = einstellungen_aus(mappe.werte, jahr, bis_monat, traeger, wartezeit)
    return Auswahl(
        store=einstellungen.datenbestand(mappe.werte["Datenbestand"]),
        vereinbarung=vereinbarung_aus_bereich(
            mappe.vereinbarung, e.traeger_id, e.jahr, e.wartezeit
        ),
        traeger_id=e.traeger_id,
        jahr=e.jahr,
        bis_monat=e.bis_monat,
        wartezeit=e.wartezeit,
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
            ergebnis = einzeln(
                db, a.vereinbarung, g, a.traeger_id, a.jahr, a.bis_monat, a.wartezeit
            )
        return ergebnis.auswertungen[0]

    schluessel = ("auswertung", stand, a)
    return _CACHE.holen(schluessel, berechnen)


def panel(store: Path, traeger_id: str, wartezeit: str) -> Panel:
    def laden() -> Panel:
        with _datenbestand(store) as db:
            return Panel(db.neueste_werte(wartezeit, [traeger_id]), wartezeit, [traeger_id])

    return _CACHE.holen(("panel", fingerabdruck(store), str(store), traeger_id, wartezeit), laden)


def zahl_oder_fehler(wert: Any, grund: str | None) -> float:
    """A value for a cell, or #ZIEL! with the reason where it is not computable."""
    if wert is None or (isinstance(wert, float) and math.isnan(wert)):
        raise ZielFehler(f"nicht berechenbar{': ' + grund if grund else ''}")
    return float(wert)


# --- what the functions compute --------------------------------------------------------------


def ziel(a: Auswahl, ziel_id: Any) -> dict[str, Any]:
    if leer(ziel_id):
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
    return zahl_oder_fehler(z["veraenderung"], z["grund"])


def wert(a: Auswahl, kennzahl: str, geschlecht: str) -> float:
    """The year-to-date value V(Y, t) of any indicator of fachkonzept 3.2."""
    code = str(kennzahl).strip().upper()
    if code not in JAHRESWERTE:
        raise ZielFehler(f"Kennzahl „{kennzahl}“ unbekannt (z. B. K2, INT, LZB)")
    bis = a.bis_monat or auswertung(a).bis_monat
    p = grundlage(a.store, a.traeger_id, a.jahr, a.wartezeit).panel
    verlauf = p.jahresverlauf(code, geschlecht, a.jahr)  # all twelve months, computed once
    ergebnis = verlauf.wert[bis - 1, p.spalte[a.traeger_id]]
    return zahl_oder_fehler(
        ergebnis, None if ergebnis == ergebnis else verlauf.grund(bis)[a.traeger_id]
    )


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
    return zahl_oder_fehler(werte.loc[monat, traeger_id], gruende.loc[monat, traeger_id])


TABELLENKOPF = ["Ziel_ID", "Ziel", "Vorjahr", "Aktuell", "Veraenderung", "Einheit", "Schwelle",
                "Zielwert", "Status", "Knapp"]  # fmt: skip


def tabelle(a: Auswahl) -> list[list[Any]]:
    """The whole evaluation as rows with a header row (the columns of tbl_Ziele)."""
    felder = ["id", "bezeichnung", "vorjahr", "aktuell", "veraenderung", "einheit", "schwelle",
              "zielwert", "status", "knapp"]  # fmt: skip
    return [TABELLENKOPF] + [[z[f] for f in felder] for z in auswertung(a).ziele]


def dynamische_arrays(caller: Any) -> bool:
    """Whether the calling Excel spills arrays (Microsoft 365, Excel 2021 and later). xlwings'
    own test: only there does the worksheet function UNIQUE exist."""
    try:
        caller.sheet.book.app.api.WorksheetFunction.Unique("dummy")
    except Exception:
        return False
    return True


def fuer_bereich(zeilen: list[list[Any]], caller: Any) -> Any:
    """A table as the calling cells can show it.

    One cell in an Excel with dynamic arrays: the table spills. One cell in Excel 2016/2019:
    a message saying how to enter it as an array formula. A selected range (array formula):
    the table, empty cells beyond it; a range too small shows a message in its first cell
    instead of silently cutting rows off.
    """
    form = getattr(caller, "shape", None)
    if not isinstance(form, tuple) or not zeilen:
        return zeilen
    hoehe, breite = len(zeilen), len(zeilen[0])
    groesse = f"{hoehe} Zeilen × {breite} Spalten"
    if form == (1, 1):
        if dynamische_arrays(caller):
            return zeilen
        return fehlertext(ZielFehler(
            f"dieses Excel hat keine dynamischen Arrays: {groesse} markieren, Formel eingeben "
            "und mit Strg+Umschalt+Eingabe abschließen"
        ))  # fmt: skip
    n, m = form
    if n < hoehe or m < breite:
        meldung = fehlertext(ZielFehler(f"Bereich zu klein: die Tabelle braucht {groesse}"))
        return [[meldung if (i, j) == (0, 0) else "" for j in range(m)] for i in range(n)]
    return [[zeilen[i][j] if i < hoehe and j < breite else "" for j in range(m)] for i in range(n)]
