"""The Einstellungen of a controlling workbook, read by one set of rules wherever they are
read: the ZIEL_ cells and the ribbon button (values as Excel passes them) and the refresh of the
file (values as openpyxl reads them). A setting that is empty or cannot be read is an error
naming it, never a default; a month given as a date of another year too. No openpyxl here: the
worksheet functions import this module.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from ..daten.traeger import TraegerAufloesung, unbekannt
from ..fehler import ZielFehler
from ..kern.merkmale import wartezeit_code
from ..kern.monate import jahr_und_monat, monat_aus_namen, parse_monat
from ..kern.zahlen import ist_zahl

T = TypeVar("T")

#: The settings of a controlling workbook, by their defined names (workbook_templates/README.md).
EINSTELLUNGEN = ("Traeger_ID", "Jahr", "Bis_Monat_Vorgabe", "Wartezeit", "Datenbestand")
#: Names only a controlling workbook carries: with any of them, its settings are binding.
KENNZEICHEN = ("Traeger_ID", "Bis_Monat_Vorgabe", "Vorlagenversion")
VEREINBARUNG = "tbl_Vereinbarung"


def anzeige(wert: Any) -> str:
    """A value as the user typed it (Excel passes 13 as 13.0)."""
    if isinstance(wert, float) and wert.is_integer():
        return str(int(wert))
    return str(wert)


def leer(wert: Any) -> bool:
    return wert is None or (isinstance(wert, str) and not wert.strip())


def jahr_aus(wert: Any) -> int | None:
    if leer(wert):
        return None
    if isinstance(wert, dt.date):
        return wert.year
    return _ganze_zahl(wert, 2000, 2100, f"Jahr „{anzeige(wert)}“ ist keine Jahreszahl")


def _ganze_zahl(wert: Any, von: int, bis: int, fehler: str) -> int:
    """A whole number from ``von`` to ``bis`` (a cell may hold 7.0 or "7"), else ``fehler``."""
    try:
        zahl = float(wert)
    except (TypeError, ValueError):
        raise ZielFehler(fehler) from None
    if not zahl.is_integer() or not von <= zahl <= bis:
        raise ZielFehler(fehler)
    return int(zahl)


def excel_datum(wert: Any) -> dt.date | None:
    """A date cell (xlwings passes a datetime) or an Excel date number such as DATUM() gives."""
    if isinstance(wert, dt.date):
        return wert
    if ist_zahl(wert) and 20_000 <= wert < 80_000:
        return dt.date(1899, 12, 30) + dt.timedelta(days=int(wert))  # serial date, 1954..2118
    return None


def monat_und_jahr(wert: Any) -> tuple[int | None, int | None]:
    """A month 1..12 (also its name: "Juni", "Jun"), and the year where it came with one: a
    date (cell, DATUM() or date number) or a text such as "Juni 2023", "06/2023", "2023-06"."""
    if leer(wert):
        return None, None
    if (datum := excel_datum(wert)) is not None:
        return datum.month, datum.year
    if isinstance(wert, str):
        if (nummer := monat_aus_namen(wert)) is not None:
            return nummer, None
        if (index := parse_monat(wert)) is not None:
            jahr, nummer = jahr_und_monat(index)
            return nummer, jahr
    fehler = f"Monat „{anzeige(wert)}“ unlesbar: bitte 1 bis 12, „Juni“ oder „06/2023“"
    return _ganze_zahl(wert, 1, 12, fehler), None


def monat_im_jahr(wert: Any, jahr: int) -> int | None:
    """A month of ``jahr``; a date of another year is an error, never silently its month."""
    monat, monatsjahr = monat_und_jahr(wert)
    if monatsjahr is not None and monatsjahr != jahr:
        raise ZielFehler(f"Monat {monat:02d}/{monatsjahr} liegt nicht im Jahr {jahr}")
    return monat


@functools.cache
def _aufloesung() -> TraegerAufloesung:
    return TraegerAufloesung()


def traeger_aus(wert: Any) -> str | None:
    if leer(wert):
        return None
    text = anzeige(wert)
    traeger_id, _ = _aufloesung().aufloesen(text)
    if traeger_id is None:
        raise ZielFehler(unbekannt(text))
    return traeger_id


def vergleichsgruppe_aus(wert: Any) -> list[str] | None:
    """The setting "Vergleichsgruppe": Träger by Regionalschlüssel or name, separated by ";",
    "und" or line breaks, Regionalschlüssel also by commas or blanks ("05554, 05562"); None
    where it is empty (the default group). An entry that names no Träger is an error, never
    left out (the comparison would silently be another group)."""
    if leer(wert):
        return None
    gruppe = []
    for teil in re.split(r"[;\n]+|\s+und\s+", anzeige(wert)):
        eintraege = re.split(r"[,\s]+", teil) if re.fullmatch(r"[\d,\s]*", teil) else [teil]
        for eintrag in filter(None, (e.strip() for e in eintraege)):
            traeger_id, _ = _aufloesung().aufloesen(eintrag)
            if traeger_id is None:
                raise ZielFehler(
                    f"Einstellungen: Vergleichsgruppe: {unbekannt(eintrag)} (Regionalschlüssel "
                    "oder Name; mehrere durch Semikolon getrennt)"
                )
            gruppe.append(traeger_id)
    return gruppe or None


def wartezeit_aus(wert: Any) -> str | None:
    if leer(wert):
        return None
    text = anzeige(wert)
    code = wartezeit_code(text)
    if code is None:
        raise ZielFehler(f"Wartezeit „{text}“: bitte T0 oder T3")
    return code


def bis_monat_aus(werte: dict[str, Any], jahr: int) -> int | None:
    """The setting "Auswerten bis Monat" of ``werte`` (None: empty): a month of ``jahr``."""
    return einstellung(werte, "Bis_Monat_Vorgabe", lambda w: monat_im_jahr(w, jahr))


@dataclass(frozen=True)
class Einstellungen:
    """Träger, year, report month (None: the last with data) and Wartezeit in effect."""

    traeger_id: str
    jahr: int
    bis_monat: int | None
    wartezeit: str


def einstellung(werte: dict[str, Any], name: str, lesen: Callable[[Any], T]) -> T:
    """One setting read by ``lesen``; its message names the Einstellungen."""
    try:
        return lesen(werte.get(name))
    except ZielFehler as exc:
        raise ZielFehler(f"Einstellungen: {exc}") from None


def einstellungen_aus(
    werte: dict[str, Any],
    jahr: Any = None,
    bis_monat: Any = None,
    traeger: Any = None,
    wartezeit: Any = None,
) -> Einstellungen:
    """The arguments given, else the workbook's settings ``werte`` (by defined name): an empty
    or unreadable setting is an error, a month of another year too."""
    traeger_id = traeger_aus(traeger) or einstellung(werte, "Traeger_ID", traeger_aus)
    jahr_ = jahr_aus(jahr) or einstellung(werte, "Jahr", jahr_aus)
    wz = wartezeit_aus(wartezeit) or einstellung(werte, "Wartezeit", wartezeit_aus)
    if traeger_id is None or jahr_ is None or wz is None:
        fehlt = "Träger" if traeger_id is None else "Jahr" if jahr_ is None else "Wartezeit"
        raise ZielFehler(f"Einstellungen: {fehlt} ist leer")
    monat = bis_monat_aus(werte, jahr_) if leer(bis_monat) else monat_im_jahr(bis_monat, jahr_)
    return Einstellungen(traeger_id, jahr_, monat, wz)


def jahr_des_zeitraums(zeitraum: Any) -> int | None:
    """The year a workbook was last evaluated for: its "Zeitraum" ("Januar bis Juni 2023")."""
    treffer = re.search(r"(\d{4})\s*$", str(zeitraum or ""))
    return int(treffer.group(1)) if treffer else None


def planung_jahr_aus(eintrag: Any, zeitraum: Any) -> int | None:
    """The year the plan on the sheet "Planung" is for: its cell "Planung für das Jahr"; where
    that is empty (or a workbook of an older template lacks it), the year last evaluated, for
    which the plan was last applied; None in a workbook never evaluated."""
    try:
        return jahr_aus(eintrag) or jahr_des_zeitraums(zeitraum)
    except ZielFehler:
        raise ZielFehler(
            f"Blatt „Planung“, Planung für das Jahr: „{anzeige(eintrag)}“ ist keine Jahreszahl "
            "(z. B. 2024)"
        ) from None
