"""The sheet "Vergleich" of the controlling workbook: one row per target (``tbl_Vergleich``),
the ranking of the group per target (``tbl_Vergleich_Rangliste``) and one bar chart per target
with the Träger highlighted. Like everything else it is found by table and defined names only,
so it survives refreshes and the user's restyling.
"""

from __future__ import annotations

import math
from typing import Any

from openpyxl import Workbook
from openpyxl.chart import BarChart, Reference
from openpyxl.chart.axis import ChartLines
from openpyxl.chart.marker import DataPoint
from openpyxl.drawing.text import CharacterProperties, ParagraphProperties
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.pagebreak import Break, RowBreak
from openpyxl.worksheet.worksheet import Worksheet

from ..bericht.vergleich import Vergleich, hinweis, rangliste
from .diagramme import diagrammtitel
from .formate import FORMATE
from .stil import ampel, seite_einrichten
from .vertrag import Tabelle
from .zellen import setze, tabelle_ergaenzen, tabelle_schreiben, titel_setzen, zelle_des_namens

BLATT = "Vergleich"


TABELLE = "tbl_Vergleich"


RANGLISTE = "tbl_Vergleich_Rangliste"


HINWEIS_NAME = "Vergleich_Hinweis"


SPALTEN = (
    "Ziel_ID", "Ziel", "Einheit", "Veraenderung", "Status", "Rang", "Anzahl", "Minimum",
    "Quartil_1", "Median", "Quartil_3", "Maximum", "Schwelle", "Erreicht_in_Gruppe",
)  # fmt: skip


DIAGRAMM_PRAEFIX = "Vergleich – "


_KOPFZEILE = 5


_HERVORGEHOBEN = "C00000"


_ANDERE = "9DC3E6"


def _tabelle_vorhanden(wb: Workbook, name: str) -> bool:
    return any(name in ws.tables for ws in wb.worksheets)


def _blatt(wb: Workbook) -> Worksheet:
    """The sheet "Vergleich", created after "Verlauf" when missing."""

    if BLATT in wb.sheetnames:
        return wb[BLATT]
    position = wb.sheetnames.index("Verlauf") + 1 if "Verlauf" in wb.sheetnames else None
    ws = wb.create_sheet(BLATT, position)
    seite_einrichten(ws)
    titel_setzen(
        ws,
        "Vergleich mit anderen Trägern",
        "Veränderung gegenüber dem Vorjahr je Ziel in der Vergleichsgruppe (gleiche Monate, "
        "gleiche Wartezeit, Schwellen dieser Zielvereinbarung). Rang 1 = bester Wert im Sinne "
        "des Ziels; Quartile wie QUARTILE.INC (QUARTIL.INKL).",
    )
    return ws


def _heimat(wb: Workbook) -> Worksheet:
    """Where the comparison lives: the sheet of tbl_Vergleich (the user may have renamed it)."""
    for ws in wb.worksheets:
        if TABELLE in ws.tables:
            return ws
    return _blatt(wb)


def _anlegen(wb: Workbook, name: str, spalten: tuple[str, ...], spalte: int) -> None:

    ws = _heimat(wb)
    tabelle_ergaenzen(ws, Tabelle(name, ws.title, _KOPFZEILE, spalten, spalte))


def _hinweis_setzen(wb: Workbook, text: str) -> None:

    zelle = zelle_des_namens(wb, HINWEIS_NAME)
    if zelle is None:
        ws = _heimat(wb)
        wb.defined_names[HINWEIS_NAME] = DefinedName(
            HINWEIS_NAME, attr_text=f"{quote_sheetname(ws.title)}!$A$3"
        )
        zelle = ws["A3"]
        zelle.font = Font(bold=True, color="1F3864")
    setze(zelle, text)


def _diagramme_entfernen(wb: Workbook) -> None:

    for ws in wb.worksheets:
        ws._charts = [c for c in ws._charts if not diagrammtitel(c).startswith(DIAGRAMM_PRAEFIX)]


def vergleich_schreiben(wb: Workbook, vergleich: Vergleich | None) -> None:
    """Write (or refresh) the sheet "Vergleich" of the controlling workbook.

    Without a comparison an existing sheet keeps its place and gets a note, its tables are
    emptied and its charts removed (no stale figures); a workbook without one gets none.
    """

    if vergleich is None:
        if _tabelle_vorhanden(wb, TABELLE):
            _hinweis_setzen(
                wb,
                "Kein Vergleich: Der Datenbestand enthält für die gewählte Wartezeit Daten von "
                "weniger als zwei Trägern der Vergleichsgruppe.",
            )
            tabelle_schreiben(wb, TABELLE, [])
            if _tabelle_vorhanden(wb, RANGLISTE):
                tabelle_schreiben(wb, RANGLISTE, [])
            _diagramme_entfernen(wb)
        return

    if not _tabelle_vorhanden(wb, TABELLE):
        _anlegen(wb, TABELLE, SPALTEN, 1)
    ws, kopf, _, letzte = _tabelle_schreiben_vergleich(wb, vergleich)
    if not _tabelle_vorhanden(wb, RANGLISTE):
        _anlegen(wb, RANGLISTE, ("Platz",), letzte + 2)
    rangliste = _rangliste_schreiben(wb, vergleich)
    _hinweis_setzen(wb, hinweis(vergleich))
    _diagramme_entfernen(wb)
    unten = _diagramme(ws, kopf + max(len(vergleich.ziele), 1) + 3, vergleich, rangliste)
    ws.print_area = f"A1:{get_column_letter(letzte)}{unten}"


def _tabelle_schreiben_vergleich(
    wb: Workbook, vergleich: Vergleich
) -> tuple[Worksheet, int, int, int]:

    def format_(z: dict[str, Any], s: str) -> str | None:
        if s in ("Veraenderung", "Minimum", "Quartil_1", "Median", "Quartil_3", "Maximum",
                 "Schwelle"):  # fmt: skip
            return FORMATE[z["Einheit"]]
        return "0" if s in ("Rang", "Anzahl", "Erreicht_in_Gruppe") else None

    ws, kopf, erste, letzte = tabelle_schreiben(wb, TABELLE, vergleich.ziele, format_)
    spalten = {ws.cell(kopf, c).value: c for c in range(erste, letzte + 1)}
    if "Status" in spalten:
        n = len(vergleich.ziele)
        ampel(ws, kopf, kopf + n, spalten["Status"], [spalten["Status"]])
    for r in range(kopf + 1, kopf + len(vergleich.ziele) + 1):
        ws.row_dimensions[r].height = 30  # two lines of the wrapped target label
    return ws, kopf, erste, letzte


def _rangliste_schreiben(
    wb: Workbook, vergleich: Vergleich
) -> tuple[Worksheet, int, int, dict[str, int]]:
    """The ranking of every target side by side, the Träger highlighted."""

    ids = list(vergleich.ranglisten)
    spalten, zeilen = rangliste(vergleich)
    n = len(zeilen)
    einheiten = {i: e for i, (_, e) in vergleich.bezeichnungen.items()}

    def format_(_z: dict[str, Any], s: str) -> str | None:
        return FORMATE[einheiten[s]] if s in einheiten else ("0" if s == "Platz" else None)

    ws, kopf, erste, letzte = tabelle_schreiben(wb, RANGLISTE, zeilen, format_, spalten=spalten)
    kopfzeile = {ws.cell(kopf, c).value: c for c in range(erste, letzte + 1)}
    # the previous refresh's highlight was copied to every row: set every row explicitly
    for i in ids:
        eigen = next(
            (p for p, (t, _, _) in enumerate(vergleich.ranglisten[i]) if t == vergleich.traeger_id),
            None,
        )
        for platz in range(n):
            for c in (kopfzeile[f"{i}_Traeger"], kopfzeile[i]):
                zelle = ws.cell(kopf + 1 + platz, c)
                if platz == eigen:
                    zelle.fill = PatternFill("solid", fgColor="FFE699")
                    zelle.font = Font(bold=True)
                else:
                    zelle.fill = PatternFill(fill_type=None)
                    zelle.font = Font()
    return ws, kopf, erste, kopfzeile


def _diagramme(
    ws: Worksheet,
    unten: int,
    vergleich: Vergleich,
    rangliste: tuple[Worksheet, int, int, dict[str, int]],
) -> int:
    """One horizontal bar chart per target: the group ranked, the Träger highlighted; two
    charts side by side, a page break before every second row of charts. Returns the last
    row the charts cover."""
    blatt, kopf, _, spalten = rangliste
    hoehe_cm = 3.5 + 0.45 * max(len(r) for r in vergleich.ranglisten.values())
    zeilen = math.ceil(hoehe_cm / 0.53) + 1
    ws.row_breaks = RowBreak()
    for reihe_nr in range(1, (len(vergleich.ranglisten) + 1) // 2, 2):
        ws.row_breaks.append(Break(id=unten + zeilen * reihe_nr - 1))
    for nr, (ziel_id, eintraege) in enumerate(vergleich.ranglisten.items()):
        gueltig = [e for e in eintraege if e[2] is not None]
        if not gueltig:
            continue
        bezeichnung, einheit = vergleich.bezeichnungen[ziel_id]
        diagramm = BarChart()
        diagramm.type = "bar"
        diagramm.style = 10
        diagramm.title = f"{DIAGRAMM_PRAEFIX}{bezeichnung}"
        diagramm.title.tx.rich.p[0].pPr = ParagraphProperties(
            defRPr=CharacterProperties(sz=1100, b=True)
        )
        diagramm.y_axis.title = f"Veränderung ({einheit})"
        diagramm.y_axis.majorGridlines = ChartLines()
        diagramm.y_axis.delete = False
        diagramm.x_axis.delete = False
        diagramm.x_axis.scaling.orientation = "maxMin"  # Platz 1 at the top
        diagramm.y_axis.crosses = "max"  # and the value axis at the bottom
        diagramm.x_axis.tickLblPos = "low"
        diagramm.legend = None
        diagramm.gapWidth = 40
        spalte = spalten[ziel_id]
        diagramm.add_data(
            Reference(blatt, min_col=spalte, min_row=kopf + 1, max_row=kopf + len(gueltig))
        )
        diagramm.set_categories(
            Reference(
                blatt,
                min_col=spalten[f"{ziel_id}_Traeger"],
                min_row=kopf + 1,
                max_row=kopf + len(gueltig),
            )
        )
        reihe = diagramm.series[0]
        reihe.graphicalProperties.solidFill = _ANDERE
        reihe.graphicalProperties.line.noFill = True
        for platz, (traeger_id, _, _) in enumerate(gueltig):
            if traeger_id == vergleich.traeger_id:
                punkt = DataPoint(idx=platz)
                punkt.graphicalProperties.solidFill = _HERVORGEHOBEN
                punkt.graphicalProperties.line.noFill = True
                reihe.dPt.append(punkt)
        diagramm.height, diagramm.width = hoehe_cm, 15
        anker = f"{get_column_letter(1 if nr % 2 == 0 else 4)}{unten + zeilen * (nr // 2)}"
        ws.add_chart(diagramm, anker)
    return unten + zeilen * ((len(vergleich.ranglisten) + 1) // 2)
