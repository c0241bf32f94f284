"""Writing the sheet "Steuerungsdialog" with openpyxl: the contents of ``dialog`` laid out for
print, with its two charts (the path of one target, the use of funds)."""

from __future__ import annotations

import itertools
from functools import partial
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, PatternFill
from openpyxl.utils import get_column_letter

from ..bericht.bericht import Bericht
from .diagrammdaten import mittel_namen, pfad_namen
from .diagramme import anordnen, pfaddiagramm
from .dialog import BLATT, BREITE, DATEN_SPALTE, Zeile, bloecke, ziel_fuer_diagramm
from .druck import einrichten, kopf_ausrichten, platz_schaffen, ueber_breite, zeilen_anpassen
from .formate import FORMATE
from .inhalte import dialog_formate
from .stil import (
    ABSCHNITT,
    BLAU,
    HINWEIS,
    KOPF,
    NORMAL,
    TITEL,
    UNTERTITEL,
    ampel_regeln,
    seite_einrichten,
)
from .vorlage import blatt_anlegen
from .zellen import setze


def dialog_schreiben(wb: Workbook, bericht: Bericht, erlaeuterungen: dict[str, Any]) -> None:
    """Rebuild the sheet "Steuerungsdialog" (it holds nothing of the user's)."""
    if BLATT in wb.sheetnames:
        position = wb.sheetnames.index(BLATT)
        wb.remove(wb[BLATT])
        ws = wb.create_sheet(BLATT, position)
        seite_einrichten(ws)
    else:
        ws = blatt_anlegen(wb, BLATT)
    ws.sheet_properties.tabColor = BLAU
    formate = dialog_formate(bericht.vereinbarung)
    stile = {
        "titel": (TITEL, None), "untertitel": (UNTERTITEL, None), "hinweis": (HINWEIS, None),
        "abschnitt": (ABSCHNITT, None),
        "kopf": (KOPF, PatternFill("solid", fgColor=BLAU)),
    }  # fmt: skip
    ws.column_dimensions["A"].width = 46
    for c in range(2, DATEN_SPALTE + 11):
        ws.column_dimensions[get_column_letter(c)].width = _BREITEN.get(c, 12.5)
    inhalt = bloecke(bericht, erlaeuterungen, formate)
    for spalte, block in inhalt:
        for r, zeile in enumerate(block, start=1):
            oben = any(z.stil == "erlaeuterung" for z in zeile)  # read from the top, as its text
            for c, z in enumerate(zeile, start=spalte):
                zelle = ws.cell(r, c)
                setze(zelle, z.wert, z.format_)
                schrift, fuellung = stile.get(z.stil or "", (NORMAL, None))
                zelle.font = schrift
                if fuellung is not None:
                    zelle.fill = fuellung
                zelle.alignment = Alignment(
                    wrap_text=z.stil in ("kopf", "umbruch", "erlaeuterung", "status"),
                    vertical="top" if oben else "center",
                    horizontal="center" if z.stil in ("status", "mittig") else None,
                )
                if z.stil == "status":
                    ampel_regeln(
                        ws, zelle.coordinate, partial('{0}="{1}"'.format, zelle.coordinate)
                    )
                if z.stil == "erlaeuterung":
                    ws.merge_cells(start_row=r, start_column=2, end_row=r, end_column=BREITE)
    zeilen = inhalt[0][1]
    for r, zeile in enumerate(zeilen, start=1):  # headers with room, as their values stand
        if zeile and zeile[0].stil == "kopf":
            unten = r  # the block's last row of values
            while unten < len(zeilen) and zeilen[unten] and zeilen[unten][0].stil in _WERTE:
                unten += 1
            kopf_ausrichten(ws, r, 1, len(zeile), unten)
            platz_schaffen(ws, r, 2, len(zeile), unten)
    zeilen_anpassen(ws, range(1, len(zeilen) + 1))
    for r, zeile in enumerate(zeilen, start=1):
        if zeile and zeile[0].stil == "untertitel":  # long notes wrap over the sheet's width
            ueber_breite(ws, r, BREITE)
    j, unten = bericht.auswertung.jahr, len(zeilen) + 2
    pfad = pfad_namen(j)  # the data columns after the month: the path's, then the funds'
    ziel = ziel_fuer_diagramm(bericht)
    bezeichnung = next((z.bezeichnung for z in bericht.vereinbarung.ziele if z.id == ziel), "")
    diagramme = []
    for titel, format_, achse, spalte, namen in (
        (f"Zielpfad – {bezeichnung}", formate.get(ziel or "", FORMATE["anzahl"]), "",
         DATEN_SPALTE, pfad),
        ("Mittelausschöpfung – alle Posten", FORMATE["anzahl"],
         "Prozent der Mittel, Januar bis Monat", DATEN_SPALTE + len(pfad), mittel_namen(j)),
    ):  # fmt: skip
        diagramm = pfaddiagramm(titel, format_, ws, 2, spalte, namen, DATEN_SPALTE, achse)
        diagramm.height = 6.2
        diagramme.append(diagramm)
    karten = anordnen(ws, diagramme, unten)
    einrichten(ws, BREITE, karten[-1][1], [*_abschnitte(zeilen), *karten])


#: The first cell's style of a row of values (below a header).
_WERTE = (None, "umbruch")


#: Column widths B..J (the numbers of the targets and of the funds need the room).
_BREITEN = {2: 13, 3: 13, 4: 13, 5: 12, 6: 12.5, 7: 12, 8: 13, 9: 13, 10: 14}


def _abschnitte(zeilen: list[Zeile]) -> list[tuple[int, int]]:
    """Title with the first section, then every section: blocks a page break may not cut."""
    anfaenge = [r for r, z in enumerate(zeilen, start=1) if z and z[0].stil == "abschnitt"]
    grenzen = [1, *anfaenge[1:], len(zeilen) + 1]
    return [(von, bis - 1) for von, bis in itertools.pairwise(grenzen)]
