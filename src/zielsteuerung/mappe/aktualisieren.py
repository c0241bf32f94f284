"""The standard controlling workbook: create it, or refresh it in place without losing anything.

A user may restyle, move and add; the refresh finds our tables and named cells wherever they
are, rewrites their contents, and leaves everything else alone.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager
from copy import copy
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment
from openpyxl.utils import range_boundaries
from openpyxl.worksheet.worksheet import Worksheet

from ..bericht.auswerten import Ausschnitt
from ..bericht.bericht import Bericht, bericht_fuer_mappe
from ..daten import einstellungen
from ..daten.vereinbarungen import beispiel
from ..kern.vereinbarung import Zielvereinbarung
from .blaetter import gestalten, kopfzeilen
from .datei import laden, pruefe_schreibbar, speichern
from .diagramme import hilfsdaten_leeren
from .dialogblatt import dialog_schreiben
from .einstellungen import (
    EINSTELLUNGEN,
    bis_monat_aus,
    einstellungen_aus,
    planung_jahr_aus,
    vergleichsgruppe_aus,
)
from .inhalte import inhalte, jahreswechsel, mittel_format
from .stil import ampel
from .vereinbarungsblatt import vereinbarung_aus_mappe, vereinbarung_schreiben
from .vergleich import vergleich_schreiben
from .vorlage import ergaenzen, neue_mappe
from .zellen import (
    eingabe_lesen,
    name_lesen,
    name_setzen,
    tabelle_finden,
    tabelle_lesen,
    tabelle_schreiben,
)


def bericht_schreiben(wb: Workbook, bericht: Bericht) -> str | None:
    """Write one evaluation into the workbook's tables and named cells, with its layout; the
    note where the workbook was last evaluated for another year (``jahreswechsel``)."""
    alt = {
        str(z.get("Ziel_ID")): z.get("Erläuterung") for z in tabelle_lesen(wb, "tbl_Erlaeuterungen")
    }
    neues_jahr = jahreswechsel(name_lesen(wb, "Zeitraum"), bericht.auswertung.jahr, alt)
    tabellen, namen = inhalte(bericht, alt)
    for ws in wb.worksheets:  # written anew beside the tables, which may have grown
        hilfsdaten_leeren(ws)
    orte = {
        i.tabelle: tabelle_schreiben(wb, i.tabelle, i.zeilen, i.format_, i.spalten)
        for i in tabellen
    }
    anzahl = {i.tabelle: len(i.zeilen) for i in tabellen}
    for name, (wert, format_) in namen.items():
        name_setzen(wb, name, wert, format_)
    for gelesen in ("tbl_Vereinbarung", "tbl_Mittel"):  # the user's tables: only laid out
        orte.setdefault(gelesen, _ort(wb, gelesen))
        anzahl.setdefault(gelesen, len(tabelle_lesen(wb, gelesen)))
    for tabelle, status in (
        ("tbl_Ziele", ("Status", "Status Zielpfad", "Status Prognose")),
        ("tbl_Prognose", ("Status Zielpfad", "Status Prognose")),
        ("tbl_Erlaeuterungen", ("Status",)),
    ):
        ws, kopf, erste, letzte = orte[tabelle]
        spalten = {ws.cell(kopf, c).value: c for c in range(erste, letzte + 1)}
        for name in status:
            if name in spalten:
                bereiche = [spalten[name]]
                if name == "Status" and "Ampel" in spalten:
                    bereiche.append(spalten["Ampel"])
                ampel(ws, kopf, kopf + anzahl[tabelle], spalten[name], bereiche)
    ws, kopf, erste, letzte = orte["tbl_Erlaeuterungen"]
    spalte = next(c for c in range(erste, letzte + 1) if ws.cell(kopf, c).value == "Erläuterung")
    for r in range(kopf + 1, kopf + anzahl["tbl_Erlaeuterungen"] + 1):
        ws.cell(r, spalte).alignment = Alignment(wrap_text=True, vertical="top")
        for c in range(erste, letzte + 1):  # a row reads from its top, as its long text does
            if c != spalte:
                ausrichtung = copy(ws.cell(r, c).alignment)
                ausrichtung.vertical = "top"
                ws.cell(r, c).alignment = ausrichtung
    gestalten(wb, bericht, orte, anzahl)
    dialog_schreiben(wb, bericht, alt)
    vergleich_schreiben(wb, bericht.vergleich)
    kopfzeilen(wb, bericht)
    wb.calculation.fullCalcOnLoad = True
    return neues_jahr


def _ort(wb: Workbook, name: str) -> tuple[Worksheet, int, int, int]:
    ws, tabelle = tabelle_finden(wb, name)
    erste, kopf, letzte, _ = range_boundaries(tabelle.ref)
    return ws, kopf, erste, letzte


@dataclass
class Ergebnis:
    pfad: Path
    neu: bool
    bericht: Bericht
    hinweise: list[str] = field(default_factory=list)  # for the user, beside the summary


def arbeitsmappe(
    pfad: Path,
    store: Path | None = None,
    vereinbarung: Zielvereinbarung | None = None,
    traeger_id: str | None = None,
    jahr: int | None = None,
    bis_monat: int | None = None,
    wartezeit: str | None = None,
    mittel: list[dict[str, Any]] | None = None,
    planung: list[dict[str, Any]] | None = None,
) -> Ergebnis:
    """Create the controlling workbook at ``pfad``, or refresh it in place.

    On a refresh the settings and the agreement come from the workbook itself unless given.
    ``mittel`` and ``planung`` (rows as on the sheets "Mittel" and "Planung", e.g. from a CSV
    file) replace those sheets' tables.
    """
    with _ohne_zyklensuche():
        return _arbeitsmappe(
            pfad, store, vereinbarung, traeger_id, jahr, bis_monat, wartezeit, mittel, planung
        )


@contextmanager
def _ohne_zyklensuche() -> Iterator[None]:
    """Python's search for reference cycles paused: a workbook is hundreds of thousands of
    small objects, and with them alive each search walks them all, again and again while
    the workbook is written (a third of the time of writing the national workbook). What
    forms cycles meanwhile is collected once the search runs again."""
    war_an = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if war_an:
            gc.enable()


def _arbeitsmappe(
    pfad: Path,
    store: Path | None,
    vereinbarung: Zielvereinbarung | None,
    traeger_id: str | None,
    jahr: int | None,
    bis_monat: int | None,
    wartezeit: str | None,
    mittel: list[dict[str, Any]] | None,
    planung: list[dict[str, Any]] | None,
) -> Ergebnis:
    neu = not pfad.exists()
    if neu:
        wb = neue_mappe(vereinbarung or beispiel())
    else:
        pruefe_schreibbar(pfad)
        wb = laden(pfad)
        ergaenzen(wb)
    if mittel is not None:  # checked with the sheet's rows below, before anything is saved
        tabelle_schreiben(wb, "tbl_Mittel", mittel, mittel_format)
    if bis_monat is not None:  # given: remembered for the next refresh
        name_setzen(wb, "Bis_Monat_Vorgabe", bis_monat, "0")
    werte = {name: name_lesen(wb, name) for name in EINSTELLUNGEN}
    if vereinbarung is None:  # the workbook's settings, read as the ZIEL_ cells read them
        e = einstellungen_aus(werte, jahr, bis_monat, traeger_id, wartezeit)
        vereinbarung = vereinbarung_aus_mappe(wb, e.traeger_id, e.jahr, e.wartezeit)
        bis_monat = e.bis_monat
    else:
        vereinbarung_schreiben(wb, vereinbarung)
        if bis_monat is None:
            bis_monat = bis_monat_aus(werte, jahr or vereinbarung.jahr)
    if store is not None:  # remembered for the next refresh (and the ribbon button)
        name_setzen(wb, "Datenbestand", str(store.resolve()))
    else:
        store = einstellungen.datenbestand(werte["Datenbestand"])
    bericht = bericht_fuer_mappe(
        store,
        vereinbarung,
        Ausschnitt(traeger_id, jahr, bis_monat, wartezeit),
        vergleichsgruppe_aus(name_lesen(wb, "Vergleichsgruppe")),
        planung=eingabe_lesen(wb, "tbl_Planung") if planung is None else planung,
        mittel=eingabe_lesen(wb, "tbl_Mittel"),
        planung_jahr=None
        if planung is not None  # given for this evaluation
        else planung_jahr_aus(name_lesen(wb, "Planung_Jahr"), name_lesen(wb, "Zeitraum")),
    )
    hinweise = [bericht.planung_hinweis, bericht_schreiben(wb, bericht)]
    speichern(wb, pfad)
    return Ergebnis(pfad, neu, bericht, [h for h in hinweise if h])
